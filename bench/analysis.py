"""Benchmark of the analysis library on a realistic synthetic export.

    python bench/analysis.py [--sizes 10000 100000]

For each size: 60 likert items in 12 scales, 7 equity descriptors, a self-nomination and a rated
leadership nomination, 30 sites (3 of them comparison sites), 2 waves, panel codes for half the
respondents, 200 teams. The export is written to a temporary CSV by this process; each
measurement then runs in a fresh subprocess so that its peak memory (max RSS, interpreter and
libraries included) is its own:

- "indicators": read and check the CSV, score, compute every indicator, suppress the tables;
- "with charts": the same, then build every chart and render the self-contained HTML report.

Wall seconds and CPU seconds (user + system, every thread) are printed: on a shared machine the
CPU time says more about the code than the wall time. Omega's interval uses its default 500
bootstrap resamples.

Then "statistics against R" (``--stats-n 100000``, 500 teams; ``--stats-n 0`` skips it): the
reliability and agreement statistics alone on 60 items in 12 scales with 5% missing answers,
timed here and, when ``Rscript`` is installed, in R on the same CSV: per scale
``psych::alpha(x)``, ``psych::omega(x, nfactors = 1)``, ``psych::omega(x)`` (three factors,
omega hierarchical), ``multilevel::rwg.j()`` over the teams, ``ICC1()`` and ``ICC2()`` of the
scale score; ours: ``cronbach_alpha`` (with std.alpha and Duhachek's interval),
``item_statistics``, ``mcdonald_omega(n_boot=0)``, ``omega_hierarchical``, ``rwg_j_by_group``,
``icc1`` and ``icc2``. Reading the CSV is timed apart on both sides.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the package it measures: make sure ``import analysis`` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.memory import peak_mb  # noqa: E402

N_SITES = 30
N_TEAMS = 200
COMPARISON = ("site_27", "site_28", "site_29")
EQUITY = {
    "age_band": ["a18_34", "a35_54", "a55_74", "a75_plus"],
    "gender": ["woman", "man", "nonbinary_other"],
    "language_home": ["french", "english", "other_lang"],
    "financial_strain": ["very_easy", "easy", "hard", "very_hard"],
    "family_doctor": None,
    "rurality": ["large_city", "small_town", "rural"],
    "immigration": ["born_here", "arrived_10plus", "arrived_lt10"],
}


def bench_codebook() -> dict:
    """A codebook shaped like the bundled ones, scaled to 12 scales of 5 items."""
    agree = [{"code": i, "label": {"fr": f"{i}", "en": f"{i}"}} for i in range(1, 6)]
    roster = [{"code": f"role_{i:02d}", "label": {"fr": f"Rôle {i}", "en": f"Role {i}"}}
              for i in range(12)]
    items: list[dict] = []
    scales = []
    for s in range(12):
        codes = [f"s{s:02d}_i{i}" + ("_r" if i == 4 else "") for i in range(5)]
        for code in codes:
            items.append({"code": code, "type": "likert", "section": f"sec{s}", "points": 5,
                          "text": {"fr": code, "en": code}, "choices": agree,
                          "matrix": f"m{s}"})
        scales.append({"code": f"scale_{s:02d}", "items": codes, "reverse": [codes[-1]],
                       "points": 5, "min_answered": 3,
                       "construct": {"fr": f"Échelle {s}", "en": f"Scale {s}"}})
    for code, choices in EQUITY.items():
        entry = {"code": code, "type": "yesno" if choices is None else "single",
                 "section": "about", "equity": True, "text": {"fr": code, "en": code}}
        if choices:
            entry["choices"] = [{"code": c, "label": {"fr": c, "en": c}} for c in choices]
        items.append(entry)
    items += [
        {"code": "me", "type": "nomination", "section": "team", "roster": roster, "self": True},
        {"code": "leaders", "type": "nomination", "section": "team", "roster": roster,
         "rated": True, "rating_max": 5},
        {"code": "comment", "type": "textarea", "section": "open"},
    ]
    return {
        "codebook_format": 1, "questionnaire": "bench", "version": "bench-1",
        "version_label": "bench", "audience": "professional", "languages": ["fr", "en"],
        "items": items, "scales": scales,
    }


def make_export(n: int, directory: Path) -> tuple[Path, Path]:
    from analysis.codebook import parse_codebook
    from analysis.synthetic import generate

    raw_codebook = bench_codebook()
    codebook = parse_codebook(raw_codebook)
    frame = generate(codebook, n, sites=[f"site_{i:02d}" for i in range(N_SITES)],
                     waves=["T0", "T1"], seed=n, panel_share=0.5,
                     teams=[f"team_{i:03d}" for i in range(N_TEAMS)],
                     comparison_sites=COMPARISON)
    csv_path = directory / f"export_{n}.csv"
    codebook_path = directory / "codebook.json"
    frame.to_csv(csv_path, index=False)
    codebook_path.write_text(json.dumps(raw_codebook), encoding="utf-8")
    return csv_path, codebook_path


def measure(csv_path: str, codebook_path: str, charts: bool) -> dict:
    """Run once in this process and return seconds and peak RSS (MB)."""
    from analysis.codebook import load_codebook
    from analysis.indicators import compute_indicators, public_tables
    from analysis.loading import read_export
    from analysis.report import build_charts, render_html

    start = time.perf_counter()
    codebook = load_codebook(codebook_path)
    frame = read_export(csv_path, codebook)
    loaded = time.perf_counter()
    indicators = compute_indicators(frame, codebook, by="site", comparison_sites=COMPARISON)
    public = public_tables(indicators)
    computed = time.perf_counter()
    html_size = 0
    if charts:
        html_size = len(render_html(indicators, public, build_charts(indicators, public, "fr"),
                                    "fr"))
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = peak_mb()
    # CPU seconds (all threads, imports included) vary less than wall time on a shared machine.
    return {"load": loaded - start, "indicators": computed - loaded, "charts": done - computed,
            "total": done - start, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak,
            "html_mb": html_size / 1e6}


def run_child(csv_path: Path, codebook_path: Path, charts: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(csv_path), str(codebook_path)]
    if charts:
        command.append("--charts")
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


STATS_SCALES, STATS_ITEMS, STATS_TEAMS = 12, 5, 500

STATS_R = """
suppressPackageStartupMessages({library(psych); library(multilevel)})
options(warn = -1)
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
t0 <- proc.time()
x <- read.csv("%(csv)s")
t1 <- proc.time()
for (s in 0:%(last)d) {
  items <- x[, sprintf("s%%02d_i%%d", s, 0:%(last_item)d)]
  a <- alpha(items)
  o1 <- omega(items, nfactors = 1, plot = FALSE)
  o3 <- suppressMessages(omega(items, plot = FALSE))
  r <- rwg.j(items, x$team, ranvar = 2)
  score <- rowMeans(items, na.rm = TRUE)
  m <- aov(score ~ as.factor(x$team))
  i1 <- ICC1(m); i2 <- ICC2(m)
}
t2 <- proc.time()
cat(t1[["elapsed"]] - t0[["elapsed"]], t2[["elapsed"]] - t1[["elapsed"]], cpu(t2) - cpu(t1),
    "\\n")
