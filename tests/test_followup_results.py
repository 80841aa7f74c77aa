"""A series' steps in results and exports, as any wave: change since the baseline measured person
by person (paired by panel code) and per site, and each person's rows carrying one code."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from survey.exports import Export, Selection
from survey.results.services import compute
from survey.results.snapshots import Spec

from .followup_world import (
    complete,
    fapp,  # noqa: F401  (fixture)
    make_evaluation,
    make_series,
)

ACCESS = ("acc_hours", "acc_appt_r", "acc_phone", "acc_place", "acc_soon")


def _answers(level: int) -> dict[str, int]:
    """The access scale answered at ``level`` (its reverse-keyed item mirrored)."""
    return {code: (6 - level if code.endswith("_r") else level) for code in ACCESS}


def test_change_since_the_baseline_is_paired_per_person_and_per_site(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="self", sites=("Clinique Nord", "Clinique Sud"))
        north = make_series(evaluation, steps="3 months", code="N")
        south = make_series(evaluation, steps="3 months", code="S", site_index=1)
        start = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC)
        # Six people per site; in the north each gains one point, in the south none.
        for series, gain, letter in ((north, 1, "a"), (south, 0, "b")):
            for n in range(6):
                code = f"{letter}{n}".ljust(64, "0")
                level = 2 + n % 3
                at = start + dt.timedelta(days=n)
                complete(series.baseline.campaign_id, code, at, _answers(level))
                complete(series.steps[1].campaign_id, code, at + dt.timedelta(days=92),
                         _answers(level + gain))
        # Someone who answered the follow-up only, and a baseline without a code: unpaired.
        complete(north.steps[1].campaign_id, "f".ljust(64, "0"), start, _answers(5))
        complete(north.baseline.campaign_id, None, start, _answers(1))

        selection = Selection("patients", evaluation_id=evaluation.id)
        computed = compute(Spec(selection, min_group=5))
        changes = computed.indicators.tables["wave_changes"]
        access = changes[changes["scale"] == "access"]
        steps = {(row.site, row.wave_from, row.wave_to): row for row in access.itertuples()}
        nord = steps[("Clinique Nord", "N-0-T0", "N-1-3M")]._asdict()
        sud = steps[("Clinique Sud", "S-0-T0", "S-1-3M")]._asdict()
        assert nord["design"] == "paired" and nord["n_pairs"] == 6
        assert sud["design"] == "paired" and sud["n_pairs"] == 6
        assert abs(nord["difference"] - 1.0) < 1e-9
        assert abs(sud["difference"]) < 1e-9

        # The researcher's export: a person's two rows carry the same printable code.
        export = Export.of(selection, panel_codes=True)
        header = export.header
        rows = [dict(zip(header, record, strict=False)) for record in export.records()]
        by_code: dict[str, list[str]] = {}
        for row in rows:
            if row.get("panel_code"):
                by_code.setdefault(row["panel_code"], []).append(row["wave"])
        paired = [sorted(waves) for waves in by_code.values() if len(waves) == 2]
        assert len(paired) == 12
        assert ["N-0-T0", "N-1-3M"] in paired and ["S-0-T0", "S-1-3M"] in paired
