"""Results pages (desktop width) and downloads. Views are thin: numbers come from
:mod:`survey.results.services`, files from :mod:`survey.exports`. Every number shown is from the
suppressed tables; partners see only those, and no row-level download."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import plotly
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as HttpResponse

from ..assess import services as assessed  # sites a partner is limited to
from ..audit import record
from ..auth.permissions import OPERATE, VIEW, may, member, reads_every_group
from ..exports import Export, files
from ..exports.codebooks import codebook_json
from ..exports.source import stored_versions
from ..extensions import db
from ..jobs.kinds import NEW_ANSWERS, RESULTS, start_export
from ..models import Evaluation, Job
from ..models.job import FAILED
from ..versions import newest_facts
from . import free_text, questions, services
from .snapshots import Spec

bp = Blueprint("results", __name__, url_prefix="/results", template_folder="templates")
E = "/e/<int:evaluation_id>"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DOWNLOADS = files.FORMATS


def _lang() -> str:
    return str(get_locale() or "fr")[:2]


FILTERS = ("q", "site", "wave", "audience", "equity", "hidden", "mode")  # a results page's query


def _query() -> dict[str, str]:
    """The page's filters as given (the retry form's address, and back to the page)."""
    return {name: request.args[name] for name in FILTERS if name in request.args}


def _questionnaire(evaluation: Evaluation) -> tuple[list[str], str | None]:
    codes = services.questionnaires(evaluation)
    wanted = request.args.get("q", "")
    return codes, (wanted if wanted in codes else (codes[0] if codes else None))


@bp.get(E)
@member(VIEW)
def evaluation(evaluation: Evaluation) -> HttpResponse | str:
    limits = assessed.site_limits(current_user, evaluation.id)
    if limits is not None:  # a partner limited to sites: one of them, always
        wanted = request.args.get("site", "")
        if not wanted:
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id,
                                    **{**_query(), "site": min(limits)}))
        if not wanted.isdigit() or int(wanted) not in limits:
            abort(403)
    codes, code = _questionnaire(evaluation)
    min_group = current_app.config["MIN_GROUP_SIZE"]
    full = reads_every_group()
    shown = _page(evaluation, code, full, min_group) if code is not None else None
    summaries = shown.questions if shown is not None else []
    if summaries is None:  # a snapshot of an older version of the app: computed once here
        summaries = questions.cached_summaries(
            shown.filters.selection(code, evaluation), _lang(), min_group, full,
            questions.special_words(), shown.filters.equity)
    return render_template(
        "results/evaluation.html", evaluation=evaluation, codes=codes, code=code, page=shown,
        titles=services.questionnaire_titles(codes, _lang()),
        filters=shown.filters if shown else services.Filters(), full=full,
        counts=assessed.limited_counts(services.response_counts(evaluation), evaluation, limits),
        sites=[s for s in evaluation.sites if limits is None or s.id in limits],
        min_group=min_group,
        downloads=may(OPERATE), download_names=_download_names(),
        formats=[f for f in DOWNLOADS if f != "repeats" or _repeated(code)],
        section_names=_section_names(), free_text_shown=free_text.SHOWN,
        questions=[q for q in summaries if q.page is None],
        repeated=[q for q in summaries if q.page is not None], other=questions.OTHER,
        decimal_mark="," if _lang() == "fr" else ".",
        audiences=sorted({c.audience for c in evaluation.campaigns}), query=_query(),
        retry_minutes=round(float(current_app.config["RESULTS_RETRY_MINUTES"])))


def _page(evaluation: Evaluation, code: str, full: bool, min_group: int) -> services.Page:
    """The page's figures; a failure in computing them leaves the rest of the page (counts,
    filters, downloads) working, with a sentence saying the indicators could not be computed.
    A filter that cannot be (``hidden``) is a 400 page saying why."""
    try:
        return services.page(evaluation, code, request.args, _lang(), full, min_group)
    except services.BadFilter as bad:
        _bad_filter(bad)
    except Exception:  # noqa: BLE001 - logged with its traceback; the reader gets a sentence
        current_app.logger.exception("results of questionnaire %s: indicators failed", code)
        try:
            filters = _filters(evaluation, code)
        except Exception:  # noqa: BLE001 - the questionnaire itself cannot be read: no filter
            filters = services.Filters()
        return services.Page(filters, [], 0, [], (gettext(
            "The indicators of this questionnaire could not be computed; the cause is in the "
            "server's log, for the administrator. The counts above and the downloads of "
            "responses still work."),))


def _bad_filter(bad: services.BadFilter) -> NoReturn:
    """A 400 page whose sentence says what is wrong with the query's hidden filter."""
    if bad.reason == "item":
        message = gettext("This questionnaire has no hidden value named “%(item)s”: choose a "
                          "hidden value in the filters of the results page.", item=bad.item)
    elif bad.reason == "value":
        message = gettext("The value asked for “%(item)s” is empty, longer than %(n)s "
                          "characters or holds control characters.", item=bad.item,
                          n=services.MAX_HIDDEN_VALUE)
    else:
        message = gettext("The hidden value filter is written item:value, such as "
                          "hidden=source:clinic.")
    raise BadFilterRequest(message)


