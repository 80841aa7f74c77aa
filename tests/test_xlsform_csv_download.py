"""A version whose choices came from CSV files of the uploaded ZIP downloads as a ZIP holding
those files as uploaded, its rows naming them again (``select_one_from_file places.csv``), and
uploads back with the same content hash; a team that edits a CSV file gets a new version whose
diff shows the changed choice. A version stored before the files were kept downloads as before
(choices in the workbook), over HTTP and from the command line."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from survey.extensions import db
from survey.models import QuestionnaireMedia, QuestionnaireVersion
from survey.questionnaire import load_text
from survey.questionnaire.download import as_xlsform_zip
from survey.questionnaire.xlsform import FileSources, read_upload, read_xlsform
from survey.versions import find_version, store_definition
from survey.versions.cli import questionnaire_group

from .test_questionnaire_pages import base
from .test_xlsform import workbook
from .test_xlsform_media import picture
from .test_xlsform_media_download import draft_of, drop, publish, start, stored_media
from .test_xlsform_zip import PLACES, zipped

FR, EN = "label::Français (fr)", "label::English (en)"
ITEMSETS = (f"list_name,name,{FR},{EN}\n"
            "district,north,Nord,North\ndistrict,south,Sud,South\nother,x,X,X\n")


def form(with_picture: bool = True) -> dict[str, bytes]:
    survey = [["type", "name", FR, EN, "media::image::English (en)"],
              ["select_one_from_file places.csv", "place", "Lieu", "Place",
               "poster.png" if with_picture else None],
              ["select_multiple_from_file places.csv", "visited", "Visités", "Visited", None],
              ["select_one_external district", "district", "Quartier", "District", None],
              ["select_one yn", "agree", "D'accord ?", "Agree?", None]]
    sheets = {"survey": survey,
              "choices": [["list_name", "name", FR, EN], ["yn", "yes", "Oui", "Yes"],
                          ["yn", "no", "Non", "No"]],
              "settings": [["form_id", "default_language"], ["csvform", "Français (fr)"]]}
    files = {"form/csvform.xlsx": workbook(sheets), "form/places.csv": PLACES.encode("utf-8-sig"),
             "form/itemsets.csv": ITEMSETS.encode("utf-8")}
    if with_picture:
        files["form/media/poster.png"] = picture(400, 300, "PNG", "orange")
    return files


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sheet_rows(xlsx: bytes, name: str) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)[name]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_the_csv_files_come_back_in_the_zip_as_uploaded_and_upload_back_the_same(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    upload = zipped(form())
    digest = read_upload(upload, "csvform.zip").definition.content_hash
    publish(client, evaluation_id, draft_of(client, evaluation_id, "csvform.zip", upload))
    link = f"{base(evaluation_id)}/versions/{digest}/download.zip"
    assert link in client.get(base(evaluation_id)).text
    page = client.get(f"{base(evaluation_id)}/versions/{digest}").text
    assert link in page and ("ZIP with its pictures, sounds and CSV files" in page
                             or "ZIP avec ses images, sons et fichiers CSV" in page)
    got = client.get(link)
    assert got.status_code == 200 and got.mimetype == "application/zip"
    files = members(got.data)
    xlsx_name = f"csvform-{digest[:12]}.xlsx"
    assert {n for n in files if not n.startswith("media/")} == {xlsx_name, "places.csv",
                                                                 "itemsets.csv"}
    assert len([n for n in files if n.startswith("media/")]) == 1  # the poster
    # the files exactly as the team uploaded them (byte-order mark, semicolons, CRLF)
    assert files["places.csv"] == PLACES.encode("utf-8-sig")
    assert files["itemsets.csv"] == ITEMSETS.encode("utf-8")
    types = {row["name"]: row["type"] for row in sheet_rows(files[xlsx_name], "survey")}
    assert types["place"] == "select_one_from_file places.csv"
    assert types["visited"] == "select_multiple_from_file places.csv"
    assert types["district"] == "select_one_external district"
    assert types["agree"] == "select_one yn"
    # the lists the files give are not copied into the choices sheet
    assert {row["list_name"] for row in sheet_rows(files[xlsx_name], "choices")} == {"yn"}
    again = read_upload(got.data, "downloaded.zip")
    assert again.definition.content_hash == digest
    assert set(again.sources.files) == {"places.csv", "itemsets.csv"}
    # uploading the downloaded ZIP is the same version: nothing new to publish
    assert draft_of(client, evaluation_id, "downloaded.zip", got.data).endswith(digest)


def test_an_edited_csv_uploads_as_a_new_version_whose_diff_shows_the_changed_choice(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    upload = zipped(form(with_picture=False))
    digest = read_upload(upload, "csvform.zip").definition.content_hash
    publish(client, evaluation_id, draft_of(client, evaluation_id, "csvform.zip", upload))
    downloaded = client.get(f"{base(evaluation_id)}/versions/{digest}/download.zip").data
    files = members(downloaded)
    edited_csv = files["places.csv"].replace(b"Co-operative",
                                             b"Cooperative society")
    assert edited_csv != files["places.csv"]
    edited = zipped({**files, "places.csv": edited_csv})
    draft_url = draft_of(client, evaluation_id, "edited.zip", edited)
    new_digest = draft_url.rsplit("/", 1)[-1]
    assert new_digest != digest
    page = client.get(draft_url).text
    reworded = ("Choice 'coop' of item 'place' reworded",
                "Choix «\u00a0coop\u00a0» de la question «\u00a0place\u00a0» reformulé")
    assert any(text in page for text in reworded), page
    assert "<del>Co-operative</del> → <ins>Cooperative society</ins>" in page
    publish(client, evaluation_id, draft_url)
    again = members(client.get(f"{base(evaluation_id)}/versions/{new_digest}/download.zip").data)
    assert again["places.csv"] == edited_csv
    place = read_upload(zipped(again), "again.zip").definition.item("place")
    assert [c.label["en"] for c in place.choices] == ["Clinic", "Cooperative society"]


def test_a_version_stored_before_its_csv_files_were_kept_still_downloads(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    imported = read_upload(zipped(form(with_picture=False)), "csvform.zip")
    digest = imported.definition.content_hash
    with app.app_context():  # as stored before this change: no csv_sources
        store_definition(imported.definition, "csvform.zip")
        version = db.session.scalar(select(QuestionnaireVersion).filter_by(content_hash=digest))
        assert version.csv_sources is None
    listing = client.get(base(evaluation_id)).text
    assert f"/versions/{digest}/download.xlsx" in listing
    assert f"/versions/{digest}/download.zip" not in listing
    got = client.get(f"{base(evaluation_id)}/versions/{digest}/download.xlsx")
    assert got.status_code == 200
    assert read_xlsform(got.data).definition.content_hash == digest  # choices in the workbook
    lists = {row["list_name"] for row in sheet_rows(got.data, "choices")}
    assert {"places", "district", "yn"} <= lists
    zipped_back = client.get(f"{base(evaluation_id)}/versions/{digest}/download.zip").data
    assert [n for n in members(zipped_back) if not n.endswith(".xlsx")] == []
    assert read_upload(zipped_back, "back.zip").definition.content_hash == digest
    # uploading the ZIP with its CSV files again gives the stored version its files
    draft_of(client, evaluation_id, "csvform.zip", zipped(form(with_picture=False)))
    publish(client, evaluation_id, f"{base(evaluation_id)}/drafts/{digest}")
    files = members(client.get(f"{base(evaluation_id)}/versions/{digest}/download.zip").data)
    assert files["places.csv"] == PLACES.encode("utf-8-sig")


def test_the_command_line_writes_the_zip_with_its_csv_files(app: Flask, tmp_path: Path
                                                            ) -> None:
    source = tmp_path / "csvform.zip"
    source.write_bytes(zipped(form()))
    digest = read_upload(source.read_bytes(), "csvform.zip").definition.content_hash
    runner = app.test_cli_runner()
    result = runner.invoke(questionnaire_group, ["load", str(source)])
    assert result.exit_code == 0 and f"new version {digest[:12]}" in result.output
    out = tmp_path / "form.zip"
    result = runner.invoke(questionnaire_group, ["export", "csvform", "--format", "xlsform",
                                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = members(out.read_bytes())
    assert files["places.csv"] == PLACES.encode("utf-8-sig")
    assert any(n.startswith("media/") for n in files)
    assert read_upload(out.read_bytes(), "form.zip").definition.content_hash == digest
    # by --out's suffix alone, as before
    out2 = tmp_path / "again.zip"
    assert runner.invoke(questionnaire_group, ["export", "csvform", "--out", str(out2)]
                         ).exit_code == 0
    assert read_upload(out2.read_bytes(), "again.zip").definition.content_hash == digest
    # a binary format needs a file; an .xlsx alone would lose the files
    result = runner.invoke(questionnaire_group, ["export", "csvform", "--format", "xlsform"])
    assert result.exit_code == 2 and "--format xlsform needs --out FILE" in result.output
    result = runner.invoke(questionnaire_group, ["export", "csvform", "--format", "xlsform",
                                                 "--out", str(tmp_path / "form.xlsx")])
    assert result.exit_code == 2 and "give --out NAME.zip" in result.output
    assert not (tmp_path / "form.xlsx").exists()
    result = runner.invoke(questionnaire_group, ["export", "csvform", "--format", "yaml",
                                                 "--out", str(tmp_path / "form.zip")])
    assert result.exit_code == 2 and "--out must end in .yaml" in result.output
    # YAML goes to the standard output without --out
    result = runner.invoke(questionnaire_group, ["export", "csvform"])
    assert result.exit_code == 0 and load_text(result.output).content_hash == digest
    # convert, without a database, keeps the files too
    converted = tmp_path / "converted.zip"
    result = runner.invoke(questionnaire_group, ["convert", str(source), str(converted)])
    assert result.exit_code == 0, result.output
    assert members(converted.read_bytes())["itemsets.csv"] == ITEMSETS.encode("utf-8")
    assert read_upload(converted.read_bytes(), "c.zip").definition.content_hash == digest
    with app.app_context():
        assert find_version("csvform").csv_sources["files"] == {
            "itemsets.csv": f"{hashlib.sha256(ITEMSETS.encode()).hexdigest()}.csv",
            "places.csv": f"{hashlib.sha256(PLACES.encode('utf-8-sig')).hexdigest()}.csv"}


def test_a_version_without_media_or_csv_still_exports_as_the_xlsx(app: Flask, tmp_path: Path
                                                                  ) -> None:
    plain = {"survey": [["type", "name", "label::English (en)"], ["text", "q", "Q?"]],
             "settings": [["form_id"], ["plain"]]}
    with app.app_context():
        digest = store_definition(read_xlsform(workbook(plain)).definition).version.content_hash
    out = tmp_path / "plain.xlsx"
    result = app.test_cli_runner().invoke(questionnaire_group, [
        "export", "plain", "--format", "xlsform", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_xlsform(out.read_bytes()).definition.content_hash == digest


def test_csv_files_are_never_served_to_participants_and_go_with_a_dropped_draft(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    upload = zipped(form(with_picture=False))
    publish(client, evaluation_id, draft_of(client, evaluation_id, "csvform.zip", upload))
    kept = {f"{hashlib.sha256(PLACES.encode('utf-8-sig')).hexdigest()}.csv",
            f"{hashlib.sha256(ITEMSETS.encode()).hexdigest()}.csv"}
    assert kept <= stored_media(app)
    for name in kept:
        assert client.get(f"/media/{name}").status_code == 404
    edited_csv = PLACES.replace("Clinique", "Dispensaire").encode("utf-8-sig")
    edited = zipped({**form(with_picture=False), "form/places.csv": edited_csv})
    draft_url = draft_of(client, evaluation_id, "edited.zip", edited)
    edited_name = f"{hashlib.sha256(edited_csv).hexdigest()}.csv"
    assert edited_name in stored_media(app)
    drop(client, evaluation_id, draft_url)
    assert edited_name not in stored_media(app) and kept <= stored_media(app)
    with app.app_context():
        assert db.session.get(QuestionnaireMedia, sorted(kept)[0]).content_type == "text/csv"


def test_only_rows_whose_choices_a_csv_file_gave_name_it_again() -> None:
    from .test_xlsform_zip import FORM

    sheets = {**FORM, "survey": [*FORM["survey"],
                                 ["select_one_from_file places.csv or_other", "where", "Où",
                                  "Where"]]}
    imported = read_upload(zipped({"f.xlsx": workbook(sheets), "places.csv": PLACES.encode()}),
                           "f.zip")
    # district's list is in the external_choices sheet, where's has "other" added
    assert imported.sources.types == {"place": "select_one_from_file places.csv",
                                      "visited": "select_multiple_from_file places.csv"}
    assert imported.sources.lists == ["places"] and list(imported.sources.files) == ["places.csv"]
    back = read_upload(as_xlsform_zip(imported.definition, "f", {}, imported.sources), "b.zip")
    assert back.definition.content_hash == imported.definition.content_hash
    assert back.definition.item("where").choices[-1].code == "other"


def test_files_that_would_not_read_back_the_same_leave_the_choices_in_the_workbook() -> None:
    imported = read_upload(zipped(form(with_picture=False)), "csvform.zip")
    wrong = FileSources(files={"places.csv": b"name,label\nelsewhere,Elsewhere\n"},
                        types={"place": "select_one_from_file places.csv"}, lists=["places"])
    content = as_xlsform_zip(imported.definition, "csvform", {}, wrong)
    assert [n for n in members(content) if not n.endswith(".xlsx")] == []
    assert read_upload(content, "c.zip").definition.content_hash == \
        imported.definition.content_hash


def test_a_downloaded_zip_tampered_with_is_refused_as_any_hostile_zip() -> None:
    from survey.questionnaire import DefinitionError
    from survey.questionnaire.xlsform.archive import MAX_FILE_BYTES

    imported = read_upload(zipped(form(with_picture=False)), "csvform.zip")
    files = members(as_xlsform_zip(imported.definition, "csvform", {}, imported.sources))
    assert "places.csv" in files
    for extra, reason in (({"../places.csv": b"name\nx\n"}, "points outside the archive"),
                          ({"big.csv": b"0" * (MAX_FILE_BYTES + 1)}, "larger than 10 MB")):
        try:
            read_upload(zipped({**files, **extra}), "tampered.zip")
        except DefinitionError as error:
            assert reason in str(error.problems[0])
        else:
            raise AssertionError(f"accepted: {list(extra)}")


def test_a_csv_list_named_like_a_sheet_list_or_copied_into_items_round_trips() -> None:
    import copy

    from .test_xlsform_zip import FORM

    clashing = copy.deepcopy(FORM)  # the choices sheet has its own list named places
    clashing["choices"] = [["list_name", "name", FR, EN], ["places", "a", "A", "A"],
                           ["places", "b", "B", "B"]]
    clashing["survey"].append(["select_one places", "sheet_place", "X", "X"])
    copied = copy.deepcopy(FORM)  # no named lists: the CSV's choices are copied into items
    copied["settings"] = [["form_id", "default_language", "choice_lists"],
                          ["zipped", "Français (fr)", "-"]]
    for sheets, lists in ((clashing, ["places", "places_", "district"]), (copied, [])):
        imported = read_upload(zipped({"f.xlsx": workbook(sheets),
                                       "places.csv": PLACES.encode()}), "f.zip")
        assert list(imported.definition.raw.get("choice_lists") or {}) == lists
        content = as_xlsform_zip(imported.definition, "f", {}, imported.sources)
        assert members(content)["places.csv"] == PLACES.encode()
        back = read_upload(content, "back.zip").definition
        assert back.content_hash == imported.definition.content_hash
        assert [c.code for c in back.item("place").choices] == ["clinic", "coop"]
