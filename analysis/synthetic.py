"""Realistic synthetic exports from a codebook, for tests, demos and the benchmark.

Each respondent has a latent trait per scale (a general factor plus scale-specific noise, site and
team effects, an equity-descriptor effect and a rise between waves at intervention sites); likert
answers are thresholded from the trait. Some answers are empty or ``dont_know``. Half the
respondents (``panel_share``) belong to a panel answering every wave with the same panel code.
The result has the export's raw cell encodings (strings), ready for ``loading.prepare`` or CSV.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, Item

__all__ = ["TEXT_SAMPLES", "generate"]

TEXT_SAMPLES = (
    "Très bon accueil",
    "Plus d'heures le soir, s'il vous plaît",
    "=HYPERLINK(\"http://example.com\")",
    "<script>alert('x')</script>",
    "Merci à l'équipe",
    "Waiting times are long",
)


def generate(
    codebook: Codebook,
    n: int,
    sites: Sequence[str] = ("site_a", "site_b", "site_c", "site_d"),
    waves: Sequence[str] = ("T0", "T1"),
    seed: int = 0,
    panel_share: float = 0.5,
    teams: int | Sequence[str] | None = None,
    comparison_sites: Sequence[str] = (),
    change: float = 0.35,
    missing_rate: float = 0.04,
    dont_know_rate: float = 0.03,
) -> pd.DataFrame:
    """A raw export frame with ``n`` responses (string cells, as in the CSV export)."""
    rng = np.random.default_rng(seed)
    sites, waves = list(sites), sorted(waves)
    person, wave_index, panel = _panel_design(n, len(waves), panel_share, rng)
    n_people = int(person.max()) + 1 if n else 0
    site_weights = rng.dirichlet(np.full(len(sites), 4.0))
    person_site = rng.choice(len(sites), size=n_people, p=site_weights)
    site_idx = person_site[person]
    if teams is None:
        teams = 0 if codebook.audience != "professional" else max(1, n_people // 12)
    team_names = [f"team_{i:03d}" for i in range(teams)] if isinstance(teams, int) else list(teams)
    person_team = rng.integers(0, len(team_names), size=n_people) if team_names else None
    # Rank of each person within their team: who they are on the roster.
    team_rank = (
        pd.Series(np.arange(n_people)).groupby(person_team).cumcount().to_numpy()
        if person_team is not None
        else np.arange(n_people)
    )

    out: dict[str, np.ndarray] = {
        "response_id": np.char.add("r", np.arange(1, n + 1).astype(str)),
        "questionnaire": np.full(n, codebook.questionnaire, dtype=object),
        "version": np.full(n, codebook.version, dtype=object),
        "audience": np.full(n, codebook.audience, dtype=object),
        "site": np.asarray(sites, dtype=object)[site_idx],
        "wave": np.asarray(waves, dtype=object)[wave_index],
        "panel_code": np.where(panel, np.char.add("p", person.astype(str)), ""),
        "team": (
            np.asarray(team_names, dtype=object)[person_team[person]]
            if person_team is not None
            else np.full(n, "", dtype=object)
        ),
        "submitted_at": _timestamps(wave_index, rng),
    }

    # Equity descriptors first: their categories shift the latent traits.
    equity_shift = np.zeros(n)
    for item in codebook.equity_items:
        codes = [str(c) for c in item.choice_codes]
        person_choice = rng.integers(0, len(codes), size=n_people)
        effects = rng.normal(0, 0.25, size=len(codes))
        choice = person_choice[person]
        equity_shift += effects[choice]
        out[item.code] = _with_missing(np.asarray(codes, dtype=object)[choice], rng, 0.06, 0.0,
                                       "prefer_not")

    general = rng.normal(size=n_people)[person] * 0.8 + rng.normal(size=n) * 0.45
    site_effect = rng.normal(0, 0.3, size=len(sites))[site_idx]
    team_effect = (
        rng.normal(0, 0.45, size=len(team_names))[person_team[person]]
        if person_team is not None
        else 0.0
    )
    treated = ~np.isin(np.asarray(sites)[site_idx], list(comparison_sites))
    growth = change * wave_index * np.where(treated, 1.0, 0.2)
    base = general + site_effect + team_effect + equity_shift + growth

    scale_of: dict[str, tuple[int, bool]] = {}
    for index, scale in enumerate(codebook.scales):
        for code in scale.items:
            scale_of[code] = (index, code in scale.reverse)
    traits = base[:, None] + rng.normal(0, 0.6, size=(n, max(1, len(codebook.scales))))

    for item in codebook.items:
        if item.code in out:
            continue
        if item.type == "likert":
            out[item.code] = _likert(item, scale_of.get(item.code), traits, rng, missing_rate,
                                     dont_know_rate)
        elif item.type == "nomination":
            out[item.code] = _nomination(item, person_team, team_rank, person, rng, n)
        else:
            out[item.code] = _other(item, rng, n, missing_rate)
    return pd.DataFrame(out)


def _panel_design(
    n: int, n_waves: int, panel_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Person index, wave index and panel flag of every response."""
    n_panel_people = int(n * panel_share) // n_waves
    n_panel = n_panel_people * n_waves
    panel_person = np.repeat(np.arange(n_panel_people), n_waves)
    panel_wave = np.tile(np.arange(n_waves), n_panel_people)
    n_cross = n - n_panel
    cross_person = n_panel_people + np.arange(n_cross)
    cross_wave = rng.integers(0, n_waves, size=n_cross)
    person = np.concatenate([panel_person, cross_person])
    wave = np.concatenate([panel_wave, cross_wave])
    is_panel = np.concatenate([np.ones(n_panel, bool), np.zeros(n_cross, bool)])
    order = rng.permutation(n)
    return person[order], wave[order], is_panel[order]