class BadFilterRequest(BadRequest):
    """A 400 whose page (errors/results/400.html) shows ``filter_message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.filter_message = message


def _filters(evaluation: Evaluation, code: str) -> services.Filters:
    """The query's filters, the hidden one checked against the questionnaire's hidden items
    (a 400 page when it cannot be)."""
    try:
        return services.Filters.parse(evaluation, request.args, hidden=services.hidden_items(
            stored_versions(code)))
    except services.BadFilter as bad:
        _bad_filter(bad)


@bp.post(E + "/retry")
@member(VIEW)
def retry(evaluation: Evaluation) -> HttpResponse:
    """Compute again the indicators whose job failed (the failure's button; CSRF-checked like
    every form), then back to the page, which follows the new job."""
    codes, code = _questionnaire(evaluation)
    if code is None:
        abort(404)
    try:
        spec, _filters, _descriptors, _items = services.spec_of(
            evaluation, code, request.args, _lang(), current_app.config["MIN_GROUP_SIZE"])
    except services.BadFilter as bad:
        _bad_filter(bad)
    if not assessed.sees_sites(assessed.site_limits(current_user, evaluation.id),
                               spec.selection.site_ids):
        abort(403)
    services.retry(spec)
    return redirect(url_for(".evaluation", evaluation_id=evaluation.id, **_query()), 303)


@bp.get(E + "/computing/<int:job_id>")
@member(VIEW)
def computing(evaluation: Evaluation, job_id: int) -> HttpResponse:
    """Where the computation of a results page's indicators is (read by static/jobs.js, which
    reloads the page when the first ones are ready): no figures, only the job's progress, so
    partners ask it too; a partner limited to sites only of a job whose selection is within
    them (the job refreshing new answers of the whole questionnaire, which their own page
    follows, tells no site's figures)."""
    job = db.session.get(Job, job_id)
    if job is None or job.evaluation_id != evaluation.id or job.kind not in (RESULTS,
                                                                              NEW_ANSWERS):
        abort(404)
    if job.kind == RESULTS and not assessed.sees_sites(  # a partner's other sites: refused
            assessed.site_limits(current_user, evaluation.id),
            Spec.from_json(job.params).selection.site_ids):
        abort(403)
    if job.state == FAILED:
        message = gettext("The indicators could not be computed; the cause is in the "
                          "server's log, for the administrator.")
    elif job.active:
        message = gettext("The indicators are being computed (%(percent)s %%)…",
                          percent=job.percent)
    else:
        message = gettext("The indicators are ready.")
    response = jsonify({"finished": not job.active, "failed": job.state == FAILED,
                        "percent": job.percent, "message": message})
    response.headers["Cache-Control"] = "no-store"
    return response


def _repeated(code: str | None) -> bool:
    """Whether the questionnaire's newest version has a repeated page (its long table)."""
    facts = newest_facts(code) if code is not None else None
    return facts is not None and any(s.repeat is not None for s in facts.definition.sections)


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
    """Row-level and report downloads (never for partners), in the audit log: streamed, or,
    beyond ``EXPORT_JOB_CELLS`` (weighed by the format's cost), prepared by a background job
    whose page shows the progress and then the file."""
    codes, code = _questionnaire(evaluation)
    if fmt not in DOWNLOADS or code is None:
        abort(404)
    filters = _filters(evaluation, code)
    # Row-level data: panel codes included (OPERATE only, never partners).
    export = Export.of(filters.selection(code, evaluation), panel_codes=True)
    name = f"{code}-{evaluation.id}"
    filename = name + files.FORMAT[fmt].suffix
    details = {"evaluation_id": evaluation.id, "questionnaire": code, "format": fmt,
               "site": filters.site, "wave": filters.wave, "audience": filters.audience,
               "hidden": filters.hidden_arg or None, "mode": filters.mode}
    if fmt != "codebook" and export.count is not None and files.weight(
            fmt, export.count(), export) > current_app.config["EXPORT_JOB_CELLS"]:
        job = start_export(evaluation, current_user.id, {
            "questionnaire": code, "fmt": fmt, "lang": _lang(), "filename": filename,
            "site": filters.site, "wave": filters.wave, "audience": filters.audience,
            "hidden": list(filters.hidden) if filters.hidden else None,
            "mode": filters.mode})
        record("export-prepared", f"{code} {fmt}", actor=current_user, job=job.id, **details)
        return redirect(url_for("jobs.page", evaluation_id=evaluation.id, job_id=job.id), 303)
    record("export-downloaded", f"{code} {fmt}", actor=current_user, **details)
    mimetype = files.FORMAT[fmt].mimetype
    if fmt in files.CSV:
        stream = files.CSV[fmt](export, files.csv_options(fmt))
        return _attachment(stream_with_context(stream), filename, mimetype)
    if fmt == "codebook":
        return _attachment([codebook_json(export.schema).encode()], filename, mimetype)
    # XLSX, SPSS and the report cannot be streamed: written to a file first, sent, deleted
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    path = folder / filename
    files.write(export, fmt, path, _lang(), current_app.config["MIN_GROUP_SIZE"])
    return _attachment(_then_delete(path, folder), filename, mimetype)


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
