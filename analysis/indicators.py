"""Assemble every indicator of an export into named tables, then suppress them for sharing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.codebook import Codebook
from analysis.factors import omega_hierarchical
from analysis.i18n import Note
from analysis.impact import difference_in_differences, equity_gaps, equity_means, wave_changes
from analysis.leadership import team_networks
from analysis.reliability import (
    BOOTSTRAP_SAMPLES,
    cronbach_alpha,
    item_statistics,
    mcdonald_omega,
    screen_items,
)
from analysis.scoring import (
    item_distribution,
    keyed_items,
    scale_scores,
    score_quantiles,
    summarise_scores,
)
from analysis.suppression import DEFAULT_MIN_N, suppress
from analysis.teams import team_aggregation, team_scales, without_rwg

__all__ = [
    "ALL",
    "Settings",
    "Indicators",
    "group_keys",
    "compute_indicators",
    "GROUP_COLUMNS",
    "RELIABILITY_COLUMNS",
    "OMEGA_FACTORS",
    "SUPPRESSION_VALUES",
    "public_tables",
]

ALL = "(all)"


@dataclass(frozen=True)
class Settings:
    by: str | None = None
    min_group: int = DEFAULT_MIN_N
    comparison_sites: tuple[str, ...] = ()
    min_coverage: float = 0.7
    min_pairs: int = DEFAULT_MIN_N
    missing: str = "pairwise"
    omega_method: str = "minres"
    omega_boot: int = BOOTSTRAP_SAMPLES


@dataclass(frozen=True)
class Indicators:
    """Raw (unsuppressed) indicator tables, for researchers; use ``public_tables`` to share."""

    codebook: Codebook
    settings: Settings
    tables: Mapping[str, pd.DataFrame]
    notes: tuple[str, ...] = ()
    scores: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def group_keys(settings: Settings) -> list[str]:
    return ["audience", "wave"] + ([settings.by] if settings.by else [])


def compute_indicators(
    frame: pd.DataFrame,
    codebook: Codebook,
    by: str | None = None,
    min_group: int = DEFAULT_MIN_N,
    comparison_sites: Sequence[str] = (),
    min_coverage: float = 0.7,
    members_by_team: Mapping[str, Sequence[str]] | None = None,
    missing: str = "pairwise",
    omega_method: str = "minres",
    omega_boot: int = BOOTSTRAP_SAMPLES,
) -> Indicators:
    """Compute every indicator table from a prepared export (see ``analysis.loading``).

    ``missing``, ``omega_method`` and ``omega_boot`` (bootstrap resamples of omega's interval,
    0 for none) are passed to ``analysis.reliability``.
    """
    if omega_boot < 0:
        raise ValueError("omega_boot must be 0 (no interval) or a number of resamples")
    if by is not None and by not in frame.columns:
        raise ValueError(f"cannot group by {by!r}: no such column")
    settings = Settings(by, min_group, tuple(comparison_sites), min_coverage, min_group,
                        missing, omega_method, omega_boot)
    frame = _categorised(frame, codebook)
    scores = scale_scores(frame, codebook)
    keys = group_keys(settings)
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = []

    tables["responses"] = _response_counts(frame, keys)
    tables["scale_summary"] = _with_totals(
        lambda grouping: summarise_scores(scores, frame, codebook, grouping), keys, by
    )
    tables["score_distribution"] = _with_totals(
        lambda grouping: score_quantiles(scores, frame, codebook, grouping), keys, by
    )
    tables["item_distribution"] = _with_totals(
        lambda grouping: item_distribution(frame, codebook, grouping), keys, by
    )
    (tables["reliability"], tables["item_statistics"],
     tables["schmid_leiman"]) = _reliability(frame, codebook, settings, notes)
    if codebook.scales:
        changes = wave_changes(frame, scores, codebook, settings.min_pairs)
        tables["wave_changes"] = changes
        if not changes.empty:
            counts = changes["design"].value_counts()
            notes.append(Note("note_wave_changes", paired=int(counts.get("paired", 0)),
                              independent=int(counts.get("independent", 0))))
        if settings.comparison_sites:
            unknown = set(settings.comparison_sites) - set(frame["site"].dropna().unique())
            if unknown:
                notes.append(Note("note_comparison_absent", sites=", ".join(sorted(unknown))))
            tables["difference_in_differences"] = difference_in_differences(
                frame, scores, codebook, settings.comparison_sites
            )
        if codebook.equity_items:
            equity_keys = ["audience", "wave"]
            tables["equity_gaps"] = equity_gaps(frame, scores, codebook, equity_keys, min_group)
            tables["equity_means"] = equity_means(frame, scores, codebook, equity_keys)
    if frame["team"].notna().any():
        teams = frame["team"].dropna().astype(str).unique()
        if len(teams) == 1 and codebook.scales:
            notes.append(Note("note_single_team", team=teams[0]))
        if codebook.scales:
            table = team_scales(frame, scores, codebook)
            tables["team_scales"] = table
            tables["team_aggregation"] = team_aggregation(frame, scores, codebook, table)
            no_rwg = without_rwg(codebook)
            if no_rwg:
                notes.append(Note("note_no_rwg", scales=", ".join(s.code for s in no_rwg)))
        networks = [
            team_networks(frame, codebook, item, members_by_team, min_coverage)
            for item in codebook.nomination_items
        ]
        if networks:
            net = pd.concat(networks, ignore_index=True)
            tables["team_networks"] = net
            low = net.loc[net["low_coverage"], "team"].astype(str).unique()
            if len(low):
                notes.append(Note("note_low_coverage", count=len(low), threshold=min_coverage,
                                  teams=", ".join(low[:20]) + (" …" if len(low) > 20 else "")))
            ignored = int(net["ignored_self"].sum()), int(net["ignored_non_member"].sum())
            if any(ignored):
                notes.append(Note("note_nominations_ignored", own=ignored[0],
                                  outside=ignored[1]))
    tables = {name: _plain(table) for name, table in tables.items()}
    return Indicators(codebook, settings, tables, tuple(notes), scores)


GROUP_COLUMNS = ("audience", "site", "wave", "team")


def _categorised(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Grouping columns as sorted categoricals: groupby on them is much faster than on text."""
    frame = frame.copy(deep=False)  # copy-on-write: only the columns replaced below are new
    frame["audience"] = frame["audience"].fillna(codebook.audience)
    # Every table is grouped by wave: responses collected outside any wave (an export made
    # before campaigns, a CSV without waves) form one blank wave instead of vanishing.
    frame["wave"] = frame["wave"].fillna("")
    for column in [*GROUP_COLUMNS, *(i.code for i in codebook.equity_items)]:
        if column in frame:
            values = frame[column].astype(object).where(frame[column].notna(), None)
            categories = sorted({str(v) for v in values.dropna().unique()})
            frame[column] = pd.Categorical(values.map(str, na_action="ignore"),
                                           categories=categories)
    return frame


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns back to plain text, for output."""
    table = table.copy()
    for column in table.columns:
        if isinstance(table[column].dtype, pd.CategoricalDtype):
            table[column] = table[column].astype(object)
    return table


def _response_counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = frame.groupby(keys, dropna=False, observed=True).size().rename("n").reset_index()
    return counts


def _with_totals(compute, keys: list[str], by: str | None) -> pd.DataFrame:
    """The table per group of ``keys``; with a ``by`` column, also its total rows (by = ALL)."""
    table = compute(keys)
    if by is None:
        return table
    totals = compute([k for k in keys if k != by])
    totals.insert(keys.index(by), by, ALL)
    return pd.concat([table.astype({by: object}), totals], ignore_index=True)


def _reliability(
    frame: pd.DataFrame, codebook: Codebook, settings: Settings, notes: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Alpha, omega, omega hierarchical (with its Schmid-Leiman loadings) and item statistics
    per scale of two items or more; the notes say which
    items were left out (no answers, no variance) or look reverse-keyed, as psych warns."""
    rows, item_rows, loading_rows = [], [], []
    for scale in codebook.scales:
        if len(scale.items) < 2:
            continue  # a single score has no internal consistency
        items = keyed_items(frame, scale)
        screen = screen_items(items)
        if screen.empty:
            notes.append(Note("note_items_empty", scale=scale.code, items=", ".join(screen.empty)))
        if screen.constant:
            notes.append(Note("note_items_constant", scale=scale.code,
                              items=", ".join(screen.constant)))
        if screen.negative:
            notes.append(Note("note_items_negative", scale=scale.code,
                              items=", ".join(screen.negative)))
        alpha = cronbach_alpha(items, missing=settings.missing, screen=screen)
        omega = mcdonald_omega(items, method=settings.omega_method, missing=settings.missing,
                               n_boot=settings.omega_boot, screen=screen)
        hierarchical = omega_hierarchical(items, OMEGA_FACTORS, missing=settings.missing,
                                          screen=screen)
        if hierarchical.few_items and alpha.k > OMEGA_FACTORS:
            notes.append(Note("note_omega_few_items", scale=scale.code, k=alpha.k,
                              factors=OMEGA_FACTORS))
        omega_h_reason = _why_not(hierarchical.omega_h, alpha.n, alpha.k, OMEGA_FACTORS + 1)
        if hierarchical.few_items and alpha.k > OMEGA_FACTORS:
            omega_h_reason = "reason_few_for_factors"
        if hierarchical.heywood:
            notes.append(Note("note_omega_heywood", scale=scale.code))
        if not hierarchical.loadings.empty:
            loadings = hierarchical.loadings.copy()
            loadings.insert(0, "n", alpha.n)
            loadings.insert(0, "scale", scale.code)
            loading_rows.append(loadings)
        rows.append(
            {"scale": scale.code, "n": alpha.n, "k": alpha.k, "missing": alpha.missing,
             "alpha": alpha.value, "alpha_ci_low": alpha.ci_low, "alpha_ci_high": alpha.ci_high,
             "omega": omega.value, "omega_ci_low": omega.ci_low, "omega_ci_high": omega.ci_high,
             "omega_method": settings.omega_method, "alpha_std": alpha.std,
             "alpha_duhachek_low": alpha.duhachek_low,
             "alpha_duhachek_high": alpha.duhachek_high,
             "alpha_reason": _why_not(alpha.value, alpha.n, alpha.k, 2),
             "omega_reason": _why_not(omega.value, omega.n, omega.k, 3),
             "omega_h": hierarchical.omega_h, "omega_h_total": hierarchical.omega_total,
             "omega_h_reason": omega_h_reason,
             "dropped": " ".join(c for c in scale.items if c in screen.dropped),
             "reversed": " ".join(scale.reverse)}
        )
        stats = item_statistics(items, missing=settings.missing, screen=screen)
        stats.insert(0, "scale", scale.code)
        stats["reversed"] = stats["item"].isin(scale.reverse)
        item_rows.append(stats)
    item_table = pd.concat(item_rows, ignore_index=True) if item_rows else pd.DataFrame()
    loading_table = (pd.concat(loading_rows, ignore_index=True) if loading_rows
                     else pd.DataFrame())
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS), item_table, loading_table


