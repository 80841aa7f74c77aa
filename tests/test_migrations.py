"""Migrations are the schema: ``upgrade head`` gives exactly the models, from one head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from survey import MIGRATIONS
from survey.extensions import db
from survey.questionnaire import Definition
from survey.versions import store_definition


def test_there_is_a_single_head() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_database_matches_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_nothing_and_back(app: Flask, bundled: dict[str, Definition]) -> None:
    with app.app_context():
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"questionnaire", "questionnaire_version", "response"} <= set(
            db.inspect(db.engine).get_table_names())
        for definition in bundled.values():  # the database is shared by the next tests
            store_definition(definition)


def test_responses_from_before_campaigns_keep_working(app: Flask) -> None:
    """Upgrading to the research workspace keeps existing responses, with no campaign."""
    from sqlalchemy import text

    from survey.models import Response

    with app.app_context():
        downgrade(revision="a1c3e5f7b9d2")
        with db.engine.begin() as connection:
            version_id = connection.execute(text(
                "SELECT id FROM questionnaire_version ORDER BY id LIMIT 1")).scalar_one()
            connection.execute(text(
                "INSERT INTO response (version_id, status, language, answers, drafts, revision, "
                "resume_hash, start_hash, started_at, updated_at) VALUES (:v, 'started', 'fr', "
                "'{\"q\": 1}', '{}', 0, 'r', 's', '2026-01-01 00:00:00+00', "
                "'2026-01-01 00:00:00+00')"), {"v": version_id})
        upgrade()
        response = db.session.scalar(db.select(Response).filter_by(resume_hash="r"))
        assert response.answers == {"q": 1}
        assert response.campaign_id is None and response.campaign is None
        db.session.delete(response)
        db.session.commit()


def test_audit_events_are_never_updated_or_deleted(app: Flask) -> None:
    import pytest

    from survey.audit import record
    from survey.models.audit import AuditImmutable

    with app.app_context():
        event = record("sign-in", "someone@example.org")
        event.target = "someone else"
        with pytest.raises(AuditImmutable):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(type(event), event.id))
        with pytest.raises(AuditImmutable):
            db.session.commit()


def test_panel_codes_start_off_for_existing_evaluations_and_responses(app: Flask) -> None:
    """Upgrading to panel codes keeps evaluations (codes off, no salt) and responses (none)."""
    from sqlalchemy import text

    from survey.models import Evaluation, Response

    with app.app_context():
        downgrade(revision="e7f9a1b3c5d8")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO evaluation (name, description, responsible_name, contact_email, "
                "contact_phone, privacy_officer_name, privacy_officer_email, is_demo, created_at)"
                " VALUES ('Avant', '', '', '', '', '', '', false, '2026-01-01 00:00:00+00')"))
            version_id = connection.execute(text(
                "SELECT id FROM questionnaire_version ORDER BY id LIMIT 1")).scalar_one()
            connection.execute(text(
                "INSERT INTO response (version_id, status, language, answers, drafts, revision, "
                "resume_hash, start_hash, started_at, updated_at) VALUES (:v, 'completed', "
                "'fr', '{\"q\": 2}', '{}', 0, 'rp', 'sp', '2026-01-01 00:00:00+00', "
                "'2026-01-01 00:00:00+00')"), {"v": version_id})
        upgrade()
        evaluation = db.session.scalar(db.select(Evaluation).filter_by(name="Avant"))
        assert (evaluation.panel_mode, evaluation.panel_questions,
                evaluation.panel_salt) == ("off", [], None)
        response = db.session.scalar(db.select(Response).filter_by(resume_hash="rp"))
        assert response.answers == {"q": 2} and response.panel_hash is None
        db.session.delete(response)
        db.session.delete(evaluation)
        db.session.commit()


def test_public_evaluations_upgrade_keeps_only_the_demonstration_public(app: Flask) -> None:
    """Upgrading adds ``is_public``: off for every evaluation, on for the demonstration (its
    campaigns stay on the home page of an existing install)."""
    from sqlalchemy import text

    from survey.models import Evaluation

    with app.app_context():
        db.session.remove()
        downgrade(revision="f2a4c6e8b0d1")
        with db.engine.begin() as connection:
            for name, demo in (("Démo", "true"), ("Clinique", "false")):
                connection.execute(text(
                    "INSERT INTO evaluation (name, description, responsible_name, "
                    "contact_email, contact_phone, privacy_officer_name, privacy_officer_email, "
                    "is_demo, panel_mode, panel_questions, created_at) VALUES (:name, '', '', "
                    f"'', '', '', '', {demo}, 'off', '[]', '2026-01-01 00:00:00+00')"),
                    {"name": name})
        upgrade()
        public = {e.name: e.is_public for e in db.session.scalars(db.select(Evaluation))}
        assert public == {"Démo": True, "Clinique": False}


def test_draft_files_of_earlier_versions_move_into_the_database(app: Flask, tmp_path) -> None:  # noqa: ANN001
    """Upgrading imports the drafts kept as files in the instance folder: those of existing
    evaluations with a content-hash name; the others are skipped, nothing fails."""
    import json

    from survey.design.services import create_evaluation
    from survey.versions.drafts import drafts_of

    app.instance_path = str(tmp_path)
    with app.app_context():
        evaluation_id = create_evaluation(None, name="Pilot").id
        db.session.remove()  # no open transaction may hold a lock the downgrade waits for
        downgrade(revision="b8d0f2a4c6e9")  # before the drafts table, the evaluation kept
        assert "questionnaire_draft" not in db.inspect(db.engine).get_table_names()
        data = {"code": "pilot", "title": {"fr": "Pilote"}}
        kept = tmp_path / "drafts" / str(evaluation_id)
        kept.mkdir(parents=True)
        (kept / f"{'a' * 64}.json").write_text(json.dumps(
            {"source_name": "pilot.xlsx", "data": data, "notes": ["a standard consent"]}),
            encoding="utf-8")
        (kept / "not-a-hash.json").write_text("{}", encoding="utf-8")
        (kept / f"{'b' * 64}.json").write_text("{broken", encoding="utf-8")
        orphan = tmp_path / "drafts" / str(evaluation_id + 1)
        orphan.mkdir()
        (orphan / f"{'c' * 64}.json").write_text(json.dumps({"data": data}), encoding="utf-8")
        upgrade()
        [draft] = drafts_of(evaluation_id)
        assert (draft.content_hash, draft.source_name) == ("a" * 64, "pilot.xlsx")
        assert draft.definition_data == data and draft.notes == ["a standard consent"]
        assert drafts_of(evaluation_id + 1) == []


def test_the_message_interval_holds_across_the_upgrade(app: Flask, tmp_path) -> None:  # noqa: ANN001
    """Contacts already written to get their last message's time from the deliveries sent, so
    the minimum interval holds for mailings sent just after the upgrade."""
    from sqlalchemy import select, text

    from survey.invitations import mailing, services
    from survey.invitations.contacts import parse_contacts
    from survey.models import Campaign, Contact, Delivery, Invitation

    from .test_invitations import make_campaign

    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    campaign_id = make_campaign(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        rows = parse_contacts(b"email\nawa@example.org\nben@example.org\n", ["fr"]).contacts
        services.import_contacts(campaign, rows)
        mailing.run(mailing.schedule(campaign, "invitation"))
        sent = dict(db.session.execute(select(Invitation.contact_id, Delivery.sent_at).join(
            Delivery, Delivery.invitation_id == Invitation.id)).all())
        db.session.remove()
        downgrade(revision="f2a4c6e8b0d1")
        assert "last_message_at" not in {
            c["name"] for c in db.inspect(db.engine).get_columns("contact")}
        db.session.execute(text("INSERT INTO contact (evaluation_id, email, name, language, "
                                "created_at) SELECT evaluation_id, 'cy@example.org', '', 'fr', "
                                "created_at FROM contact LIMIT 1"))
        db.session.commit()
        db.session.remove()
        upgrade()
        found = {c.email: c.last_message_at for c in db.session.scalars(select(Contact))}
    assert len(sent) == 2 and found["cy@example.org"] is None
    assert sorted(v for k, v in found.items() if k != "cy@example.org") == sorted(sent.values())


def test_queued_mail_from_before_deliveries_were_linked_is_still_delivered(
        app: Flask, tmp_path) -> None:  # noqa: ANN001
    """Upgrading adds ``queued_mail.delivery_id``: a message queued before it keeps none and
    still reaches the server once; a delivery left "queued" by a claim cut off mid-send
    becomes "claimed"."""
    import datetime as dt

    from sqlalchemy import insert, select, text

    from survey import mail
    from survey.invitations import mailing, services
    from survey.invitations.contacts import parse_contacts
    from survey.models import Campaign, Delivery, QueuedMail

    from .mailserver import Inbox, free_port
    from .test_invitations import make_campaign

    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    campaign_id = make_campaign(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        services.import_contacts(campaign, parse_contacts(b"email\nawa@example.org\n",
                                                          ["fr"]).contacts)
        mailing.run(mailing.schedule(campaign, "invitation"))  # an outbox file: sent
        delivery_id = db.session.scalar(select(Delivery.id))
        db.session.remove()
        downgrade(revision="c1d3e5f7a9b2")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE delivery SET status = 'queued'"))  # cut off
            before = mail.utcnow() - dt.timedelta(days=1)
            connection.execute(insert(QueuedMail.__table__).values(  # the columns of then
                message=b"From: a@example.org\r\nTo: old@example.org\r\nSubject: Old\r\n"
                        b"\r\nHi\r\n", queued_at=before, next_attempt_at=before, attempts=0))
        upgrade()
        assert db.session.get(Delivery, delivery_id).status == "claimed"
        row = db.session.scalar(select(QueuedMail))
        assert row.delivery_id is None and row.attempts == 0
    inbox = Inbox()
    inbox.port = free_port()
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        app.config.update(inbox.config(MAIL_QUEUE=True))
        with app.app_context():
            assert mail.deliver_queued().sent == 1
            assert db.session.scalar(select(QueuedMail)) is None
    finally:
        controller.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Old"]