def _timestamps(wave_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    start = np.datetime64("2026-01-05T08:00:00") + (wave_index * 182).astype("timedelta64[D]")
    offsets = rng.integers(0, 60 * 24 * 3600, size=len(wave_index)).astype("timedelta64[s]")
    return np.datetime_as_string(start + offsets, unit="s").astype(object)


def _with_missing(
    values: np.ndarray, rng: np.random.Generator, empty: float, special: float, code: str
) -> np.ndarray:
    values = values.astype(object)
    draw = rng.random(len(values))
    values[draw < empty] = ""
    values[(draw >= empty) & (draw < empty + special)] = code
    return values


def _likert(
    item: Item,
    scale: tuple[int, bool] | None,
    traits: np.ndarray,
    rng: np.random.Generator,
    missing_rate: float,
    dont_know_rate: float,
) -> np.ndarray:
    points = item.points or 5
    n = traits.shape[0]
    if scale is None:
        latent, reverse = rng.normal(size=n), False
    else:
        latent, reverse = traits[:, scale[0]], scale[1]
    signal = 0.85 * latent + rng.normal(0, 0.7, size=n)
    if reverse:
        signal = -signal
    centre = (points + 1) / 2 + (-0.4 if reverse else 0.4)
    answers = np.clip(np.rint(centre + signal * points / 4.5), 1, points).astype(int)
    answers += item.first - 1  # codes first..first + points - 1 (0..4 for some scales)
    return _with_missing(answers.astype(str), rng, missing_rate, dont_know_rate, "dont_know")


def _nomination(
    item: Item,
    person_team: np.ndarray | None,
    team_rank: np.ndarray,
    person: np.ndarray,
    rng: np.random.Generator,
    n: int,
) -> np.ndarray:
    codes = np.asarray(item.roster_codes, dtype=object)
    if len(codes) == 0:
        return np.full(n, "", dtype=object)
    if item.self_report:
        # The k-th person of a team holds the k-th roster role (roles repeat in large teams).
        own = codes[team_rank[person] % len(codes)]
        return _with_missing(own, rng, 0.05, 0.0, "prefer_not")
    # A few popular leaders per team (Zipf-like), 1 to 3 nominations each.
    team = person_team[person] if person_team is not None else np.zeros(n, int)
    popularity = 1 / np.arange(1, len(codes) + 1) ** 1.2
    popularity /= popularity.sum()
    shift = (team * 3) % len(codes)
    count = rng.integers(1, 4, size=n)
    cells = np.full(n, "", dtype=object)
    picks = rng.choice(len(codes), size=(n, 3), p=popularity)
    ratings = rng.integers(max(1, (item.rating_max or 5) - 3), (item.rating_max or 5) + 1,
                           size=(n, 3)).astype(str)
    for slot in range(3):
        chosen = codes[(picks[:, slot] + shift) % len(codes)]
        token = np.char.add(np.char.add(chosen.astype(str), ":"), ratings[:, slot]) if (
            item.rated) else chosen.astype(str)
        use = slot < count
        joiner = np.where((cells != "") & use, " ", "")
        cells = np.where(use, cells + joiner + token.astype(object), cells)
    return _with_missing(cells, rng, 0.08, 0.0, "")


def _other(item: Item, rng: np.random.Generator, n: int, missing_rate: float) -> np.ndarray:
    if item.type in ("single", "yesno"):
        codes = np.asarray([str(c) for c in item.choice_codes], dtype=object)
        values = codes[rng.integers(0, len(codes), size=n)]
    elif item.type == "multiple":
        codes = np.asarray([str(c) for c in item.choice_codes], dtype=object)
        first = codes[rng.integers(0, len(codes), size=n)]
        second = codes[rng.integers(0, len(codes), size=n)]
        both = rng.random(n) < 0.4
        values = np.where(both & (first != second), first + " " + second, first)
    elif item.type == "integer":
        values = rng.poisson(3, size=n).astype(str).astype(object)
    elif item.type == "decimal":
        values = np.round(rng.gamma(2.0, 12.5, size=n), 2).astype(str).astype(object)
    elif item.type == "date":
        days = rng.integers(0, 1500, size=n).astype("timedelta64[D]")
        values = np.datetime_as_string(np.datetime64("2021-01-01") + days, unit="D").astype(object)
    elif item.type == "time":
        minutes = rng.integers(6 * 60, 22 * 60, size=n)
        values = np.asarray([f"{m // 60:02d}:{m % 60:02d}" for m in minutes], dtype=object)
    else:
        values = np.asarray(TEXT_SAMPLES, dtype=object)[rng.integers(0, len(TEXT_SAMPLES), n)]
        return _with_missing(values, rng, 0.6, 0.0, "")
    return _with_missing(values, rng, missing_rate, 0.0, "")
