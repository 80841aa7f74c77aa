"""A follow-up series to test with: an evaluation linking waves by invitation codes, a site, a
series "3 months, 6 months" on the patients' questionnaire, and completed responses made
directly in the database (a baseline or a later step, with a panel code)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from survey.design import services as design
from survey.extensions import db
from survey.followup.series import create_series
from survey.models import Campaign, Contact, Evaluation, FollowupSeries, Invitation, Response
from survey.panel import services as panel
from survey.secrets import new_secret
from survey.versions import latest_version
from tests.conftest import make_app


@pytest.fixture
def fapp(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    """The app on a copy of the migrated SQLite template, its outbox in ``tmp_path``."""
    path = tmp_path / "survey.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", MAIL_OUTBOX=str(tmp_path / "outbox"),
                   RATELIMIT_ENABLED=False, MIN_DAYS_BETWEEN_MESSAGES=0)
    yield app
    with app.app_context():
        db.engine.dispose()


def make_evaluation(mode: str = "invitation", zone: str = "America/Toronto",
                    sites: tuple[str, ...] = ("Clinique Nord",)) -> Evaluation:
    evaluation = design.create_evaluation(None, name="Prescription sociale",
                                          responsible_name="Dre Lin",
                                          contact_email="lin@example.org", time_zone=zone)
    for name in sites:
        design.save_site(evaluation, None, name=name, kind="clinic", is_comparison=False)
    if mode != "off":
        panel.configure(evaluation, mode)
    return evaluation


def make_series(evaluation: Evaluation, steps: str = "3 months, 6 months", code: str = "PS",
                site_index: int = 0) -> FollowupSeries:
    return create_series(evaluation, None, name="Suivi prescription", code=code,
                         version=latest_version("patients"),
                         site=evaluation.sites[site_index], steps=steps)


def complete(campaign_id: int, panel_hash: str | None, at: dt.datetime,
             answers: dict | None = None, mode: str = "self") -> Response:
    version_id = db.session.get(Campaign, campaign_id).version_id
    response = Response(version_id=version_id, campaign_id=campaign_id, status="completed",
                        language="fr", answers=answers or {}, resume_hash=new_secret(16),
                        start_hash=new_secret(16), panel_hash=panel_hash, started_at=at,
                        updated_at=at, completed_at=at, mode=mode)
    db.session.add(response)
    db.session.commit()
    return response


def invited_baseline(evaluation: Evaluation, series: FollowupSeries, email: str,
                     at: dt.datetime, panel_hash: str | None = None) -> Response:
    """A baseline answered through an invitation to a contact (its code comes from the contact,
    or ``panel_hash``: self-generated)."""
    contact = Contact(evaluation_id=evaluation.id, email=email, name="", language="fr")
    db.session.add(contact)
    db.session.flush()
    response = complete(series.baseline.campaign_id,
                        panel_hash or panel.hash_for_contact(evaluation, contact), at)
    db.session.add(Invitation(campaign_id=series.baseline.campaign_id, contact_id=contact.id,
                              seed=new_secret(16), token_hash=new_secret(16),
                              response_id=response.id, used_at=at))
    db.session.commit()
    return response
