"""Team-level aggregation of scale scores: team means, rwg(j), ICC(1) and ICC(2).

Team means and the ICCs work on any scale score, numeric scores included. rwg(j) compares the
answers' variance with that of uniform answers on the response scale, so it needs one: it is
computed for likert scales (known number of options) only, and left empty otherwise.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.agreement import icc1, icc2, rwg_j_by_group
from analysis.codebook import Codebook, Scale
from analysis.scoring import keyed_items, mean_ci

__all__ = ["team_scales", "team_aggregation", "without_rwg"]


def team_scales(frame: pd.DataFrame, scores: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per team and scale: n, mean, sd, 95% CI and rwg(j) of the (reverse-keyed) items
    (NaN, with ``n_rwg`` 0, for scales without a response scale: see ``without_rwg``)."""
    parts = []
    teams = frame["team"]
    for scale in codebook.scales:
        data = pd.DataFrame({"team": teams, "score": scores[scale.code]}).dropna()
        table = data.groupby("team", sort=True)["score"].agg(n="size", mean="mean", sd="std")
        if scale.points is None:
            table["rwg_j"], table["n_rwg"] = math.nan, 0
        else:
            items = keyed_items(frame, scale)
            items["team"] = teams
            agreement = rwg_j_by_group(items, list(scale.items), "team", scale.points)
            table["rwg_j"] = agreement["rwg_j"].reindex(table.index)
            table["n_rwg"] = agreement["n"].reindex(table.index).fillna(0).astype(int)
        table = table.reset_index()
        table.insert(1, "scale", scale.code)
        parts.append(table)
    columns = ["team", "scale", "n", "mean", "sd", "ci_low", "ci_high", "rwg_j", "n_rwg"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["ci_low"], out["ci_high"] = mean_ci(out["n"], out["mean"], out["sd"])
    return out[columns]


def team_aggregation(
    frame: pd.DataFrame,
    scores: pd.DataFrame,
    codebook: Codebook,
    team_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per scale, across teams: ICC(1), ICC(2), median rwg(j), number of teams and respondents.

    ``team_table`` is the output of ``team_scales`` when already computed.
    """
    rows = []
    rwg = team_scales(frame, scores, codebook) if team_table is None else team_table
    for scale in codebook.scales:
        data = pd.DataFrame({"team": frame["team"], "score": scores[scale.code]}).dropna()
        rows.append(
            {
                "scale": scale.code,
                "n": len(data),
                "n_teams": data["team"].nunique(),
                "icc1": icc1(data["score"], data["team"]),
                "icc2": icc2(data["score"], data["team"]),
                "median_rwg_j": rwg.loc[rwg["scale"] == scale.code, "rwg_j"].median(),
            }
        )
    return pd.DataFrame(rows, columns=["scale", "n", "n_teams", "icc1", "icc2", "median_rwg_j"])


def without_rwg(codebook: Codebook) -> tuple[Scale, ...]:
    """Scales whose rwg(j) cannot be computed: numeric scores, not answers on a response scale
    with a known number of options."""
    return tuple(scale for scale in codebook.scales if scale.points is None)
