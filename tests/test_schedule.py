"""The rules of scheduling (survey/invitations/schedule.py) and the time zones
(survey/timezones.py), without the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from survey.invitations.schedule import PAST, Pending, clashes, due_problem, may_write, next_allowed
from survey.timezones import is_zone, to_local, to_utc

NOW = dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)
DAYS3 = dt.timedelta(days=3)


def test_a_contact_waits_the_interval_between_two_messages() -> None:
    assert may_write(None, NOW, DAYS3)
    assert not may_write(NOW - dt.timedelta(days=2, hours=23), NOW, DAYS3)
    assert may_write(NOW - DAYS3, NOW, DAYS3)
    assert may_write(NOW, NOW, dt.timedelta(0))  # 0 turns the rule off
    assert next_allowed([NOW, NOW - dt.timedelta(days=1)], DAYS3) == NOW + dt.timedelta(days=2)
    assert next_allowed([], DAYS3) is None


def test_a_time_in_the_past_is_refused_but_this_minute_is_now() -> None:
    assert due_problem(NOW - dt.timedelta(hours=1), NOW) == PAST
    assert due_problem(NOW - dt.timedelta(seconds=30), NOW) is None
    assert due_problem(NOW + dt.timedelta(days=1), NOW) is None


def test_pending_mailings_that_a_new_one_runs_into() -> None:
    reminder = Pending("reminder", NOW + dt.timedelta(days=10))
    invitation = Pending("invitation", NOW + dt.timedelta(hours=2))
    far = Pending("invitation", NOW - dt.timedelta(days=5))
    # another reminder, however far, and a message due within the interval
    assert clashes("reminder", NOW, [reminder, invitation, far], DAYS3) == [reminder, invitation]
    assert clashes("invitation", NOW + dt.timedelta(days=20), [reminder, far], DAYS3) == [far]


def test_times_are_typed_in_the_evaluations_zone_and_stored_in_utc() -> None:
    toronto = ZoneInfo("America/Toronto")
    winter = to_utc(dt.datetime(2027, 1, 15, 9, 0), toronto)
    summer = to_utc(dt.datetime(2027, 7, 15, 9, 0), toronto)
    assert (winter.hour, summer.hour) == (14, 13) and winter.tzinfo == dt.UTC
    assert to_local(winter, ZoneInfo("Europe/Paris")).hour == 15
    # 2:30 on the night clocks go forward does not exist: read with the offset before it
    assert to_utc(dt.datetime(2027, 3, 14, 2, 30), toronto).hour == 7


def test_only_real_time_zones_are_accepted() -> None:
    assert is_zone("America/Toronto") and is_zone("Europe/Paris") and is_zone("UTC")
    for bad in ("", "Mars/Olympus", "../../etc/passwd", " America/Toronto", None, 5,
                "America/Toronto\x00", "x" * 100):
        assert not is_zone(bad)


def test_a_bad_instance_time_zone_stops_the_start(tmp_path) -> None:  # noqa: ANN001
    import pytest

    from survey import create_app

    with pytest.raises(ValueError, match="SURVEY_TIME_ZONE"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "TIME_ZONE": "Mars/Olympus",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_the_command_line_sets_and_checks_an_evaluations_time_zone(app) -> None:  # noqa: ANN001
    from survey.design.cli import create_evaluation
    from survey.extensions import db
    from survey.models import Evaluation

    runner = app.test_cli_runner()
    refused = runner.invoke(create_evaluation, ["Pilot", "--time-zone", "Europe/Nowhere"])
    assert refused.exit_code != 0 and "invalid-time-zone" in refused.output
    made = runner.invoke(create_evaluation, ["Pilot", "--time-zone", "Europe/Paris"])
    assert made.exit_code == 0, made.output
    with app.app_context():
        assert db.session.get(Evaluation, int(made.output)).time_zone == "Europe/Paris"