"""


def stats_data(n: int, directory: Path) -> Path:
    """60 five-point items in 12 scales of 5 (one factor each), 5% missing, 500 teams."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(n)
    team = rng.integers(0, STATS_TEAMS, n)
    team_effect = rng.normal(0, 0.4, STATS_TEAMS)[team]
    columns = {"team": [f"t{t:03d}" for t in team]}
    for s in range(STATS_SCALES):
        trait = rng.normal(size=n) + team_effect
        for i in range(STATS_ITEMS):
            answers = np.clip(np.rint(3 + 0.8 * trait + rng.normal(0, 0.9, n)), 1, 5)
            answers[rng.random(n) < 0.05] = np.nan
            columns[f"s{s:02d}_i{i}"] = answers
    path = directory / f"stats_{n}.csv"
    pd.DataFrame(columns).to_csv(path, index=False, na_rep="NA")
    return path


def measure_stats(csv_path: str) -> dict:
    """Seconds to read the CSV and to compute the statistics of every scale (see the docstring)."""
    import pandas as pd

    from analysis.agreement import icc1, icc2, rwg_j_by_group
    from analysis.factors import omega_hierarchical
    from analysis.reliability import (
        BOOTSTRAP_SAMPLES,
        cronbach_alpha,
        item_statistics,
        mcdonald_omega,
        screen_items,
    )

    start = time.perf_counter()
    frame = pd.read_csv(csv_path)
    frame["team"] = frame["team"].astype("category")  # as analysis.indicators groups teams
    loaded = time.perf_counter()
    out = {"read": loaded - start}
    for label, n_boot in (("", 0), ("boot_", BOOTSTRAP_SAMPLES)):
        started, cpu_start = time.perf_counter(), time.process_time()
        for s in range(STATS_SCALES):
            codes = [f"s{s:02d}_i{i}" for i in range(STATS_ITEMS)]
            items = frame[codes]
            screen = screen_items(items)
            cronbach_alpha(items, screen=screen)
            item_statistics(items, screen=screen)
            mcdonald_omega(items, n_boot=n_boot, screen=screen)
            omega_hierarchical(items, screen=screen)
            rwg_j_by_group(frame, codes, "team", 5)
            score = items.mean(axis=1)
            icc1(score, frame["team"])
            icc2(score, frame["team"])
        out[f"{label}compute"] = time.perf_counter() - started
        out[f"{label}cpu"] = time.process_time() - cpu_start
    out["boot_samples"] = BOOTSTRAP_SAMPLES
    return out


