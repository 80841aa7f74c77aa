"""Versions: content-addressed, immutable, and every response keeps the one it was answered on."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import QuestionnaireVersion, Response
from survey.questionnaire import load_file, load_text
from survey.versions import latest_version, load_directory, store_definition

from .participant import Participant

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"


def count_versions(code: str) -> int:
    return db.session.scalar(select(func.count(QuestionnaireVersion.id))
                             .join(QuestionnaireVersion.questionnaire)
                             .where(QuestionnaireVersion.questionnaire.has(code=code)))


def test_loading_the_same_content_twice_keeps_one_version(app: Flask) -> None:
    with app.app_context():
        first = store_definition(load_file(EVERY_TYPE))
        again = store_definition(load_text("# reformatted\n" + EVERY_TYPE.read_text()))
        assert first.created and not again.created
        assert first.version.id == again.version.id
        assert count_versions("every_type") == 1


def test_bundled_folder_loads_idempotently(app: Flask) -> None:
    with app.app_context():
        stored = load_directory(Path(app.config["QUESTIONNAIRES_DIR"]))
        assert {s.version.questionnaire.code for s in stored} == {
            "patients", "professionals", "citizens"}
        assert not any(s.created for s in stored)  # the fixture loaded them already


def test_a_changed_file_makes_a_new_version_and_old_responses_keep_theirs(
        app: Flask, client) -> None:  # noqa: ANN001
    original = EVERY_TYPE.read_text(encoding="utf-8")
    with app.app_context():
        old = store_definition(load_text(original)).version.id
    participant = Participant(client)
    participant.start("every_type")

    changed = original.replace('en: "Which service?"', 'en: "Which service do you use?"')
    with app.app_context():
        new = store_definition(load_text(changed))
        assert new.created and new.version.id != old
        assert latest_version("every_type").id == new.version.id
        stored = db.session.get(QuestionnaireVersion, old)
        assert "Which service?" in str(stored.definition_data)  # never updated

    # the participant who started on the old version finishes on it
    participant.complete(load_text(original))
    fresh = Participant(app.test_client())
    fresh.start("every_type", "en")
    assert "Which service do you use?" in fresh.html
    with app.app_context():
        versions = [r.version_id for r in db.session.scalars(select(Response).order_by(
            Response.id))]
    assert versions == [old, new.version.id]
