"""Monitoring figures from responses: counts, rates, median time, drop-off by page, completions
by day, and small counts hidden from partners (with complementary suppression)."""

from __future__ import annotations

import datetime as dt
import statistics

from survey.monitoring import ResponseRow, summarise

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SECTIONS = ["about", "care", "equity"]


def done(minutes: float, day: int = 0) -> ResponseRow:
    start = T0 + dt.timedelta(days=day)
    return ResponseRow("completed", start, start + dt.timedelta(minutes=minutes), None)


def stopped(section: str) -> ResponseRow:
    return ResponseRow("started", T0, None, section)


def test_researchers_see_every_figure() -> None:
    rows = [done(10), done(14, 1), done(30, 1), stopped("care"), stopped("care"),
            stopped("about")]
    monitor = summarise(rows, invited=12, sections=SECTIONS, min_group=5, restricted=False,
                        today=dt.date(2026, 11, 23))
    assert (str(monitor.invited), str(monitor.started), str(monitor.completed)) == ("12", "6",
                                                                                  "3")
    assert monitor.completion_rate == 0.5 and monitor.response_rate == 0.25
    assert monitor.median_minutes == statistics.median([10, 14, 30]) == 14
    assert [(s, c.value) for s, c in monitor.dropoff] == [("about", 1), ("care", 2),
                                                          ("equity", 0)]
    assert [(d.day, c.value) for d, c in monitor.by_day] == [(20, 1), (21, 2), (22, 0), (23, 0)]
    assert monitor.peak == 2


def test_partners_see_small_counts_as_below_the_threshold() -> None:
    rows = [done(10 + n, day=n % 2) for n in range(7)] + [stopped("care")] * 6 + [
        stopped("about")] * 2 + [stopped("equity")]
    monitor = summarise(rows, invited=40, sections=SECTIONS, min_group=5, restricted=True)
    assert str(monitor.started) == "16" and str(monitor.completed) == "7"
    dropoff = {s: str(c) for s, c in monitor.dropoff}
    # "about" (2) and "equity" (1) are under 5; "care" stays, as two cells are hidden.
    assert dropoff == {"about": "< 5", "care": "6", "equity": "< 5"}
    # Days: 4 and 3 completions, both hidden.
    assert [str(c) for _d, c in monitor.by_day] == ["< 5", "< 5"]


def test_one_hidden_cell_hides_another_so_totals_cannot_reveal_it() -> None:
    rows = [stopped("about")] * 2 + [stopped("care")] * 6 + [stopped("equity")] * 9
    monitor = summarise(rows, invited=None, sections=SECTIONS, min_group=5, restricted=True)
    dropoff = {s: str(c) for s, c in monitor.dropoff}
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
