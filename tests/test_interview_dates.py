"""Interview dates (issue 26): an assisted response is dated when the interview started and
finished on the device, when plausible, else when it arrived; a paper copy is dated the day
written on it. A person's follow-up then counts from that date, not from the sync or the
typing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest
from flask import Flask
from sqlalchemy import select

from survey.auth import accounts
from survey.collect import intake, keys
from survey.extensions import db
from survey.followup import navigators
from survey.followup.schedule import add_interval, local_date
from survey.followup.series import enrol_new, leave_address
from survey.models import Campaign, Collection, FollowupPerson, FollowupTask, Response, User
from survey.models.followup import MONTHS
from survey.paper import services as paper
from survey.timezones import zone_of

from .followup_world import fapp, make_evaluation, make_series  # noqa: F401  (fixture)

UTC = dt.UTC
PANEL = {"mother_initial": "m", "father_initial": "P", "birthplace_initial": "Québec",
         "birth_month": "4", "older_siblings": "2"}


def _pages(campaign: Campaign) -> dict[str, dict[str, list[str]]]:
    """Valid answers to every page, as the device sends them."""
    definition = campaign.version.definition
    rosters = intake.rosters_of(campaign, definition, "fr")
    pages: dict[str, dict[str, list[str]]] = {}
    for section in definition.sections:
        inputs: dict[str, list[str]] = {}
        for item in section.items:
            for name, value in item.itemtype.example(item, rosters(item)):
                inputs.setdefault(name, []).append(value)
        pages[section.code] = inputs
    return pages


def _sealed(app: Flask, campaign: Campaign, **dates: str | None) -> dict:
    """What the browser sends, with the interview's ``started`` and ``finished``."""
    row = keys.key_of(campaign.evaluation_id, app.config["SECRET_KEY"])
    key = base64.urlsafe_b64encode(os.urandom(18)).decode()
    payload = {"format": 1, "key": key, "campaign": campaign.id,
               "version": campaign.version.content_hash, "language": "fr", "consent": "oral",
               "pages": _pages(campaign), "panel": PANEL, **dates}
    sealed = keys.seal(row.public_pem, json.dumps(payload).encode(), os.urandom(32),
                       os.urandom(12))
    return {"format": 1, "key": key, "wrapped": base64.b64encode(sealed.wrapped).decode(),
            "iv": base64.b64encode(sealed.iv).decode(),
            "data": base64.b64encode(sealed.data).decode()}


def _aged(campaign: Campaign, days: int) -> None:
    """The campaign and its version made ``days`` ago."""
    earlier = dt.datetime.now(UTC) - dt.timedelta(days=days)
    campaign.created_at = earlier
    campaign.version.created_at = earlier
    db.session.commit()


def _navigator() -> User:
    return accounts.create_user(f"nav{os.urandom(3).hex()}@example.org")


