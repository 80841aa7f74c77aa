"""Stored versions downloaded back as YAML and XLSForm, and compared with their answers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey.questionnaire import load_file, load_text
from survey.questionnaire.xlsform import read_xlsform
from survey.versions import find_version, store_definition
from survey.versions.answered import StoredAnswers
from survey.versions.cli import questionnaire_group

from .participant import Participant

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
COOP = '          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n'


def test_a_stored_version_downloads_as_yaml_and_xlsform_with_its_hash(app: Flask, tmp_path
                                                                      ) -> None:
    with app.app_context():
        stored = store_definition(load_file(EVERY_TYPE)).version
        digest = stored.content_hash
    runner = app.test_cli_runner()
    for suffix in ("yaml", "xlsx"):
        out = tmp_path / f"every.{suffix}"
        result = runner.invoke(questionnaire_group, ["export", "every_type", "--version",
                                     digest[:10], "--out", str(out)])
        assert result.exit_code == 0, result.output
        back = (read_xlsform(out.read_bytes()).definition if suffix == "xlsx"
                else load_file(out))
        assert back.content_hash == digest
    result = runner.invoke(questionnaire_group, ["export", "every_type", "--version", "zz",
                                 "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code != 0 and "no single version" in result.output


def test_compare_warns_when_a_removed_choice_was_chosen_before(app: Flask, client) -> None:
    original = EVERY_TYPE.read_text(encoding="utf-8")
    with app.app_context():
        old = store_definition(load_text(original)).version.content_hash
    Participant(client).start("every_type")
    participant = Participant(client)
    participant.start("every_type")
    participant.complete(load_text(original))
    changed = original.replace(COOP, "").replace('en: "I felt judged"',
                                                 'en: "I felt judged by staff"')
    with app.app_context():
        new = store_definition(load_text(changed)).version.content_hash
        assert StoredAnswers("every_type").answered(["service"])
        assert find_version("every_type").content_hash == new
        # the old version and its responses are untouched
        assert "coop" in str(find_version("every_type", old[:12]).definition_data)
    result = app.test_cli_runner().invoke(questionnaire_group, ["compare", "every_type",
                                                old[:12]])
    assert result.exit_code == 0, result.output
    assert "- Choice 'coop' removed from item 'service'" in result.output
    assert "WARNING: choice 'coop' was chosen in older responses" in result.output
    assert "WARNING: scores of scale experience may not compare across waves." in result.output