def _why_not(value: float, n: int, k: int, least_items: int) -> str:
    """The key of the reason a coefficient could not be computed ("" when it was)."""
    if not pd.isna(value):
        return ""
    if k < least_items:
        return f"reason_items_{least_items}"
    if n < least_items:
        return "reason_respondents"
    return "reason_no_variance"


RELIABILITY_COLUMNS = ["scale", "n", "k", "missing", "alpha", "alpha_ci_low", "alpha_ci_high",
                       "omega", "omega_ci_low", "omega_ci_high", "omega_method", "alpha_std",
                       "alpha_duhachek_low", "alpha_duhachek_high", "alpha_reason",
                       "omega_reason", "omega_h", "omega_h_total", "omega_h_reason", "dropped",
                       "reversed"]
OMEGA_FACTORS = 3  # psych::omega()'s default number of group factors


SUPPRESSION_VALUES: dict[str, list[str]] = {
    "scale_summary": ["mean", "sd", "ci_low", "ci_high", "top_box_pct"],
    "item_distribution": ["count", "pct"],
    "score_distribution": ["p05", "q1", "median", "q3", "p95"],
    "reliability": ["alpha", "alpha_ci_low", "alpha_ci_high", "omega", "omega_ci_low",
                    "omega_ci_high", "alpha_std", "alpha_duhachek_low", "alpha_duhachek_high",
                    "omega_h", "omega_h_total"],
    "schmid_leiman": ["g", "F1*", "F2*", "F3*", "h2", "u2", "p2"],
    "item_statistics": ["mean", "sd", "item_total_r", "alpha_if_deleted"],
    "wave_changes": ["n_from", "n_to", "n_pairs", "mean_from", "mean_to", "difference", "ci_low",
                     "ci_high", "p_value", "rank_biserial", "hedges_g"],
    "difference_in_differences": ["n_site_from", "n_site_to", "n_comparison_from",
                                  "n_comparison_to", "change_site", "change_comparison", "did",
                                  "se", "ci_low", "ci_high", "p_value"],
    "equity_gaps": [],
    "equity_means": ["mean", "sd"],
    "team_scales": ["mean", "sd", "ci_low", "ci_high", "rwg_j", "n_rwg"],
    "team_aggregation": ["icc1", "icc2", "median_rwg_j"],
    "team_networks": ["n_members", "n_respondents", "coverage", "n_ties", "density",
                      "centralization", "gini", "valued_density", "valued_density_normalised",
                      "ignored_self", "ignored_non_member", "in_degree", "ties"],
    "responses": [],
}


def public_tables(indicators: Indicators) -> dict[str, pd.DataFrame]:
    """Every table with small groups suppressed (primary and complementary), for sharing."""
    settings, by = indicators.settings, indicators.settings.by
    keys = group_keys(settings)
    min_n = settings.min_group
    out = {}
    for name, table in indicators.tables.items():
        values = SUPPRESSION_VALUES.get(name, [])
        margins: list[list[str]] = []
        unit = None
        count = "n"
        if name in ("scale_summary", "score_distribution", "item_distribution", "responses") and by:
            rest = [k for k in keys if k != by]
            margins = [rest + (["scale"] if "scale" in table.columns else [])]
            if name == "item_distribution":
                margins = [[*rest, "item"]]
        if name == "item_distribution":
            unit = [*keys, "item"]
        elif name == "equity_means":
            margins = [["audience", "wave", "scale", "descriptor"]]
        elif name == "team_scales":
            margins = [["scale"]]
        elif name == "team_networks":
            count = "n_responses"
        out[name] = suppress(table, count=count, values=values, min_n=min_n, margins=margins,
                             unit=unit)
    return out
