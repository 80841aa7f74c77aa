"""Round trips for every bundled questionnaire, as the designer will use them: YAML ->
definition -> draft data (stored in the database and read back) -> YAML and XLSForm (.xlsx and
ZIP) -> upload again gives the same content hash; opening its conditions and choice codes in
the designer and saving them untouched changes nothing; a questionnaire put together in the
designer (item bank, condition builder, generated codes) round-trips the same way."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from survey.design import services
from survey.designer.bank import copy_items
from survey.questionnaire import load_data, load_file, load_text
from survey.questionnaire.choice_codes import check_codes, codes_for, fixed_codes
from survey.questionnaire.conditions_builder import (
    Condition,
    Row,
    check,
    from_text,
    readable,
    to_text,
)
from survey.questionnaire.download import as_xlsform, as_xlsform_zip, as_yaml
from survey.versions import latest_version
from survey.versions.drafts import find_draft, save_draft
from survey.versions.upload import check_upload

ROOT = Path(__file__).parent.parent
BUNDLED = sorted(ROOT.glob("questionnaires/*.yaml"))
DATA = Path(__file__).parent / "data"


def uploaded_again(data: dict[str, Any], name: str) -> dict[str, str]:
    """The content hash of each download of ``data`` uploaded back as the researcher would:
    YAML, XLSForm and the ZIP holding it."""
    hashes = {}
    for suffix, body in (("yaml", as_yaml(data).encode("utf-8")), ("xlsx", as_xlsform(data)),
                         ("zip", as_xlsform_zip(data, name, {}))):
        report = check_upload(f"{name}.{suffix}", body)
        assert report.ok, (suffix, [str(p) for p in report.problems])
        hashes[suffix] = report.definition.content_hash
    return hashes


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_bundled_questionnaire_downloads_and_uploads_back_with_its_hash(path):
    definition = load_file(path)
    data = json.loads(json.dumps(dict(definition.raw)))  # as a draft's JSON column holds it
    assert load_data(data).content_hash == definition.content_hash
    assert set(uploaded_again(data, path.stem).values()) == {definition.content_hash}
    upload = check_upload(path.name, path.read_bytes())  # the file itself, uploaded
    assert upload.ok and upload.definition.content_hash == definition.content_hash


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_opening_a_bundled_questionnaire_in_the_designer_and_saving_it_changes_nothing(path):
    """Every skip rule and constraint the builder can show as rows is written back as the
    very same text, without a problem; every choice code is fixed (published) and keeping
    them all is accepted."""
    definition = load_file(path)
    data = copy.deepcopy(dict(definition.raw))
    for page, section in enumerate(data["sections"]):
        for position, item in enumerate(section["items"]):
            for key, constraint in (("relevant", False), ("constraint", True)):
                if key not in item:
                    continue
                condition = from_text(item[key], constraint=constraint)
                if condition is None:
                    continue  # text mode: the text itself is kept
                questions = readable(definition, page, position,
                                     own=item["code"] if constraint else None)
                assert check(condition, questions) == [], (item["code"], key)
                item[key] = to_text(condition)
    assert load_data(data).content_hash == definition.content_hash
    fixed = fixed_codes(data, [definition.raw])
    for item in definition.items():
        codes = [c.code for c in item.choices]
        if codes and item.type not in ("yesno",):
            assert {str(c) for c in codes} <= fixed.of_item(item.code), item.code
            assert check_codes(codes, codes, fixed.of_item(item.code)) == []
            assert check_codes(codes, codes[1:], fixed.of_item(item.code)) != []


def test_a_questionnaire_built_in_the_designer_round_trips_through_yaml_and_xlsform():
    """Items from each bundled questionnaire through the bank, a skip rule from the builder, a
    new question with codes made from its labels: it validates, and downloads and uploads
    back with the same hash."""
    data: dict[str, Any] = yaml.safe_load("""
        format: 1
        code: built_here
        audience: patient
        languages: [fr, en]
        minutes: 10
        title: {fr: Construit ici, en: Built here}
        introduction: {fr: Bonjour, en: Hello}
        consent: {fr: Accord, en: Consent}
        sections:
          - code: first
            title: {fr: Premier, en: First}
            items:
              - {code: hello, type: note, text: {fr: Bonjour, en: Hello}}
          - code: second
            title: {fr: Deuxième, en: Second}
            items:
              - {code: thanks, type: note, text: {fr: Merci, en: Thanks}}
    """)
    sources = {path.stem: dict(load_file(path).raw) for path in BUNDLED}
    patients = sources["patients"]
    matrix = next(i["code"] for s in patients["sections"] for i in s["items"]
                  if i["type"] == "matrix")
    data = copy_items(data, patients, ["service_type", "service_other", matrix], 0).data
    ranking = next(i["code"] for s in sources["citizens"]["sections"] for i in s["items"]
                   if i["type"] == "ranking")
    data = copy_items(data, sources["citizens"], [ranking], 1, 0).data
    nomination = next(i["code"] for s in sources["professionals"]["sections"]
                      for i in s["items"] if i["type"] == "nomination")
    data = copy_items(data, sources["professionals"], [nomination], 1).data
    labels = ["Très satisfait", "Satisfait", "Pas satisfait", "Autre"]
    codes = codes_for(labels)
    questions = readable(data, 1, 1)
    ranked = next(q for q in questions if q.key == ranking)
    condition = Condition((Row("service_type", "=", "clinic"),
                           Row(ranking, "selected", ranked.options[0].code)), "any")
    assert check(condition, questions) == []
    data["sections"][1]["items"].insert(1, {
        "code": "satisfaction", "type": "single", "relevant": to_text(condition),
        "text": {"fr": "Êtes-vous satisfait·e ?", "en": "Are you satisfied?"},
        "choices": [{"code": code, "fr": label, "en": label}
                    for code, label in zip(codes, labels, strict=True)]})
    definition = load_data(data)
    assert definition.item("satisfaction").relevant.source == (
        f"${{service_type}} = 'clinic' or selected(${{{ranking}}}, "
        f"'{ranked.options[0].code}')")
    assert [c.code for c in definition.item("satisfaction").choices] == [
        "tres_satisfait", "satisfait", "pas_satisfait", "autre"]
    assert definition.scales  # the matrix's scale came with it
    stored = json.loads(json.dumps(data))
    assert set(uploaded_again(stored, "built_here").values()) == {definition.content_hash}
    assert load_text(as_yaml(stored)).content_hash == definition.content_hash


def test_drafts_and_versions_in_the_database_download_with_their_hash(app: Flask):
    """What the designer saves is a draft's JSON document: read back from the database (SQLite
    and PostgreSQL), each bundled questionnaire downloads and uploads with its hash, as its
    published version does."""
    with app.app_context():
        evaluation = services.create_evaluation(None, name="Round trip").id
        for path in BUNDLED:
            definition = load_file(path)
            digest = save_draft(evaluation, definition, path.name).content_hash
            services.db.session.expire_all()
            draft = find_draft(evaluation, digest)
            assert draft.definition.content_hash == definition.content_hash
            assert set(uploaded_again(draft.definition_data, path.stem).values()) == {
                definition.content_hash}
            version = latest_version(definition.code)
            assert version.content_hash == definition.content_hash
            assert set(uploaded_again(version.definition_data, path.stem).values()) == {
                definition.content_hash}


def test_an_empty_reverse_list_survives_the_xlsform_round_trip():
    """Found by these round trips (not in a bundled questionnaire): ``reverse: []`` came back
    from XLSForm without the key, another content hash. The scales sheet now writes "-"."""
    definition = load_file(DATA / "question_summaries.yaml")
    assert any(scale.get("reverse") == [] for scale in definition.raw["scales"])
    report = check_upload("summaries.xlsx", as_xlsform(definition.raw))
    assert report.ok and report.definition.content_hash == definition.content_hash
