"""Monitoring figures from responses: counts, rates, median time, drop-off by page, completions
by day, and small counts hidden from partners (with complementary suppression)."""

from __future__ import annotations

import datetime as dt
import statistics
from zoneinfo import ZoneInfo

from survey.monitoring import INVITED, LINK, OPEN_LINK, ResponseRow, campaign_span, summarise

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SECTIONS = [("q", "about"), ("q", "care"), ("q", "equity")]  # (questionnaire, page)


def done(minutes: float, day: int = 0, source: str = INVITED) -> ResponseRow:
    start = T0 + dt.timedelta(days=day)
    return ResponseRow("completed", start, start + dt.timedelta(minutes=minutes), None, source)


def stopped(section: str | None, questionnaire: str = "q") -> ResponseRow:
    return ResponseRow("started", T0, None, section, OPEN_LINK, questionnaire)


def test_researchers_see_every_figure() -> None:
    rows = [done(10), done(14, 1), done(30, 1), stopped("care"), stopped("care"),
            stopped("about")]
    monitor = summarise(rows, invited=12, sections=SECTIONS, min_group=5, restricted=False,
                        today=dt.date(2026, 11, 23))
    assert (str(monitor.invited), str(monitor.started), str(monitor.completed)) == ("12", "6",
                                                                                  "3")
    assert monitor.completion_rate == 0.5 and monitor.response_rate == 0.25
    assert monitor.median_minutes == statistics.median([10, 14, 30]) == 14
    assert [(s, c.value) for (_q, s), c in monitor.dropoff] == [("about", 1), ("care", 2),
                                                          ("equity", 0)]
    assert [(d.day, c.value) for d, c in monitor.by_day] == [(20, 1), (21, 2), (22, 0), (23, 0)]
    assert monitor.peak == 2


def test_partners_see_small_counts_as_below_the_threshold() -> None:
    rows = [done(10 + n, day=n % 2) for n in range(7)] + [stopped("care")] * 6 + [
        stopped("about")] * 2 + [stopped("equity")]
    monitor = summarise(rows, invited=40, sections=SECTIONS, min_group=5, restricted=True)
    assert str(monitor.started) == "16" and str(monitor.completed) == "7"
    dropoff = {s: str(c) for (_q, s), c in monitor.dropoff}
    # "about" (2) and "equity" (1) are under 5; "care" stays, as two cells are hidden.
    assert dropoff == {"about": "< 5", "care": "6", "equity": "< 5"}
    # Days: 4 and 3 completions, both hidden.
    assert [str(c) for _d, c in monitor.by_day] == ["< 5", "< 5"]


def test_one_hidden_cell_hides_another_so_totals_cannot_reveal_it() -> None:
    rows = [stopped("about")] * 2 + [stopped("care")] * 6 + [stopped("equity")] * 9
    monitor = summarise(rows, invited=None, sections=SECTIONS, min_group=5, restricted=True)
    dropoff = {s: str(c) for (_q, s), c in monitor.dropoff}
    assert dropoff == {"about": "< 5", "care": "< 5", "equity": "9"}
    assert monitor.invited is None and monitor.response_rate is None


def test_a_small_campaign_shows_partners_no_rate_and_no_time() -> None:
    monitor = summarise([done(12), done(20), stopped("care")], invited=3, sections=SECTIONS,
                        min_group=5, restricted=True)
    assert str(monitor.started) == "< 5" and str(monitor.completed) == "< 5"
    assert monitor.completion_rate is None and monitor.median_minutes is None
    researcher = summarise([done(12), done(20), stopped("care")], invited=3, sections=SECTIONS,
                           min_group=5, restricted=False)
    assert researcher.completion_rate == 2 / 3 and researcher.median_minutes == 16


def test_nothing_yet() -> None:
    monitor = summarise([], invited=0, sections=SECTIONS, min_group=5, restricted=False)
    assert str(monitor.started) == "0" and monitor.completion_rate is None
    assert monitor.by_day == [] and monitor.median_minutes is None
    assert [c.value for _s, c in monitor.dropoff] == [0, 0, 0]


