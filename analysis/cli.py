"""Command line: ``python -m analysis EXPORT.csv --codebook CODEBOOK.json --out DIR``, and
``python -m analysis codebook DATA.csv --out draft.json`` to draft a codebook for outside data.

Exit codes: 0 done, 1 the analysis failed unexpectedly, 2 bad input (arguments, codebook, CSV).
Problems with the input are printed on stderr, one per line, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

from analysis.codebook import CodebookError, load_codebook
from analysis.draft import DraftError, write_draft
from analysis.i18n import LANGUAGES, label
from analysis.indicators import compute_indicators, public_tables
from analysis.loading import ExportError, read_export
from analysis.reliability import BOOTSTRAP_SAMPLES, MISSING_POLICIES, OMEGA_METHODS
from analysis.report import PLOTLYJS_CHOICES, write_outputs
from analysis.threads import one_blas_thread

__all__ = [
    "PROG",
    "build_parser",
    "progress",
    "draft_main",
    "summary_lines",
    "main",
]

PROG = "python -m analysis"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Compute the indicators of a Proximité export (or of any survey data with "
                    f"a codebook) and write a report. Draft a codebook with: {prog} codebook "
                    "DATA --out draft.json",
    )
    parser.add_argument("export", type=Path,
                        help="data, one row per response: CSV (comma or semicolon separated, "
                             "as French Excel and R's write.csv2 write), SPSS .sav, Stata .dta "
                             "or Excel .xlsx")
    parser.add_argument("--codebook", type=Path, required=True, help="codebook JSON of the export")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--by", default=None, help="group column for summaries, e.g. site")
    parser.add_argument("--min-group", type=int, default=5,
                        help="smallest group shown; smaller groups are suppressed (default 5)")
    parser.add_argument("--lang", choices=LANGUAGES, default="fr", help="report language")
    parser.add_argument("--comparison-sites", default="",
                        help="comma-separated comparison sites for difference-in-differences")
    parser.add_argument("--min-coverage", type=float, default=0.7,
                        help="team response coverage below which networks are flagged (0.7)")
    parser.add_argument("--missing", choices=MISSING_POLICIES, default="pairwise",
                        help="missing answers in alpha and omega: pairwise covariances, as R "
                             "psych does (default), or listwise (complete answers only)")
    parser.add_argument("--omega", choices=OMEGA_METHODS, default="minres",
                        help="factoring for omega: minres as psych::omega (default) or ml")
    parser.add_argument("--omega-boot", type=int, default=BOOTSTRAP_SAMPLES, metavar="N",
                        help="bootstrap resamples of omega's 95%% interval (default "
                             f"{BOOTSTRAP_SAMPLES}; 0: no interval)")
    parser.add_argument("--ignore-unknown", action="store_true",
                        help="leave out the CSV's columns that the codebook does not know "
                             "(named in a warning) instead of refusing the file")
    parser.add_argument("--plotlyjs", choices=PLOTLYJS_CHOICES, default="embed",
                        help="embed plotly.js in report.html (default, one file of about 5 MB) "
                             "or write it beside it as plotly.min.js (external)")
    parser.add_argument("--no-charts", action="store_true", help="skip the charts")
    return parser


def progress(message: str) -> None:
    """A progress line on stderr (the analysis of a large export takes a while)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def _fail(lines: list[str], code: int = 2) -> int:
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    return code


def draft_main(argv: list[str], prog: str = PROG) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{prog} codebook",
        description="Draft a codebook from the columns of a CSV exported by another tool; "
                    "check its types and list the scales before the analysis.")
    parser.add_argument("data", type=Path, help="CSV (comma or semicolon), .sav, .dta or .xlsx, "
                                                "one row per respondent")
    parser.add_argument("--out", type=Path, required=True, help="codebook JSON to write")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.data.is_file():
        return _fail([f"{args.data}: no such file"])
    try:
        notes = write_draft(args.data, args.out)
    except (DraftError, CodebookError) as exc:
        return _fail([str(exc)])
    except OSError as exc:
        return _fail([f"cannot write {args.out}: {exc}"])
    for note in notes:
        print(note)
    print(f"wrote {args.out}: check the item types, add labels and scales, then run "
          f"{prog} {args.data} --codebook {args.out} --out report/")
    return 0


def _coefficient(row, name: str, min_group: int) -> str:
    value = getattr(row, name)
    if bool(getattr(row, "suppressed", False)):
        return f"suppressed (n < {min_group})"
    if pd.isna(value):
        reason = getattr(row, f"{name}_reason", "") or "reason_no_variance"
        return label(str(reason), "en")
    return f"{value:.3f}"