def r_stats(csv_path: Path) -> tuple[float, float, float] | None:
    """(read, compute, compute CPU) seconds of the same statistics in R, or None without
    Rscript."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    script = csv_path.with_suffix(".R")
    script.write_text(STATS_R % {"csv": csv_path, "last": STATS_SCALES - 1,
                                 "last_item": STATS_ITEMS - 1}, encoding="utf-8")
    result = subprocess.run([rscript, "--vanilla", str(script)], capture_output=True, text=True,
                            check=True)
    read, compute, cpu = (float(v) for v in result.stdout.split()[-3:])
    return read, compute, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--stats-n", type=int, default=100_000,
                        help="respondents of the statistics-against-R bench (0: skip it)")
    parser.add_argument("--no-r", action="store_true", help="do not time R")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--stats-child", help=argparse.SUPPRESS)
    parser.add_argument("--charts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child[0], args.child[1], args.charts)))
        return 0
    if args.stats_child:
        print(json.dumps(measure_stats(args.stats_child)))
        return 0
    if args.stats_n:
        bench_stats(args.stats_n, with_r=not args.no_r)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            csv_path, codebook_path = make_export(n, Path(tmp))
            plain = run_child(csv_path, codebook_path, charts=False)
            full = run_child(csv_path, codebook_path, charts=True)
            rows.append((n, plain, full))
            csv_path.unlink()
    print(f"{'responses':>10} | {'load s':>7} {'indic. s':>8} {'total s':>8} {'cpu s':>6} "
          f"{'peak MB':>8} | {'+charts s':>9} {'total s':>8} {'cpu s':>6} {'peak MB':>8} "
          f"{'html MB':>8}")
    print("-" * 108)
    for n, plain, full in rows:
        print(f"{n:>10} | {plain['load']:>7.2f} {plain['indicators']:>8.2f} "
              f"{plain['total']:>8.2f} {plain['cpu']:>6.1f} {plain['peak_mb']:>8.0f} | "
              f"{full['charts']:>9.2f} {full['total']:>8.2f} {full['cpu']:>6.1f} "
              f"{full['peak_mb']:>8.0f} {full['html_mb']:>8.1f}")
    if len(rows) >= 2:
        (n0, a, _), (n1, b, _) = rows[0], rows[-1]
        print(f"\nindicator time ratio {n1 // n0}x responses: "
              f"{b['total'] / a['total']:.1f}x (load + indicators)")
    return 0


def bench_stats(n: int, with_r: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = stats_data(n, Path(tmp))
        result = subprocess.run([sys.executable, __file__, "--stats-child", str(csv_path)],
                                capture_output=True, text=True, check=True)
        ours = json.loads(result.stdout.strip().splitlines()[-1])
        r = r_stats(csv_path) if with_r else None
    print(f"statistics of {n:,} respondents x {STATS_SCALES * STATS_ITEMS} items "
          f"({STATS_SCALES} scales), {STATS_TEAMS} teams: alpha, item statistics, omega "
          "(no bootstrap), omega hierarchical, rwg(j), ICC(1), ICC(2)")
    print(f"  ours: {ours['compute']:.2f} s wall, {ours['cpu']:.2f} s CPU "
          f"(reading the CSV: {ours['read']:.2f} s)")
    print(f"  ours with omega's default {ours['boot_samples']}-resample bootstrap interval: "
          f"{ours['boot_compute']:.2f} s wall, {ours['boot_cpu']:.2f} s CPU (goal <= 3 s)")
    if r is None:
        print("  R:    not timed (" + ("--no-r" if not with_r else "Rscript not found") + ")")
    else:
        print(f"  R:    {r[1]:.2f} s wall, {r[2]:.2f} s CPU (reading the CSV: {r[0]:.2f} s); "
              f"R / ours: {r[1] / max(ours['compute'], 1e-9):.0f}x wall, "
              f"{r[2] / max(ours['cpu'], 1e-9):.0f}x CPU")
    print()


if __name__ == "__main__":
    sys.exit(main())