def test_chart_bars_scale_to_the_busiest_day_and_draw_nothing_for_hidden_days() -> None:
    from survey.monitoring import CHART_HEIGHT, bars

    rows = [done(5)] * 6 + [done(5, 1)] * 3 + [done(5, 2)] * 12
    researcher = summarise(rows, invited=None, sections=SECTIONS, min_group=5, restricted=False)
    drawn = bars(researcher.by_day)
    assert [b.height for b in drawn] == [CHART_HEIGHT * 6 / 12, CHART_HEIGHT * 3 / 12,
                                         CHART_HEIGHT]
    assert all(b.y + b.height == CHART_HEIGHT for b in drawn)
    partner = summarise(rows, invited=None, sections=SECTIONS, min_group=5, restricted=True)
    assert [b.height for b in bars(partner.by_day)][1] == 0


def test_the_response_rate_counts_invited_completes_only_and_never_passes_100_percent() -> None:
    """Ten emailed, four answered through their invitation; twenty came by the open link and
    two by links handed out: 40 %, not 260 %."""
    rows = ([done(10) for _ in range(4)] + [done(10, source=OPEN_LINK) for _ in range(20)]
            + [done(10, source=LINK) for _ in range(2)])
    monitor = summarise(rows, invited=10, sections=SECTIONS, min_group=5, restricted=False)
    assert monitor.response_rate == 0.4
    assert {s: c.value for s, c in monitor.completed_by_source.items()} == {
        INVITED: 4, LINK: 2, OPEN_LINK: 20}
    assert str(monitor.completed) == "26"
    # Partners: the invited completes are under the threshold, so no rate; the small link
    # count is hidden too, and another cell with it so the total cannot give it away.
    partner = summarise(rows, invited=10, sections=SECTIONS, min_group=5, restricted=True)
    assert partner.response_rate is None
    assert partner.completed_by_source[INVITED].hidden and partner.completed_by_source[LINK].hidden
    # Nothing emailed: no rate at all, whatever came by the open link.
    assert summarise(rows, invited=None, sections=SECTIONS, min_group=5,
                     restricted=False).response_rate is None


def test_the_chart_spans_the_campaign_in_its_time_zone() -> None:
    toronto = ZoneInfo("America/Toronto")
    opened = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    now = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # still the 29th in Toronto
    span = campaign_span([opened], [None], True, None, now, toronto)
    assert span == (dt.date(2026, 11, 2), dt.date(2026, 11, 29))
    # Closed on the 25th: the chart stops there; invited before opening: starts then.
    closed = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
    invited = dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)
    assert campaign_span([opened], [closed], False, invited, now, toronto) == (
        dt.date(2026, 10, 30), dt.date(2026, 11, 25))
    assert campaign_span([None], [None], False, None, now, toronto) is None
    # A response completed at 01:30 UTC on the 21st is on the 20th in Toronto.
    late = ResponseRow("completed", T0, dt.datetime(2026, 11, 21, 1, 30, tzinfo=dt.UTC), None)
    monitor = summarise([late], invited=None, sections=SECTIONS, min_group=5,
                        restricted=False, span=span, zone=toronto)
    assert len(monitor.by_day) == 28  # one bar a day from opening to today, not one day
    assert monitor.by_day[0][0] == dt.date(2026, 11, 2)
    assert dict((d, c.value) for d, c in monitor.by_day)[dt.date(2026, 11, 20)] == 1


def test_a_page_code_shared_by_two_questionnaires_is_counted_for_each() -> None:
    """The bundled questionnaires all end with ``about_you``: an evaluation's drop-off keeps
    each questionnaire's own, in questionnaire order, and its consent page apart."""
    sections = [("patients", "your_visit"), ("patients", "about_you"),
                ("professionals", "team_context"), ("professionals", "about_you")]
    rows = ([stopped("about_you", "patients")] * 2 + [stopped("about_you", "professionals")] * 3
            + [stopped(None, "professionals")])
    monitor = summarise(rows, invited=None, sections=sections, min_group=5, restricted=False)
    assert [(place, c.value) for place, c in monitor.dropoff] == [
        (("patients", "your_visit"), 0), (("patients", "about_you"), 2),
        (("professionals", "team_context"), 0), (("professionals", "about_you"), 3),
        (("professionals", None), 1)]