def _iso(moment: dt.datetime) -> str:
    """As the browser's ``Date.toISOString()`` writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def _close(a: dt.datetime, b: dt.datetime, seconds: float = 5) -> bool:
    return abs((a - b).total_seconds()) <= seconds


def test_an_assisted_baseline_finished_three_days_before_sync_counts_from_then(
        fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="self")
        series = make_series(evaluation, steps="3 months")
        campaign = db.session.get(Campaign, series.baseline.campaign_id)
        _aged(campaign, 30)
        now = dt.datetime.now(UTC)
        finished = now - dt.timedelta(days=3)
        started = finished - dt.timedelta(minutes=25)
        receipt = intake.receive(campaign, _navigator(), _sealed(
            fapp, campaign, started=_iso(started), finished=_iso(finished)),
            fapp.config["SECRET_KEY"])
        response = db.session.get(Response, receipt.response_id)
        assert _close(response.completed_at, finished, 0.01)
        assert _close(response.started_at, started, 0.01)
        # the arrival is kept apart, as it was
        assert _close(db.session.get(Collection, response.id).received_at, now)
        assert enrol_new(series).people == 1
        person = db.session.scalar(select(FollowupPerson))
        day = local_date(finished, zone_of(evaluation))
        assert person.started_on == day
        task = db.session.scalar(select(FollowupTask))
        assert task.due_on == add_interval(day, 3, MONTHS)
        # the navigator's list shows the person due from that day, not from the sync
        then = dt.datetime(task.due_on.year, task.due_on.month, task.due_on.day, 17,
                           tzinfo=UTC)
        assert [r.due_on for r in navigators.due_rows(evaluation, None, then)] == [task.due_on]


@pytest.mark.parametrize("dates", [
    {},  # a device from before interview dates
    {"finished": "+1 day"},  # a clock ahead
    {"finished": "-40 days"},  # before the campaign existed (30 days ago)
    {"finished": "yesterday"},
    {"finished": "2026-12-01T10:00:00"},  # no offset: which clock?
    {"finished": 1733400000},
])
def test_implausible_interview_dates_fall_back_to_the_arrival(fapp: Flask,  # noqa: F811
                                                              dates: dict) -> None:
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="self")
        campaign = make_series(evaluation, steps="3 months").baseline.campaign
        _aged(campaign, 30)
        now = dt.datetime.now(UTC)
        sent = {}
        for name, value in dates.items():
            if isinstance(value, str) and value[:1] in "+-":
                amount = int(value.split()[0])
                value = _iso(now + dt.timedelta(days=amount))
            sent[name] = value
        try:
            receipt = intake.receive(campaign, _navigator(), _sealed(fapp, campaign, **sent),
                                     fapp.config["SECRET_KEY"])
        except intake.Refused as refused:  # a number is not a date: refused as malformed
            assert isinstance(dates.get("finished"), int) and refused.reason == "payload"
            return
        response = db.session.get(Response, receipt.response_id)
        assert _close(response.completed_at, now) and _close(response.started_at, now)


def test_the_bounds_of_plausible_dates(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="self")
        campaign = make_series(evaluation, steps="3 months").baseline.campaign
        _aged(campaign, 400)
        received = dt.datetime.now(UTC)
        version = campaign.version

        def dates(**sent: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
            return intake.interview_dates({k: _iso(v) for k, v in sent.items()}, campaign,
                                          version, received)

        # a clock a few minutes ahead: believed, dated no later than the arrival
        assert dates(finished=received + dt.timedelta(minutes=5)) == (received, received)
        old = received - intake.MAX_AGE + dt.timedelta(hours=1)
        assert dates(finished=old)[1] == old.replace(microsecond=old.microsecond // 1000 * 1000)
        too_old = received - intake.MAX_AGE - dt.timedelta(hours=1)
        assert dates(finished=too_old) == (received, received)
        # a start after the finish is the finish
        finished = received - dt.timedelta(days=2)
        got = dates(started=finished + dt.timedelta(hours=1), finished=finished)
        assert got[0] == got[1]


def test_a_paper_baseline_dated_in_march_is_due_again_in_june(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation()  # codes carried by invitations (and addresses)
        series = make_series(evaluation, steps="3 months, 6 months")
        campaign = db.session.get(Campaign, series.baseline.campaign_id)
        february = dt.datetime(2026, 2, 2, 15, tzinfo=UTC)
        campaign.created_at = february
        navigator = _navigator()
        copy = paper.print_copies(campaign, 1, "fr", navigator)[0]
        copy.printed_at = february
        db.session.commit()
        march = paper.check_filled_on(copy, "10/03/2026")
        paper.record_entry(copy, {}, navigator, march)  # typed in December
        response = db.session.scalar(select(Response))
        assert local_date(response.completed_at, zone_of(evaluation)) == dt.date(2026, 3, 10)
        person = leave_address(series, response, "ada@example.org", "fr")
        assert person is not None and person.started_on == dt.date(2026, 3, 10)
        assert sorted(t.due_on for t in person.tasks) == [dt.date(2026, 6, 10),
                                                          dt.date(2026, 9, 10)]


def test_the_export_carries_the_interview_dates_not_the_sync(app: Flask) -> None:
    import csv
    import io

    from .test_collect import _client, _url, sealed_body, send
    from .workspace import build_world

    world = build_world(app, passwords=False)
    with app.app_context():
        _aged(db.session.get(Campaign, world.a.campaign), 30)
    finished = dt.datetime.now(UTC) - dt.timedelta(days=3)
    started = finished - dt.timedelta(minutes=40)
    body = sealed_body(app, world.a.campaign, change={"started": _iso(started),
                                                      "finished": _iso(finished)})
    assert send(_client(app, world), _url(world), body).status_code == 200
    download = _client(app, world, "evaluator").get(
        f"/results/e/{world.a.evaluation}/download/csv?q=professionals")
    [row] = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert row["mode"] == "assisted"
    assert row["submitted_at"] == finished.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["started_at"] == started.strftime("%Y-%m-%dT%H:%M:%SZ")
