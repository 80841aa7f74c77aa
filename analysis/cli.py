"""Command line: ``python -m analysis EXPORT.csv --codebook CODEBOOK.json --out DIR``.

Exit codes: 0 done, 1 the analysis failed unexpectedly, 2 bad input (arguments, codebook, CSV).
Problems with the input are printed on stderr, one per line, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis.codebook import CodebookError, load_codebook
from analysis.i18n import LANGUAGES
from analysis.indicators import compute_indicators
from analysis.loading import ExportError, read_export
from analysis.reliability import MISSING_POLICIES, OMEGA_METHODS
from analysis.report import write_outputs


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Compute the indicators of a Proximité export and write a report.",
    )
    parser.add_argument("export", type=Path, help="exported CSV (one row per response)")
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
    parser.add_argument("--no-charts", action="store_true", help="skip the charts")
    return parser


def _fail(lines: list[str], code: int = 2) -> int:
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0)
    if args.min_group < 1:
        return _fail(["--min-group must be at least 1"])
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
            frame = read_export(args.export, codebook)
        for warning in caught:
            print(f"warning: {warning.message}", file=sys.stderr)
    except ExportError as exc:
        return _fail([f"{args.export}: {p}" for p in exc.problems])
    if args.by and args.by not in frame.columns:
        return _fail([f"--by {args.by}: no such column in {args.export}"])
    comparison = [s.strip() for s in args.comparison_sites.split(",") if s.strip()]
    try:
        indicators = compute_indicators(frame, codebook, by=args.by, min_group=args.min_group,
                                        comparison_sites=comparison,
                                        min_coverage=args.min_coverage,
                                        missing=args.missing, omega_method=args.omega)
        written = write_outputs(indicators, args.out, lang=args.lang,
                                with_charts=not args.no_charts)
    except OSError as exc:
        return _fail([f"cannot write to {args.out}: {exc}"])
    except Exception as exc:  # noqa: BLE001 - a message, not a traceback, for evaluators
        return _fail([f"the analysis failed: {type(exc).__name__}: {exc}"], code=1)
    for note in indicators.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(written)} files to {args.out}")
    return 0
