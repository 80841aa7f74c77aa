"""``survey export ...``: responses (CSV wide or long, XLSX, SPSS), codebooks, indicators and the
report of a questionnaire's stored responses, across all its versions."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from analysis.codebook import CodebookError
from analysis.i18n import LANGUAGES
from analysis.loading import ExportError

from ..models.response import COMPLETED, STARTED
from .codebooks import codebook_csv, codebook_html, codebook_json
from .delimited import CsvOptions, csv_long, csv_wide
from .frames import Export
from .repeats import csv_repeats
from .source import Selection, UnknownQuestionnaire

FORMATS = ("csv", "long", "repeats", "xlsx", "sav")
SUFFIX = {"csv": ".csv", "long": ".csv", "repeats": ".csv", "xlsx": ".xlsx", "sav": ".sav"}


@click.group("export", cls=AppGroup)
def export_group() -> None:
    """Export a questionnaire's responses, codebook, indicators and report."""


EVALUATION = click.option("--evaluation", "evaluation_id", type=int, default=None,
                          help="Only the responses of this evaluation's campaigns (its id).")


def _export(questionnaire: str, everything: bool = False, evaluation_id: int | None = None
            ) -> Export:
    statuses = (COMPLETED, STARTED) if everything else (COMPLETED,)
    try:
        return Export.of(Selection(questionnaire, statuses, evaluation_id=evaluation_id),
                         panel_codes=True)
    except UnknownQuestionnaire:
        raise click.ClickException(f"no questionnaire '{questionnaire}' is stored") from None


@export_group.command("responses")
@click.argument("questionnaire")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv: one row per response; long: one row per answer; repeats: one row "
                   "per occurrence of a repeated page; xlsx; sav (SPSS).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (its codebook is written beside it as .codebook.json); "
                   "CSV goes to the standard output without it.")
@click.option("--labels", type=click.Choice(LANGUAGES),
              help="Choice labels in this language instead of codes (csv, long, xlsx).")
@click.option("--bom", is_flag=True, help="Start the CSV with a byte-order mark (Excel).")
@click.option("--semicolon", is_flag=True, help="Separate CSV cells with ';' (French Excel).")
@click.option("--all", "everything", is_flag=True,
              help="Include responses not completed yet (status 'started').")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True,
              help="Language of the SPSS variable and value labels.")
@EVALUATION
def responses_command(questionnaire: str, fmt: str, out: Path | None, labels: str | None,
                      bom: bool, semicolon: bool, everything: bool, lang: str,
                      evaluation_id: int | None) -> None:
    """Export every response of QUESTIONNAIRE, across all its versions."""
    export = _export(questionnaire, everything, evaluation_id)
    if out is None and fmt in ("xlsx", "sav"):
        raise click.UsageError(f"--format {fmt} needs --out FILE")
    options = CsvOptions(lang=labels, bom=bom, separator=";" if semicolon else ",")
    writer = {"long": csv_long, "repeats": csv_repeats}.get(fmt, csv_wide)
    if out is None:
        stream = sys.stdout.buffer
        for chunk in writer(export, options):
            stream.write(chunk)
        stream.flush()
        return
    if fmt in ("csv", "long", "repeats"):
        with out.open("wb") as file:
            for chunk in writer(export, options):
                file.write(chunk)
    elif fmt == "xlsx":
        from .workbook import write_xlsx

        write_xlsx(export, out, lang=labels)
    else:
        from .spss import write_sav

        write_sav(export, out, lang=lang)
    book = out.with_name(out.stem + ".codebook.json")
    book.write_text(codebook_json(export.schema), encoding="utf-8")
    click.echo(f"{questionnaire}: {fmt} written to {out}, codebook to {book}", err=True)


@export_group.command("codebook")
@click.argument("questionnaire")
@click.option("--format", "fmt", type=click.Choice(("json", "csv", "html")), default="json",
              show_default=True, help="json: the analysis library's schema; csv, html: to read.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
def codebook_command(questionnaire: str, fmt: str, lang: str, out: Path | None) -> None:
    """The codebook of QUESTIONNAIRE's exports: every column of every version."""
    schema = _export(questionnaire).schema
    if fmt == "csv":
        data = b"".join(codebook_csv(schema))
    else:
        text = codebook_json(schema) if fmt == "json" else codebook_html(schema, lang)
        data = text.encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(data)
        click.echo(f"{questionnaire}: codebook written to {out}", err=True)


@export_group.command("indicators")
@click.argument("questionnaire")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for indicators.json, one CSV per table and report.html.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True)
@click.option("--by", default=None, help="Group column for summaries, e.g. site.")
@click.option("--min-group", type=click.IntRange(min=1), default=None,
              help="Smallest group shown (default: the instance's MIN_GROUP_SIZE).")
@click.option("--comparison-sites", default="", help="Comma-separated comparison sites.")
@click.option("--no-charts", is_flag=True, help="Skip the charts in the report.")
@EVALUATION
def indicators_command(questionnaire: str, out: Path, lang: str, by: str | None,
                       min_group: int | None, comparison_sites: str, no_charts: bool,
                       evaluation_id: int | None) -> None:
    """Indicators (CSV and JSON) and the HTML report of QUESTIONNAIRE's completed responses."""
    from .indicators import write_analysis

    export = _export(questionnaire, evaluation_id=evaluation_id)
    if by is not None and by not in export.header:
        raise click.UsageError(f"--by {by}: no such column (try site, wave or audience)")
    sites = [s.strip() for s in comparison_sites.split(",") if s.strip()]
    try:
        written = write_analysis(
            export, out, lang=lang, by=by,
            min_group=min_group or current_app.config["MIN_GROUP_SIZE"],
            comparison_sites=sites, with_charts=not no_charts)
    except (CodebookError, ExportError) as error:
        raise click.ClickException("\n".join(error.problems)) from None
    click.echo(f"{questionnaire}: {len(written)} files written to {out}", err=True)
