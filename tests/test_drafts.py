"""Drafts of questionnaires live in the database: one per evaluation and content, refreshed
by a second upload of the same content, dropped freely, never mixed between evaluations."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey.design import services
from survey.questionnaire import load_file, load_text
from survey.questionnaire.messages import Note, msg
from survey.versions.drafts import drafts_of, drop_draft, find_draft, save_draft

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"


def test_drafts_are_rows_of_their_evaluation(app: Flask, tmp_path: Path) -> None:
    app.instance_path = str(tmp_path)  # nothing is written to the instance folder any more
    definition = load_file(EVERY_TYPE)
    changed = load_text(EVERY_TYPE.read_text(encoding="utf-8").replace(
        'en: "Which service?"', 'en: "Which service do you use?"'))
    with app.app_context():
        pilot = services.create_evaluation(None, name="Pilot").id
        other = services.create_evaluation(None, name="Other").id
        first = save_draft(pilot, definition, "every.xlsx", [Note(msg("the file is empty"))])
        assert first.notes == [{"place": None, "template": "the file is empty", "params": {}}]
        again = save_draft(pilot, definition, "every.yaml")  # same content: same draft
        save_draft(pilot, changed, "changed.yaml")
        assert again.id == first.id
        assert [(d.content_hash, d.source_name, d.notes) for d in drafts_of(pilot)] == [
            (changed.content_hash, "changed.yaml", []),
            (definition.content_hash, "every.yaml", [])]
        assert find_draft(pilot, definition.content_hash).definition.content_hash == \
            definition.content_hash
        assert find_draft(other, definition.content_hash) is None
        assert find_draft(pilot, "../../etc/passwd") is None
        drop_draft(pilot, definition.content_hash)
        assert [d.content_hash for d in drafts_of(pilot)] == [changed.content_hash]
    assert not (tmp_path / "drafts").exists()
