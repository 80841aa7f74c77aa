"""Shared-leadership networks from nomination questions.

Density follows Carson, Tesluk & Marrone (2007): ties / n(n-1). Centralization is Freeman's
in-degree centralization as used by Mayo, Meindl & Pastor (2003): sum(max - in_i) / (n-1)^2.
Hand-written because networkx is a test-only dependency and these are a few lines of counting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, Item

__all__ = [
    "NetworkIndicators",
    "gini",
    "network_indicators",
    "parse_nominations",
    "first_tokens",
    "sender_codes",
    "team_networks",
    "roster_members",
]


@dataclass(frozen=True)
class NetworkIndicators:
    n_members: int
    n_respondents: int
    coverage: float
    n_ties: int
    density: float
    centralization: float
    gini: float
    ignored_self: int
    ignored_non_member: int
    valued_density: float = math.nan
    valued_density_normalised: float = math.nan
    in_degree: Mapping[str, int] = field(default_factory=dict)
    ties: tuple[tuple[str, str], ...] = ()


def gini(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative values (0 = equal); NaN when all are zero or empty."""
    x = np.sort(np.asarray(list(values), dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return math.nan
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def network_indicators(
    nominations: Iterable[tuple],
    members: Iterable,
    respondents: Iterable | None = None,
    max_rating: float | None = None,
) -> NetworkIndicators:
    """Indicators of one team's leadership network.

    ``nominations`` are ``(from, to)`` pairs, or ``(from, to, rating)`` triples when rated.
    Self-nominations and nominations of non-members are ignored and counted; a repeated pair
    counts as one tie (its ratings are averaged). ``respondents`` are the members who answered
    (default: the members who nominated someone). ``max_rating`` defaults to the largest rating.
    """
    member_set = {str(m) for m in members}
    n = len(member_set)
    ignored_self = ignored_non_member = 0
    ratings: dict[tuple[str, str], list[float]] = {}
    rated = False
    for nomination in nominations:
        source, target = str(nomination[0]), str(nomination[1])
        if source == target:
            ignored_self += 1
            continue
        if target not in member_set:
            ignored_non_member += 1
            continue
        values = ratings.setdefault((source, target), [])
        if len(nomination) > 2 and nomination[2] is not None and not _isnan(nomination[2]):
            rated = True
            values.append(float(nomination[2]))
    if respondents is None:
        answered = {source for source, _ in ratings} & member_set
    else:
        answered = {str(r) for r in respondents} & member_set
    in_degree = dict.fromkeys(sorted(member_set), 0)
    for _, target in ratings:
        in_degree[target] += 1
    possible = n * (n - 1)
    degrees = np.array(list(in_degree.values()), dtype=float)
    density = len(ratings) / possible if possible else math.nan
    centralization = (
        float((degrees.max() - degrees).sum() / (n - 1) ** 2) if n > 1 else math.nan
    )
    valued = valued_norm = math.nan
    if rated and possible:
        means = [float(np.mean(v)) for v in ratings.values() if v]
        valued = sum(means) / possible
        top = max_rating if max_rating else max(max(v) for v in ratings.values() if v)
        valued_norm = valued / top if top else math.nan
    return NetworkIndicators(
        n_members=n,
        n_respondents=len(answered),
        coverage=len(answered) / n if n else math.nan,
        n_ties=len(ratings),
        density=density,
        centralization=centralization,
        gini=gini(degrees) if n else math.nan,
        ignored_self=ignored_self,
        ignored_non_member=ignored_non_member,
        valued_density=valued,
        valued_density_normalised=valued_norm,
        in_degree=in_degree,
        ties=tuple(sorted(ratings)),
    )


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def parse_nominations(cells: pd.Series, rated: bool) -> pd.DataFrame:
    """Explode nomination cells into rows: index label of the response, ``to`` and ``rating``.

    Cells hold space-separated roster codes, or ``code:rating`` tokens when rated. Distinct
    cells are parsed once and mapped back to rows (exports repeat the same cells a lot).
    """
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    targets: list[str] = []
    ratings: list[float] = []
    counts = np.zeros(len(uniques), dtype=int)
    for index, cell in enumerate(uniques):
        for token in str(cell).split():
            code, _, value = token.partition(":")
            targets.append(code)
            ratings.append(_rating(value) if rated else math.nan)
            counts[index] += 1
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]) if len(counts) else counts
    present = np.flatnonzero(codes >= 0)
    per_row = counts[codes[present]] if len(present) else np.zeros(0, dtype=int)
    rows = np.repeat(present, per_row)
    offsets = np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    token_index = np.repeat(starts[codes[present]], per_row) + offsets if len(present) else (
        np.zeros(0, dtype=int))
    return pd.DataFrame({
        "row": cells.index.to_numpy()[rows],
        "to": np.asarray(targets, dtype=object)[token_index] if targets else np.zeros(0, object),
        "rating": np.asarray(ratings, dtype=float)[token_index] if ratings else np.zeros(0),
    })


