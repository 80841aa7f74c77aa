"""Impact indicators: change between waves, difference-in-differences, equity gaps.

Waves are ordered by name (``T0`` < ``T1`` < ``T2``); changes are computed between consecutive
waves. Every row carries its sample sizes so that small groups can be suppressed downstream.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.codebook import Codebook
from analysis.compare import kruskal_samples, paired, two_groups

__all__ = [
    "PAIRED",
    "INDEPENDENT",
    "wave_pairs",
    "wave_changes",
    "difference_in_differences",
    "equity_means",
    "equity_gaps",
]

PAIRED = "paired"
INDEPENDENT = "independent"


def wave_pairs(waves: Sequence, since_first: bool = False) -> list[tuple[str, str]]:
    """Consecutive pairs of the distinct waves, ordered by name; with ``since_first``, also
    the first wave (the baseline) with each later one that does not follow it (a follow-up
    series' baseline -> 6 months, beside baseline -> 3 months -> 6 months)."""
    ordered = sorted({str(w) for w in waves if pd.notna(w)})
    pairs = list(zip(ordered, ordered[1:], strict=False))
    if since_first:
        pairs += [(ordered[0], later) for later in ordered[2:]]
    return pairs


def _panel_pairs(
    frame: pd.DataFrame, scores: pd.DataFrame, wave_from: str, wave_to: str
) -> pd.DataFrame:
    """Respondents answering in both waves, matched on (site, audience, panel_code).

    A code found on several responses of one wave is left out of the pairing: with
    self-generated codes (a few answers hashed) that is more often two people than one person
    twice, and pairing either would mix two people's changes.
    """
    keys = ["site", "audience", "panel_code"]
    data = pd.concat([frame[[*keys, "wave"]], scores], axis=1)
    data = data[data["panel_code"].notna() & data["wave"].isin([wave_from, wave_to])]
    data = data[~data.duplicated(subset=[*keys, "wave"], keep=False)]
    before = data[data["wave"] == wave_from].drop(columns=["wave"])
    after = data[data["wave"] == wave_to].drop(columns=["wave"])
    return before.merge(after, on=keys, suffixes=("_from", "_to"))


def _paired_row(x: np.ndarray, y: np.ndarray) -> dict:
    keep = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[keep], y[keep]
    result = paired(x, y)
    diff = y - x
    low = high = math.nan
    if len(diff) >= 2 and diff.std() > 0:
        low, high = stats.ttest_1samp(diff, 0).confidence_interval()
    elif len(diff) >= 2:
        low = high = float(diff.mean())
    return {
        "n_from": len(x),
        "n_to": len(y),
        "n_pairs": len(x),
        "mean_from": float(x.mean()) if len(x) else math.nan,
        "mean_to": float(y.mean()) if len(y) else math.nan,
        "ci_low": float(low),
        "ci_high": float(high),
        "p_value": result.p_value,
        "rank_biserial": result.rank_biserial,
        "hedges_g": math.nan,
    }


def _independent_row(x: np.ndarray, y: np.ndarray) -> dict:
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    result = two_groups(y, x)
    low = high = math.nan
    if len(x) >= 2 and len(y) >= 2 and (x.std() > 0 or y.std() > 0):
        low, high = stats.ttest_ind(y, x, equal_var=False).confidence_interval()
    return {
        "n_from": len(x),
        "n_to": len(y),
        "mean_from": result.mean_b,
        "mean_to": result.mean_a,
        "ci_low": float(low),
        "ci_high": float(high),
        "p_value": result.p_value,
        "rank_biserial": result.rank_biserial,
        "hedges_g": result.hedges_g,
    }


def wave_changes(
    frame: pd.DataFrame, scores: pd.DataFrame, codebook: Codebook, min_pairs: int = 5
) -> pd.DataFrame:
    """Change of every scale score between consecutive waves, and since the first wave (the
    baseline) for each later wave, per site and audience.

    The design is ``paired`` (Wilcoxon signed-rank on panel members present in both waves, and a
    paired t interval of the mean change) when at least ``min_pairs`` panel codes match,
    ``independent`` otherwise (Mann-Whitney U on all responses of each wave, Welch interval).
    ``difference`` is the mean of the later wave minus the earlier; effects are positive when
    scores rise.
    """
    rows = []
    scale_codes = [s.code for s in codebook.scales]
    for wave_from, wave_to in wave_pairs(frame["wave"].dropna().unique(), since_first=True):
        pairs = _panel_pairs(frame, scores, wave_from, wave_to)
        pair_groups = dict(tuple(pairs.groupby(["site", "audience"], sort=False)))
        in_waves = frame["wave"].isin([wave_from, wave_to])
        data = pd.concat([frame.loc[in_waves, ["site", "audience", "wave"]], scores[in_waves]],
                         axis=1)
        for (site, audience), group in data.groupby(["site", "audience"], sort=True):
            matched = pair_groups.get((site, audience))
            before = group[group["wave"] == wave_from]
            after = group[group["wave"] == wave_to]
            for code in scale_codes:
                n_pairs = 0
                if matched is not None:
                    x = matched[f"{code}_from"].to_numpy(float)
                    y = matched[f"{code}_to"].to_numpy(float)
                    n_pairs = int((~np.isnan(x) & ~np.isnan(y)).sum())
                if n_pairs >= min_pairs:
                    row = {"design": PAIRED, **_paired_row(x, y)}
                else:
                    row = {
                        "design": INDEPENDENT,
                        **_independent_row(
                            before[code].to_numpy(float), after[code].to_numpy(float)
                        ),
                    }
                    row["n_pairs"] = n_pairs
                rows.append(
                    {"site": site, "audience": audience, "scale": code,
                     "wave_from": wave_from, "wave_to": wave_to, **row}
                )
    columns = ["site", "audience", "scale", "wave_from", "wave_to", "design", "n", "n_from",
               "n_to", "n_pairs", "mean_from", "mean_to", "difference", "ci_low", "ci_high",
               "p_value", "rank_biserial", "hedges_g"]
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["difference"] = out["mean_to"] - out["mean_from"]
    out["n"] = out[["n_from", "n_to"]].min(axis=1)
    return out[columns]


def difference_in_differences(
    frame: pd.DataFrame,
    scores: pd.DataFrame,
    codebook: Codebook,
    comparison_sites: Sequence[str],
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Difference-in-differences of every scale between consecutive waves.

    For each intervention site (and all intervention sites together, ``site = "(all)"``):
    (mean after - mean before at the site) - (same at the pooled comparison sites), from
    repeated cross-sections. The standard error is sqrt(sum of var/n over the four cells), which
    equals the HC2 robust standard error of the interaction in the saturated OLS model; the
    interval and p-value are normal-based.
    """
    comparison = {str(s) for s in comparison_sites}
    columns = ["site", "audience", "scale", "wave_from", "wave_to", "n", "n_site_from",
               "n_site_to", "n_comparison_from", "n_comparison_to", "change_site",
               "change_comparison", "did", "se", "ci_low", "ci_high", "p_value"]
    if not comparison:
        return pd.DataFrame(columns=columns)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    data = pd.concat([frame[["site", "audience", "wave"]], scores], axis=1)
    data = data[data["site"].notna()]
    data["arm"] = np.where(data["site"].isin(comparison), "comparison", "site")
    rows = []
    for wave_from, wave_to in wave_pairs(data["wave"].dropna().unique()):
        window = data[data["wave"].isin([wave_from, wave_to])]
        control = window[window["arm"] == "comparison"]
        treated = window[window["arm"] == "site"]
        targets = [("(all)", treated)] + list(treated.groupby("site", sort=True))
        for audience, control_aud in control.groupby("audience", sort=True):
            c_from = control_aud[control_aud["wave"] == wave_from]
            c_to = control_aud[control_aud["wave"] == wave_to]
            for site, site_rows in targets:
                site_rows = site_rows[site_rows["audience"] == audience]
                s_from = site_rows[site_rows["wave"] == wave_from]
                s_to = site_rows[site_rows["wave"] == wave_to]
                for scale in codebook.scales:
                    cells = [c[scale.code].dropna() for c in (s_from, s_to, c_from, c_to)]
                    ns = [len(c) for c in cells]
                    means = [c.mean() if len(c) else math.nan for c in cells]
                    var = [c.var(ddof=1) if len(c) > 1 else math.nan for c in cells]
                    se = math.sqrt(sum(v / n for v, n in zip(var, ns, strict=True))) if min(
                        ns) > 1 else math.nan
                    did = (means[1] - means[0]) - (means[3] - means[2])
                    p = 2 * stats.norm.sf(abs(did / se)) if se and not math.isnan(se) else math.nan
                    rows.append({
                        "site": site, "audience": audience, "scale": scale.code,
                        "wave_from": wave_from, "wave_to": wave_to, "n": min(ns),
                        "n_site_from": ns[0], "n_site_to": ns[1],
                        "n_comparison_from": ns[2], "n_comparison_to": ns[3],
                        "change_site": means[1] - means[0],
                        "change_comparison": means[3] - means[2],
                        "did": did, "se": se, "ci_low": did - z * se, "ci_high": did + z * se,
                        "p_value": p,
                    })
    return pd.DataFrame(rows, columns=columns)


def equity_means(
    frame: pd.DataFrame, scores: pd.DataFrame, codebook: Codebook, by: Sequence[str]
) -> pd.DataFrame:
    """Scale means for every category of every equity descriptor, per group of ``by``."""
    by = list(by)
    parts = []
    for item in codebook.equity_items:
        data = pd.concat([frame[[*by, item.code]], scores], axis=1).dropna(subset=[item.code])
        grouped = data.groupby([*by, item.code], observed=True, sort=True)[list(scores.columns)]
        wide = {"n": grouped.count(), "mean": grouped.mean(), "sd": grouped.std()}
        table = pd.concat(
            {name: values.stack(future_stack=True) for name, values in wide.items()}, axis=1
        )
        table.index = table.index.set_names([*by, "category", "scale"])
        table = table.reset_index()
        table = table[table["n"] > 0]
        table.insert(len(by) + 1, "descriptor", item.code)
        parts.append(table[[*by, "scale", "descriptor", "category", "n", "mean", "sd"]])
    if not parts:
        return pd.DataFrame(columns=[*by, "scale", "descriptor", "category", "n", "mean", "sd"])
    return pd.concat(parts, ignore_index=True)


def _largest_gap(
    values: np.ndarray,
    codes: np.ndarray,
    categories: np.ndarray,
    min_group: int,
    confidence: float,
) -> dict:
    """Highest minus lowest category mean among categories of at least ``min_group``."""
    keep = ~np.isnan(values)
    values, codes = values[keep], codes[keep]
    counts = np.bincount(codes, minlength=len(categories))
    sums = np.bincount(codes, weights=values, minlength=len(categories))
    kept = np.flatnonzero(counts >= min_group)
    row = {"n": len(values), "n_categories": len(kept),
           "n_excluded": int(counts[counts < min_group].sum())}
    if len(kept) < 2:
        return row
    means = sums[kept] / counts[kept]
    high, low = kept[np.argmax(means)], kept[np.argmin(means)]
    samples = [values[codes == c] for c in range(len(categories))]
    a, b = samples[high], samples[low]
    ci = (math.nan, math.nan)
    if a.std() > 0 or b.std() > 0:
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(confidence)
    test = kruskal_samples(samples)
    row.update(highest=categories[high], lowest=categories[low], n_highest=len(a),
               n_lowest=len(b), mean_highest=a.mean(), mean_lowest=b.mean(),
               gap=a.mean() - b.mean(), ci_low=float(ci[0]), ci_high=float(ci[1]),
               p_value=test.p_value, epsilon_squared=test.epsilon_squared)
    return row


def equity_gaps(
    frame: pd.DataFrame,
    scores: pd.DataFrame,
    codebook: Codebook,
    by: Sequence[str] = ("audience", "wave"),
    min_group: int = 5,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Largest gap between categories of each equity descriptor on each scale.

    Only categories with at least ``min_group`` scores compete for highest and lowest (smaller
    ones are counted in ``n_excluded``). The gap is highest minus lowest mean, with a Welch
    interval; ``p_value`` and ``epsilon_squared`` are from Kruskal-Wallis across all categories.
    """
    by = list(by)
    rows = []
    for item in codebook.equity_items:
        data = pd.concat([frame[[*by, item.code]], scores], axis=1).dropna(subset=[item.code])
        for keys, group in data.groupby(by, sort=True, observed=True):
            keys = keys if isinstance(keys, tuple) else (keys,)
            codes, categories = pd.factorize(group[item.code], sort=True)
            for scale in codebook.scales:
                row = dict(zip(by, keys, strict=True))
                row.update(_largest_gap(group[scale.code].to_numpy(float), codes,
                                        np.asarray(categories, dtype=object), min_group,
                                        confidence))
                row.update(scale=scale.code, descriptor=item.code)
                rows.append(row)
    columns = [*by, "scale", "descriptor", "n", "n_categories", "n_excluded", "highest", "lowest",
               "n_highest", "n_lowest", "mean_highest", "mean_lowest", "gap", "ci_low", "ci_high",
               "p_value", "epsilon_squared"]
    return pd.DataFrame(rows, columns=columns)