def summary_lines(indicators) -> list[str]:
    """What the analysis found, in a few lines: n, scales with alpha, teams, waves, suppression.

    Printed from the public (suppressed) tables, as the report is: no group under
    ``--min-group`` appears.
    """
    public = public_tables(indicators)
    min_group = indicators.settings.min_group
    responses = indicators.tables.get("responses", pd.DataFrame())
    n = int(responses["n"].sum()) if not responses.empty else 0
    waves = sorted(responses["wave"].dropna().astype(str).unique()) if not responses.empty else []
    lines = [f"{n} responses, {len(waves)} wave(s): {', '.join(waves[:10])}"]
    reliability = public.get("reliability", pd.DataFrame())
    for row in reliability.itertuples(index=False):
        size = f"suppressed (n < {min_group})" if row.suppressed else f"{int(row.n)}"
        reversed_ = f", reversed: {row.reversed}" if row.reversed else ""
        lines.append(f"scale {row.scale}: {row.k} item{'s' if row.k != 1 else ''}, n = {size}, "
                     f"alpha = {_coefficient(row, 'alpha', min_group)}, "
                     f"omega = {_coefficient(row, 'omega', min_group)} ({row.missing}"
                     f"{reversed_})")
    for scale in indicators.codebook.scales:
        if len(scale.items) == 1:
            lines.append(f"scale {scale.code}: the score {scale.items[0]} (one item: no alpha "
                         "or omega)")
    if not indicators.codebook.scales:
        lines.append("no scales in the codebook: item answers only")
    teams = indicators.tables.get("team_aggregation", pd.DataFrame())
    if not teams.empty:
        lines.append(f"{int(teams['n_teams'].max())} teams (ICC(1), ICC(2) per scale; rwg(j) per "
                     "likert scale)")
    hidden = sum(int(t["suppressed"].sum()) for t in public.values() if "suppressed" in t)
    lines.append(f"{hidden} table rows suppressed (groups under {min_group})")
    return lines


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Run the command (``prog`` names it in the help and messages: ``survey analyze`` when the
    app's command calls it)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["codebook"]:
        return draft_main(argv[1:], prog)
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0)
    if args.min_group < 1:
        return _fail(["--min-group must be at least 1"])
    if args.omega_boot < 0:
        return _fail(["--omega-boot must be 0 (no interval) or a number of resamples"])
    if not args.export.is_file():
        return _fail([f"{args.export}: no such file"])
    if not args.codebook.is_file():
        return _fail([f"{args.codebook}: no such file"])
    try:
        codebook = load_codebook(args.codebook)
    except CodebookError as exc:
        return _fail([f"{args.codebook}: {p}" for p in exc.problems])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = read_export(args.export, codebook, ignore_unknown=args.ignore_unknown)
        for warning in caught:
            print(f"warning: {warning.message}", file=sys.stderr)
    except ExportError as exc:
        return _fail([f"{args.export}: {p}" for p in exc.problems])
    if args.by and args.by not in frame.columns:
        return _fail([f"--by {args.by}: no such column in {args.export}"])
    comparison = [s.strip() for s in args.comparison_sites.split(",") if s.strip()]
    progress(f"read {len(frame)} responses; computing the indicators...")
    try:
        with warnings.catch_warnings():
            # numpy's and pandas' own warnings are never printed: the library reports what
            # matters as notes (each computation also silences them where they arise).
            warnings.simplefilter("ignore", RuntimeWarning)
            with one_blas_thread():
                indicators = compute_indicators(frame, codebook, by=args.by,
                                                min_group=args.min_group,
                                                comparison_sites=comparison,
                                                min_coverage=args.min_coverage,
                                                missing=args.missing,
                                                omega_method=args.omega,
                                                omega_boot=args.omega_boot)
            progress("writing the tables and the report...")
            written = write_outputs(indicators, args.out, lang=args.lang,
                                    with_charts=not args.no_charts, plotlyjs=args.plotlyjs)
    except OSError as exc:
        return _fail([f"cannot write to {args.out}: {exc}"])
    except Exception as exc:  # noqa: BLE001 - a message, not a traceback, for evaluators
        return _fail([f"the analysis failed: {type(exc).__name__}: {exc}"], code=1)
    for note in indicators.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in summary_lines(indicators):
        print(line)
    print(f"wrote {len(written)} files to {args.out} (open {args.out / 'report.html'})")
    return 0
