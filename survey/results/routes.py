"""Results pages (desktop width) and downloads. Views are thin: numbers come from
:mod:`survey.results.services`, files from :mod:`survey.exports`. Every number shown is from the
suppressed tables; partners see only those, and no row-level download."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import plotly
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..audit import record
from ..auth.permissions import OPERATE, VIEW, may, member, reads_every_group
from ..exports import CsvOptions, Export, csv_long, csv_wide
from ..exports.codebooks import codebook_json
from ..exports.repeats import csv_repeats
from ..models import Evaluation
from ..questionnaire.special import PARTICIPANT_LABELS
from ..versions import newest_facts
from . import free_text, repeats, services

bp = Blueprint("results", __name__, url_prefix="/results", template_folder="templates")
E = "/e/<int:evaluation_id>"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DOWNLOADS = ("csv", "csv-fr", "long", "repeats", "xlsx", "sav", "codebook", "indicators",
             "report")


def _lang() -> str:
    return str(get_locale() or "fr")[:2]


def _questionnaire(evaluation: Evaluation) -> tuple[list[str], str | None]:
    codes = services.questionnaires(evaluation)
    wanted = request.args.get("q", "")
    return codes, (wanted if wanted in codes else (codes[0] if codes else None))


@bp.get(E)
@member(VIEW)
def evaluation(evaluation: Evaluation) -> str:
    codes, code = _questionnaire(evaluation)
    min_group = current_app.config["MIN_GROUP_SIZE"]
    full = reads_every_group()
    shown = _page(evaluation, code, full, min_group) if code is not None else None
    repeated = (repeats.summaries(shown.filters.selection(code, evaluation), _lang(), min_group,
                                  full, _special_words())
                if shown is not None and _repeated(code) else [])
    return render_template(
        "results/evaluation.html", evaluation=evaluation, codes=codes, code=code, page=shown,
        titles=services.questionnaire_titles(codes, _lang()),
        filters=shown.filters if shown else services.Filters(), full=full,
        counts=services.response_counts(evaluation), min_group=min_group,
        downloads=may(OPERATE), download_names=_download_names(),
        formats=[f for f in DOWNLOADS if f != "repeats" or _repeated(code)],
        section_names=_section_names(), free_text_shown=free_text.SHOWN, repeated=repeated,
        audiences=sorted({c.audience for c in evaluation.campaigns}))


def _page(evaluation: Evaluation, code: str, full: bool, min_group: int) -> services.Page:
    """The page's figures; a failure in computing them leaves the rest of the page (counts,
    filters, downloads) working, with a sentence saying the indicators could not be computed."""
    try:
        return services.page(evaluation, code, request.args, _lang(), full, min_group)
    except Exception:  # noqa: BLE001 - logged with its traceback; the reader gets a sentence
        current_app.logger.exception("results of questionnaire %s: indicators failed", code)
        filters = services.Filters.parse(evaluation, request.args)
        return services.Page(filters, [], 0, [], (gettext(
            "The indicators of this questionnaire could not be computed; the cause is in the "
            "server's log, for the administrator. The counts above and the downloads of "
            "responses still work."),))


def _repeated(code: str | None) -> bool:
    """Whether the questionnaire's newest version has a repeated page (its long table)."""
    facts = newest_facts(code) if code is not None else None
    return facts is not None and any(s.repeat is not None for s in facts.definition.sections)


def _special_words() -> dict[str, str]:
    """Words of the answers a repeated question's counts may hold beyond its choices."""
    return {"yes": gettext("Yes"), "no": gettext("No"),
            **{code: gettext(words) for code, words in PARTICIPANT_LABELS.items()}}


def _section_names() -> dict[str, str]:
    return {"scales": gettext("Scales"), "impact": gettext("Impact"),
            "leadership": gettext("Shared leadership")}


def _download_names() -> dict[str, str]:
    return {"csv": gettext("Responses, CSV"),
            "csv-fr": gettext("Responses, CSV for Excel in French (;)"),
            "long": gettext("Responses, long CSV (one row per answer)"),
            "repeats": gettext("Repeated pages, long CSV (one row per occurrence)"),
            "xlsx": gettext("Responses and codebook, Excel (XLSX)"),
            "sav": gettext("Responses, SPSS (.sav)"),
            "codebook": gettext("Codebook (JSON)"),
            "indicators": gettext("Indicators (JSON)"),
            "report": gettext("Report (HTML)")}


@bp.get(E + "/download/<fmt>")
@member(OPERATE)
def download(evaluation: Evaluation, fmt: str) -> HttpResponse:
    """Row-level and report downloads (never for partners), streamed, in the audit log."""
    codes, code = _questionnaire(evaluation)
    if fmt not in DOWNLOADS or code is None:
        abort(404)
    filters = services.Filters.parse(evaluation, request.args)
    # Row-level data: panel codes included (OPERATE only, never partners).
    export = Export.of(filters.selection(code, evaluation), panel_codes=True)
    record("export-downloaded", f"{code} {fmt}", actor=current_user,
           evaluation_id=evaluation.id, questionnaire=code, format=fmt,
           site=filters.site, wave=filters.wave, audience=filters.audience)
    name = f"{code}-{evaluation.id}"
    if fmt in ("csv", "csv-fr", "long", "repeats"):
        options = (CsvOptions(lang="fr", bom=True, separator=";") if fmt == "csv-fr"
                   else CsvOptions())
        writer = {"long": csv_long, "repeats": csv_repeats}.get(fmt, csv_wide)
        stream = writer(export, options)
        suffix = {"csv": "", "csv-fr": "-excel-fr", "long": "-long", "repeats": "-repeats"}[fmt]
        return _attachment(stream_with_context(stream), f"{name}{suffix}.csv",
                           "text/csv; charset=utf-8")
    if fmt == "codebook":
        return _attachment([codebook_json(export.schema).encode()], f"{name}.codebook.json",
                           "application/json")
    return _file(export, fmt, name)


def _file(export: Export, fmt: str, name: str) -> HttpResponse:
    """Formats written to a file first (XLSX, SPSS, report), sent, then deleted."""
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    lang = _lang()
    if fmt == "xlsx":
        from ..exports.workbook import write_xlsx

        path = folder / f"{name}.xlsx"
        write_xlsx(export, path)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "sav":
        from ..exports.spss import write_sav

        path = folder / f"{name}.sav"
        write_sav(export, path, lang=lang)
        mimetype = "application/x-spss-sav"
    else:
        from ..exports.indicators import write_analysis

        written = write_analysis(export, folder, lang=lang,
                                 min_group=current_app.config["MIN_GROUP_SIZE"])
        key = "indicators.json" if fmt == "indicators" else "report.html"
        path = written[key]
        mimetype = "application/json" if fmt == "indicators" else "text/html"
        name = f"{name}-{key}"
    return _attachment(_then_delete(path, folder), path.name if fmt in ("xlsx", "sav") else
                       name, mimetype)


def _then_delete(path: Path, folder: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as file:
            while chunk := file.read(65536):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _attachment(body, filename: str, mimetype: str) -> HttpResponse:  # noqa: ANN001
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/plotly.min.js")
def plotly_js() -> HttpResponse:
    """The plotly.js that the plotly package ships, served by the app (no external request),
    cached by browsers for a day."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86400)
