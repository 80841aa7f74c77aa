"""Uploads checked into a validation report, without HTTP."""

from __future__ import annotations

from pathlib import Path

from survey.questionnaire import load_file
from survey.questionnaire.download import as_xlsform
from survey.versions.upload import check_upload, clean_name

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"


def test_yaml_and_xlsform_uploads_give_the_same_definition():
    yaml_report = check_upload("every_type.yaml", EVERY_TYPE.read_bytes())
    xlsx_report = check_upload("every_type.xlsx", as_xlsform(load_file(EVERY_TYPE)))
    assert yaml_report.ok and xlsx_report.ok
    assert yaml_report.definition.content_hash == xlsx_report.definition.content_hash


def test_a_broken_yaml_upload_lists_its_problems_by_line():
    text = EVERY_TYPE.read_text(encoding="utf-8").replace("audience: professional",
                                                          "audience: martians")
    report = check_upload("../../etc/every.yaml", text.encode("utf-8"))
    assert not report.ok and report.name == "every.yaml"
    assert any(str(p).startswith("every.yaml:") and "'audience' must be one of" in str(p)
               for p in report.problems)


def test_hostile_or_unknown_uploads_are_refused_with_a_sentence():
    assert "not UTF-8" in str(check_upload("x.yaml", b"\xff\xfe\x00bad").problems[0])
    assert "upload a YAML definition" in str(check_upload("x.pdf", b"%PDF").problems[0])
    assert "not a spreadsheet" in str(check_upload("x.xlsx", b"hello").problems[0])
    assert "larger than 5 MB" in str(check_upload("x.xlsx", b"PK" * (3 * 1024 * 1024))
                                     .problems[0])
    assert clean_name(None) == "upload"
    assert clean_name('C:\\Users\\me\\<script>.xlsx') == "_script_.xlsx"