def _rating(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def first_tokens(cells: pd.Series) -> pd.Series:
    """The first space-separated token of each cell (NA stays NA), parsing distinct cells once."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    firsts = np.asarray([(str(u).split() or [None])[0] for u in uniques] + [None], dtype=object)
    return pd.Series(firsts[codes], index=cells.index, dtype="string")


def sender_codes(frame: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """The 'from' node of each response: its self-reported roster code, else its response_id."""
    ids = frame["response_id"].astype("string")
    self_item = codebook.self_item
    if self_item is None or self_item.code not in frame:
        return ids
    return first_tokens(frame[self_item.code]).fillna(ids)


def team_networks(
    frame: pd.DataFrame,
    codebook: Codebook,
    item: Item,
    members_by_team: Mapping[str, Iterable[str]] | None = None,
    min_coverage: float = 0.7,
) -> pd.DataFrame:
    """Network indicators of every team for one nomination item, one row per team.

    Same definitions as ``network_indicators``, computed for all teams at once with groupby.
    Members of a team are the item's roster codes, unless ``members_by_team`` gives them. The
    respondents of a team are its members with a response carrying their self code; without a
    self item, coverage is the number of responses over the number of members (capped at 1).
    Teams under ``min_coverage`` get ``low_coverage = True``.
    """
    data = frame[frame["team"].notna()]
    team = data["team"].astype(str)
    teams = sorted(team.unique())
    if members_by_team is None and item.roster_by_team:
        members_by_team = roster_members(data, codebook)
    members = _members_table(teams, item, members_by_team)
    n_members = members.groupby("team").size().reindex(teams, fill_value=0)
    has_self = codebook.self_item is not None
    senders = sender_codes(data, codebook).astype(str)

    noms = parse_nominations(data[item.code], item.rated)
    noms["team"] = team.loc[noms["row"]].to_numpy()
    noms["from"] = senders.loc[noms["row"]].to_numpy()
    noms["to"] = noms["to"].astype(str)
    is_member = pd.MultiIndex.from_arrays([noms["team"], noms["to"]]).isin(
        pd.MultiIndex.from_frame(members)
    )
    is_self = (noms["from"] == noms["to"]).to_numpy()
    ignored_self = pd.Series(is_self, index=noms.index).groupby(noms["team"]).sum()
    ignored_non_member = pd.Series(~is_self & ~is_member, index=noms.index).groupby(
        noms["team"]).sum()
    valid = noms[~is_self & is_member]
    ties = valid.groupby(["team", "from", "to"], sort=True)["rating"].mean().reset_index()

    in_degree = members.merge(
        ties.groupby(["team", "to"]).size().rename("in_degree").reset_index(),
        left_on=["team", "member"], right_on=["team", "to"], how="left",
    ).drop(columns="to").fillna({"in_degree": 0})
    in_degree["in_degree"] = in_degree["in_degree"].astype(int)
    by_team = in_degree.groupby("team")["in_degree"]
    n = n_members.astype(float)
    possible = n * (n - 1)
    n_ties = ties.groupby("team").size().reindex(teams, fill_value=0)
    top = by_team.max().reindex(teams, fill_value=0)
    rated = ties.dropna(subset=["rating"])
    rating_sum = rated.groupby("team")["rating"].sum().reindex(teams)
    max_rating = item.rating_max or (rated["rating"].max() if len(rated) else np.nan)

    if has_self:
        answered = pd.DataFrame({"team": team, "member": senders}).drop_duplicates()
        answered = answered.merge(members, on=["team", "member"])
        n_respondents = answered.groupby("team").size().reindex(teams, fill_value=0)
        coverage = n_respondents / n.where(n > 0)
    else:
        n_respondents = team.value_counts().reindex(teams, fill_value=0)
        coverage = (n_respondents / n.where(n > 0)).clip(upper=1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({
            "team": teams,
            "item": item.code,
            "n_responses": team.value_counts().reindex(teams, fill_value=0).to_numpy(),
            "n_members": n_members.to_numpy(),
            "n_respondents": n_respondents.to_numpy(),
            "coverage": coverage.to_numpy(),
            "n_ties": n_ties.to_numpy(),
            "density": (n_ties / possible.where(possible > 0)).to_numpy(),
            "centralization": ((n * top - n_ties) / ((n - 1) ** 2).where(n > 1)).to_numpy(),
            "gini": _gini_by_team(in_degree).reindex(teams).to_numpy(),
            "valued_density": (rating_sum / possible.where(possible > 0)).to_numpy(),
        })
    out["low_coverage"] = out["coverage"].fillna(0).to_numpy() < min_coverage
    out["valued_density_normalised"] = out["valued_density"] / max_rating
    out["ignored_self"] = ignored_self.reindex(teams, fill_value=0).astype(int).to_numpy()
    out["ignored_non_member"] = ignored_non_member.reindex(teams, fill_value=0).astype(
        int).to_numpy()
    out["in_degree"] = [dict(zip(g["member"], g["in_degree"].astype(int), strict=True))
                        for _, g in in_degree.groupby("team", sort=True)]
    tie_lists = {t: list(zip(g["from"], g["to"], strict=True))
                 for t, g in ties.groupby("team", sort=True)}
    out["ties"] = [tie_lists.get(t, []) for t in teams]
    return out[["team", "item", "n_responses", "n_members", "n_respondents", "coverage",
                "low_coverage", "n_ties", "density", "centralization", "gini", "valued_density",
                "valued_density_normalised", "ignored_self", "ignored_non_member", "in_degree",
                "ties"]]


def roster_members(frame: pd.DataFrame, codebook: Codebook) -> dict[str, list[str]]:
    """Each team's members from the codebook's team rosters: its current members, and former
    (retired) members who still appear in the team's answers, named or answering as
    themselves, so the network of an earlier wave keeps everyone it had."""
    appearing: set[tuple[str, str]] = set()
    for item in codebook.items:
        if item.type == "nomination" and item.roster_by_team and item.code in frame:
            tokens = parse_nominations(frame[item.code], item.rated)
            teams = frame["team"].astype(str).loc[tokens["row"]].to_numpy()
            appearing.update(zip(teams, tokens["to"].astype(str), strict=True))
    return {team: [str(c.code) for c in entries
                   if not c.retired or (team, str(c.code)) in appearing]
            for team, entries in codebook.team_rosters.items()}


def _members_table(
    teams: list[str], item: Item, members_by_team: Mapping[str, Iterable[str]] | None
) -> pd.DataFrame:
    rows = []
    for team in teams:
        listed = members_by_team.get(team) if members_by_team else None
        codes = dict.fromkeys(str(m) for m in (listed if listed is not None else item.roster_codes))
        rows.extend((team, code) for code in codes)
    return pd.DataFrame(rows, columns=["team", "member"])


def _gini_by_team(in_degree: pd.DataFrame) -> pd.Series:
    """Gini of in-degrees per team, vectorised: 2 sum(i x_(i)) / (n sum x) - (n + 1) / n."""
    ordered = in_degree.sort_values(["team", "in_degree"])
    rank = ordered.groupby("team").cumcount() + 1
    grouped = (ordered.assign(weighted=rank * ordered["in_degree"])
               .groupby("team")[["weighted", "in_degree"]].sum())
    n = ordered.groupby("team").size()
    total = grouped["in_degree"].where(grouped["in_degree"] > 0)
    return 2 * grouped["weighted"] / (n * total) - (n + 1) / n
