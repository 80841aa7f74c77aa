"""Conformity scores against values computed by hand."""

from __future__ import annotations

import pytest

from analysis.conformity import conformity, progress


def test_partly_met_counts_half_and_not_applicable_is_left_out() -> None:
    # 3 met, 2 partly, 1 not met, 2 na, 1 unanswered, 1 don't know:
    # (3 + 2/2) / (3 + 2 + 1) = 4 / 6 = 66.7 %
    found = conformity(["met", "met", "met", "partly", "partly", "not_met", "na", "na", None,
                        "dont_know"])
    assert (found.met, found.partly, found.not_met, found.na, found.unanswered) == (
        3, 2, 1, 2, 2)
    assert found.applicable == 6
    assert found.share == pytest.approx(4 / 6)
    assert found.percent == 66.7


@pytest.mark.parametrize(("levels", "percent"), [
    (["met"], 100.0), (["not_met"], 0.0), (["partly"], 50.0), (["partly", "not_met"], 25.0),
    (["met", "partly", "na"], 75.0), (["na", "na"], None), ([], None)])
def test_hand_computed_values(levels: list[str], percent: float | None) -> None:
    assert conformity(levels).percent == percent


def test_progress_in_points() -> None:
    before = conformity(["met", "not_met", "not_met", "partly"])  # 1.5 / 4 = 37.5 %
    after = conformity(["met", "met", "partly", "partly"])  # 3 / 4 = 75 %
    assert progress(before, after) == 37.5
    assert progress(None, after) is None
    assert progress(conformity(["na"]), after) is None
