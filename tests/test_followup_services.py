"""Follow-up series without HTTP: steps and due dates (month ends, time-zone edges), refusal
without panel codes, enrolment, an invitation emailed once, the navigators' list, declining."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.extensions import db
from survey.followup import due, monitoring, navigators
from survey.followup.schedule import (
    Interval,
    StepsError,
    add_interval,
    at_local,
    local_date,
    parse_steps,
    wave_code,
    week_end,
)
from survey.followup.series import SeriesError, enrol_new, leave_address
from survey.invitations import mailing
from survey.mail import outbox_messages
from survey.models import (
    Campaign,
    FollowupPerson,
    FollowupTask,
    Invitation,
    Mailing,
    Wave,
)
from survey.models.followup import MONTHS, WEEKS

from .followup_world import (
    complete,
    fapp,  # noqa: F401  (fixture)
    invited_baseline,
    make_evaluation,
    make_series,
)

UTC = dt.UTC
MONTREAL = ZoneInfo("America/Toronto")


# -- dates ----------------------------------------------------------------------------------

def test_steps_are_read_in_french_or_english_and_refused_with_a_reason() -> None:
    assert parse_steps("3 mois; 6 months\n52 sem") == [
        Interval(3, MONTHS), Interval(6, MONTHS), Interval(52, WEEKS)]
    assert parse_steps("2 semaines, 3 mois, 6 mois") == [
        Interval(2, WEEKS), Interval(3, MONTHS), Interval(6, MONTHS)]
    for text, code in [("", "steps-empty"), ("3 lunes", "step-unreadable"),
                       ("0 months", "step-unreadable"), ("6 months, 3 months", "steps-order"),
                       ("1 month, 4 weeks", "steps-order"), ("20 years", "step-unreadable"),
                       ("200 months", "step-too-far"), (",".join(f"{n} d" for n in range(1, 11)),
                                                        "steps-too-many"), (None, "steps-empty")]:
        with pytest.raises(StepsError) as refused:
            parse_steps(text)
        assert refused.value.code == code, text


def test_twelve_weeks_after_six_months_is_refused_as_out_of_order() -> None:
    with pytest.raises(StepsError):
        parse_steps("6 months, 12 weeks")


def test_months_end_on_the_last_day_of_a_shorter_month() -> None:
    assert add_interval(dt.date(2026, 1, 31), 1, MONTHS) == dt.date(2026, 2, 28)
    assert add_interval(dt.date(2028, 1, 31), 1, MONTHS) == dt.date(2028, 2, 29)
    assert add_interval(dt.date(2026, 8, 31), 3, MONTHS) == dt.date(2026, 11, 30)
    assert add_interval(dt.date(2026, 11, 30), 3, MONTHS) == dt.date(2027, 2, 28)
    assert add_interval(dt.date(2026, 10, 15), 6, MONTHS) == dt.date(2027, 4, 15)
    assert add_interval(dt.date(2026, 12, 31), 2, WEEKS) == dt.date(2027, 1, 14)


def test_the_baseline_date_is_the_local_date_across_midnight_and_daylight_saving() -> None:
    # 23:30 on 7 March in Montréal (EST) is already 8 March in UTC: the baseline is the 7th.
    assert local_date(dt.datetime(2026, 3, 8, 4, 30, tzinfo=UTC), MONTREAL) == dt.date(2026, 3, 7)
    # The night clocks go forward (8 March 2026): 01:30 EST then 03:30 EDT, same local day.
    assert local_date(dt.datetime(2026, 3, 8, 6, 30, tzinfo=UTC), MONTREAL) == dt.date(2026, 3, 8)
    assert local_date(dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC), MONTREAL) == dt.date(2026, 3, 8)
    # In Paris the same instant is the 8th; in Nouméa (UTC+11) 22:00 UTC is the next day.
    assert local_date(dt.datetime(2026, 3, 8, 4, 30, tzinfo=UTC), ZoneInfo("Europe/Paris")) == (
        dt.date(2026, 3, 8))
    assert local_date(dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC), ZoneInfo("Pacific/Noumea")
                      ) == dt.date(2026, 7, 1)
    # 09:00 local is 14:00 UTC in winter, 13:00 UTC in summer.
    assert at_local(dt.date(2026, 3, 7), 9, MONTREAL) == dt.datetime(2026, 3, 7, 14, tzinfo=UTC)
    assert at_local(dt.date(2026, 3, 9), 9, MONTREAL) == dt.datetime(2026, 3, 9, 13, tzinfo=UTC)
    assert week_end(dt.date(2026, 12, 7)) == dt.date(2026, 12, 13)  # a Monday -> Sunday
    assert week_end(dt.date(2026, 12, 13)) == dt.date(2026, 12, 13)


def test_wave_codes_sort_in_step_order() -> None:
    codes = [wave_code("PS", 0, None), wave_code("PS", 1, Interval(3, MONTHS)),
             wave_code("PS", 2, Interval(6, MONTHS)), wave_code("PS", 3, Interval(104, WEEKS))]
    assert codes == ["PS-0-T0", "PS-1-3M", "PS-2-6M", "PS-3-104W"]
    assert sorted(codes) == codes


# -- creating a series -----------------------------------------------------------------------

def test_a_series_is_refused_while_panel_codes_are_off(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="off")
        with pytest.raises(SeriesError) as refused:
            make_series(evaluation)
        assert refused.value.code == "panel-off"
        assert db.session.scalar(select(func.count(Wave.id))) == 0


def test_creating_a_series_makes_one_wave_and_one_open_campaign_per_step(
        fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation()
        series = make_series(evaluation)
        waves = [(s.wave.code, s.wave.label) for s in series.steps]
        assert waves == [("PS-0-T0", "Suivi prescription · Référence"),
                         ("PS-1-3M", "Suivi prescription · Suivi 3\u00a0mois"),
                         ("PS-2-6M", "Suivi prescription · Suivi 6\u00a0mois")]
        campaigns = [s.campaign for s in series.steps]
        assert all(c.is_open and c.site_id == series.site_id for c in campaigns)
        assert {c.wave_id for c in campaigns} == {s.wave_id for s in series.steps}
        with pytest.raises(SeriesError) as refused:
            make_series(evaluation)  # the same code again
        assert refused.value.code == "code-taken"


# -- people, due steps, emails ---------------------------------------------------------------

def test_a_due_step_is_emailed_once_however_often_processing_runs(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation()
        series = make_series(evaluation)
        baseline_at = dt.datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
        invited_baseline(evaluation, series, "awa@example.org", baseline_at)
        assert due.process_due(baseline_at).enrolled == 1
        person = db.session.scalar(select(FollowupPerson))
        assert [t.due_on for t in person.tasks] == [dt.date(2026, 4, 30), dt.date(2026, 7, 31)]
        # The day before: nothing goes.
        assert due.process_due(dt.datetime(2026, 4, 29, 20, tzinfo=UTC)).invited == 0
        # Due: an invitation to the 3-month campaign, sent from 9:00 in Montréal.
        at = dt.datetime(2026, 4, 30, 12, 0, tzinfo=UTC)  # 08:00 EDT
        assert due.process_due(at).invited == 1
        assert due.process_due(at).invited == 0
        pending = db.session.scalars(select(Mailing).order_by(Mailing.due_at)).all()
        assert [(m.kind, m.due_at) for m in pending] == [
            ("invitation", dt.datetime(2026, 4, 30, 13, 0, tzinfo=UTC)),
            ("reminder", dt.datetime(2026, 5, 7, 13, 0, tzinfo=UTC))]
        assert mailing.send_due(at) == []  # not 9:00 yet
        later = dt.datetime(2026, 4, 30, 13, 5, tzinfo=UTC)
        for _ in range(3):
            mailing.send_due(later)
            due.process_due(later)
        messages = outbox_messages(fapp)
        assert [m.to for m in messages] == ["awa@example.org"]
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.campaign_id == series.steps[1].campaign_id))
        assert invitation.invited_at is not None
        # Not on the navigators' list: the email went.
        assert navigators.due_rows(evaluation, None, later) == []
        figures = monitoring.figures(series, later).steps[1]
        assert (figures.due, figures.invited, figures.completed) == (1, 1, 0)


def test_people_without_an_address_are_listed_and_declining_stops_later_steps(
        fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():  # labels in French, the first language
        evaluation = make_evaluation(mode="self")
        series = make_series(evaluation, steps="2 weeks, 4 weeks")
        monday = dt.datetime(2026, 11, 2, 15, tzinfo=UTC)
        complete(series.baseline.campaign_id, "a" * 64, monday)
        complete(series.baseline.campaign_id, "b" * 64, monday + dt.timedelta(days=3))
        complete(series.baseline.campaign_id, None, monday)  # no code: cannot be followed
        assert enrol_new(series).people == 2
        assert enrol_new(series).people == 0  # once each
        # Two weeks later: the first is due this week (Monday 16), the second on Thursday 19.
        now = dt.datetime(2026, 11, 16, 15, tzinfo=UTC)
        rows = navigators.due_rows(evaluation, None, now)
        assert [(r.person.split(" ")[0], r.due_on) for r in rows] == [
            ("#1", dt.date(2026, 11, 16)), ("#2", dt.date(2026, 11, 19))]
        assert due.process_due(now).invited == 0  # no address: nothing to email
        # A navigator limited to another site sees nobody.
        assert navigators.due_rows(evaluation, frozenset({-1}), now) == []
        first = db.session.get(FollowupTask, rows[0].task_id)
        navigators.record_outcome(first, navigators.NOT_REACHED, None, None, now)
        assert navigators.due_rows(evaluation, None, now)[0].attempts == 1
        navigators.record_outcome(first, navigators.DECLINED, None, None, now)
        assert [r.person[:2] for r in navigators.due_rows(evaluation, None, now)] == ["#2"]
        # Four weeks after: only the second person's next step, never the first's.
        month = dt.datetime(2026, 11, 30, 15, tzinfo=UTC)
        assert [(r.person[:2], r.step.split(" · ")[1]) for r in
                navigators.due_rows(evaluation, None, month)] == [
            ("#2", "Suivi 2\u00a0semaines"), ("#2", "Suivi 4\u00a0semaines")]
        with pytest.raises(navigators.OutcomeError):
            navigators.record_outcome(first, navigators.REACHED, None, None, month)
        # A completed step leaves the list.
        complete(series.steps[1].campaign_id, "b" * 64, month)
        assert [r.step.split(" · ")[1] for r in navigators.due_rows(evaluation, None, month)] == [
            "Suivi 4\u00a0semaines"]
        steps = monitoring.figures(series, month)
        assert (steps.unlinked, steps.steps[0].completed) == (1, 2)
        assert [(s.due, s.not_reached, s.declined, s.completed) for s in steps.steps[1:]] == [
            (2, 0, 1, 1), (1, 0, 0, 0)]


def test_outcomes_refuse_a_date_in_the_future(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="self")
        series = make_series(evaluation, steps="1 week")
        complete(series.baseline.campaign_id, "c" * 64, dt.datetime(2026, 11, 2, 15, tzinfo=UTC))
        enrol_new(series)
        task = db.session.scalar(select(FollowupTask))
        now = dt.datetime(2026, 11, 9, 15, tzinfo=UTC)
        with pytest.raises(navigators.OutcomeError) as refused:
            navigators.record_outcome(task, navigators.REACHED, dt.date(2026, 11, 10), None, now)
        assert str(refused.value) == "future-date"
        with pytest.raises(navigators.OutcomeError):
            navigators.record_outcome(task, "maybe", None, None, now)


def test_an_address_left_after_the_baseline_links_and_invites(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation()  # codes carried by invitations
        series = make_series(evaluation, steps="1 month")
        baseline = complete(series.baseline.campaign_id, None,
                            dt.datetime(2026, 1, 10, 15, tzinfo=UTC))
        assert enrol_new(series).unlinked == 1
        person = leave_address(series, baseline, "ben@example.org", "en")
        assert person is not None and person.contact.email == "ben@example.org"
        assert baseline.panel_hash is not None  # the contact's code
        now = dt.datetime(2026, 2, 10, 15, tzinfo=UTC)
        assert due.process_due(now).invited == 1
        mailing.send_due(now)
        assert [m.to for m in outbox_messages(fapp)] == ["ben@example.org"]
        # The invitation carries the same code: answering it completes the step.
        campaign = db.session.get(Campaign, series.steps[1].campaign_id)
        complete(campaign.id, baseline.panel_hash, now)
        assert monitoring.figures(series, now).steps[1].completed == 1


def test_the_command_and_the_workers_round_invite_a_due_step_once(fapp: Flask) -> None:  # noqa: F811
    from survey.followup.cli import process_command
    from survey.jobs.tasks import process_followups

    with fapp.test_request_context():
        evaluation = make_evaluation()
        series = make_series(evaluation, steps="1 day")
        invited_baseline(evaluation, series, "carl@example.org",
                         dt.datetime.now(UTC) - dt.timedelta(days=3))
        campaign_id = series.steps[1].campaign_id
    result = fapp.test_cli_runner().invoke(process_command, [])
    assert result.exit_code == 0, result.output
    assert "1 people enrolled, 1 due steps invited by email" in result.output
    with fapp.app_context():
        process_followups()  # the worker's minute round: nothing more to do
        mailing.send_due(dt.datetime.now(UTC) + dt.timedelta(hours=20))  # after 9:00 local
        assert [m.to for m in outbox_messages(fapp)] == ["carl@example.org"]
        assert db.session.scalar(select(func.count(Invitation.id)).where(
            Invitation.campaign_id == campaign_id)) == 1


def test_panel_codes_cannot_be_turned_off_under_a_series(fapp: Flask) -> None:  # noqa: F811
    from survey.panel import services as panel

    with fapp.test_request_context():
        evaluation = make_evaluation()
        make_series(evaluation)
        with pytest.raises(panel.PanelError) as refused:
            panel.configure(evaluation, "off")
        assert str(refused.value) == "series-need-codes"
        panel.configure(evaluation, "self")  # another way of making codes, before any is given
        assert evaluation.panel_mode == "self"


def test_a_reminder_goes_at_nine_in_paris_across_the_change_of_time(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(zone="Europe/Paris")
        series = make_series(evaluation, steps="1 month")
        invited_baseline(evaluation, series, "dora@example.org",
                         dt.datetime(2026, 2, 20, 10, tzinfo=UTC))
        # Due 20 March (CET, UTC+1); its reminder a week later, 27 March, still CET; clocks go
        # forward on 29 March.
        due.process_due(dt.datetime(2026, 3, 20, 6, tzinfo=UTC))
        pending = db.session.scalars(select(Mailing).order_by(Mailing.due_at)).all()
        assert [m.due_at for m in pending] == [dt.datetime(2026, 3, 20, 8, tzinfo=UTC),
                                               dt.datetime(2026, 3, 27, 8, tzinfo=UTC)]
        # After the change, 9:00 in Paris is 07:00 UTC.
        assert at_local(dt.date(2026, 3, 30), 9, ZoneInfo("Europe/Paris")) == (
            dt.datetime(2026, 3, 30, 7, tzinfo=UTC))
