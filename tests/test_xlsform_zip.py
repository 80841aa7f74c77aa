"""XLSForms uploaded in a ZIP with their CSV and media files: choices read from CSV files and
the external_choices sheet, hostile archives refused with a clear reason, never a crash."""

from __future__ import annotations

import io
import zipfile

import pytest

from survey.questionnaire import DefinitionError
from survey.questionnaire.xlsform import read_upload, read_xlsform
from survey.versions.upload import check_upload

from .test_xlsform import workbook

FORM = {"survey": [["type", "name", "label::Français (fr)", "label::English (en)"],
                   ["select_one_from_file places.csv", "place", "Lieu", "Place"],
                   ["select_multiple_from_file places.csv", "visited", "Visités", "Visited"],
                   ["select_one_external district", "district", "Quartier", "District"]],
        "external_choices": [["list_name", "name", "label::Français (fr)",
                              "label::English (en)"],
                             ["district", "north", "Nord", "North"],
                             ["district", "south", "Sud", "South"],
                             ["other", "x", "X", "X"]],
        "settings": [["form_id", "default_language"], ["zipped", "Français (fr)"]]}
PLACES = ("name;label::Français (fr);label::English (en)\r\n"
          "clinic;Clinique;Clinic\r\ncoop;Coopérative;Co-operative\r\n")


def zipped(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_choices_from_a_csv_of_the_zip_and_from_the_external_choices_sheet():
    content = zipped({"form/my form.xlsx": workbook(FORM), "form/places.csv":
                      PLACES.encode("utf-8-sig"), "__MACOSX/._places.csv": b"junk",
                      "notes.docx": b"x"})
    imported = read_upload(content, "survey.zip")
    d = imported.definition
    place, visited, district = d.item("place"), d.item("visited"), d.item("district")
    assert (place.type, visited.type, district.type) == ("single", "multiple", "single")
    assert [(c.code, c.label["en"]) for c in place.choices] == [("clinic", "Clinic"),
                                                               ("coop", "Co-operative")]
    assert [c.code for c in visited.choices] == ["clinic", "coop"]
    assert [(c.code, c.label["fr"]) for c in district.choices] == [("north", "Nord"),
                                                                  ("south", "Sud")]
    assert any("notes.docx" in str(n) for n in imported.notes)  # ignored, and said so


def test_a_csv_choice_list_missing_or_unreadable_is_refused_at_the_row_with_the_file():
    with pytest.raises(DefinitionError) as caught:  # an .xlsx alone: no files at all
        read_xlsform(workbook(FORM), "alone.xlsx")
    problems = {p.place: p.message for p in caught.value.problems}
    assert "upload a ZIP file holding the XLSForm and places.csv" in problems["survey!A2"]
    with pytest.raises(DefinitionError) as caught:
        read_upload(zipped({"f.xlsx": workbook(FORM), "other.csv": b"name,label\na,A\n"}),
                    "f.zip")
    problems = {p.place: p.message for p in caught.value.problems}
    assert problems["survey!A2"] == ("'select_one_from_file places.csv': places.csv is not in "
                                     "the ZIP file: add it next to the XLSForm")
    with pytest.raises(DefinitionError) as caught:
        read_upload(zipped({"f.xlsx": workbook(FORM),
                            "places.csv": "nom;étiquette\nx;y\n".encode("latin-1")}), "f.zip")
    assert "places.csv is not UTF-8 text" in str(caught.value)
    with pytest.raises(DefinitionError) as caught:
        read_upload(zipped({"f.xlsx": workbook(FORM), "places.csv": b"code,text\na,b\n"}),
                    "f.zip")
    problems = {p.place: p.message for p in caught.value.problems}
    assert "needs a header row with a name column" in problems["places.csv!1"]


def test_a_csv_choice_without_a_name_is_refused_at_its_cell_in_the_file():
    with pytest.raises(DefinitionError) as caught:
        read_upload(zipped({"f.xlsx": workbook(FORM),
                            "places.csv": b"name,label\nclinic,Clinic\n,Nameless\n"}), "f.zip")
    problems = {p.place: p.message for p in caught.value.problems}
    assert problems["places.csv!A3"] == "a choice needs both a list_name and a name"


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("f.xlsx", workbook(FORM))
        archive.writestr("big.csv", b"0" * (9 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(("content", "reason"), [
    (zipped({"../evil.xlsx": b"x"}), "points outside the archive"),
    (zipped({"/etc/f.xlsx": b"x"}), "points outside the archive"),
    (zipped({"C:\\f.xlsx": b"x"}), "points outside the archive"),
    (zipped({"a.xlsx": workbook(FORM), "b.xlsx": workbook(FORM)}), "several XLSForms"),
    (zipped({"places.csv": b"name,label\n"}), "holds no XLSForm"),
    (zipped({"f.xlsx": workbook(FORM), "a/places.csv": b"name\na\n",
             "b/places.csv": b"name\nb\n"}), "two different files named 'places.csv'"),
    (b"PK\x03\x04 not really", "damaged or incomplete"),
    (bomb(), "zip bomb"),
    (b"PK" + b"\0" * (21 * 1024 * 1024), "larger than 20 MB"),
])
def test_hostile_or_broken_zips_get_one_clear_refusal(content, reason):
    with pytest.raises(DefinitionError) as caught:
        read_upload(content, "upload.zip")
    assert reason in str(caught.value)
    assert [p.line for p in caught.value.problems] == [0]  # the whole file


def test_the_upload_report_takes_a_zip_and_refuses_an_oversized_one():
    content = zipped({"f.xlsx": workbook(FORM), "places.csv": PLACES.encode()})
    report = check_upload("form.zip", content)
    assert report.ok and report.spreadsheet
    report = check_upload("form.zip", b"PK" + b"\0" * (21 * 1024 * 1024))
    assert not report.ok and "larger than 20 MB" in str(report.problems[0])


def test_a_zip_larger_than_a_page_of_answers_uploads_through_the_workspace(app, client):
    import os

    from survey.design import services
    from survey.models.account import RESEARCHER

    from .test_questionnaire_pages import sign_in, upload

    with app.app_context():
        evaluation_id = services.create_evaluation(None, name="Pilot").id
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    content = zipped({"f.xlsx": workbook(FORM), "places.csv": PLACES.encode(),
                      "unused.png": os.urandom(1_500_000)})
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    page = upload(client, evaluation_id, "form.zip", content)
    assert page.status_code == 302, page.text
    draft = client.get(page.headers["Location"])
    assert draft.status_code == 200 and "zipped" in draft.text and "form.zip" in draft.text
    page = upload(client, evaluation_id, "evil.zip", zipped({"../f.xlsx": b"x"}))
    assert page.status_code == 422
    assert "pointe hors de l’archive" in page.text  # in the researcher's language
