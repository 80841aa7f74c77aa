"""Questionnaires in the workspace: upload (YAML or XLSForm) with a validation report, drafts,
a participant preview in each language that records nothing, publish with the diff shown,
download back, and a campaign moved to a new version. The work is done by
:mod:`survey.versions` (upload, drafts, diff, download); views stay thin."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from .. import audit
from ..auth.forms import ActionForm
from ..auth.permissions import MANAGE, VIEW, member
from ..context import show as show_participant
from ..extensions import csrf, db
from ..language import language_in_url
from ..models import Campaign, Evaluation, Questionnaire, QuestionnaireDraft, QuestionnaireVersion
from ..participate.rendering import section_items
from ..participate.repeats import page_items as repeat_page_items
from ..questionnaire import Definition, expressions, navigation
from ..questionnaire import wording as wordings
from ..questionnaire.download import as_xlsform, as_xlsform_zip, as_yaml, media_names
from ..questionnaire.messages import Note
from ..questionnaire.model import Section
from ..templating import language_name
from ..versions import store_definition
from ..versions.answered import StoredAnswers
from ..versions.diff import MESSAGES, WARNINGS, Change, diff
from ..versions.drafts import drafts_of, drop_draft, find_draft, save_draft
from ..versions.media import files_of
from ..versions.upload import MAX_UPLOAD_BYTES, check_upload
from . import preview
from .blueprint import E, bp, owned

PREVIEW_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'"
)
Q = E + "/questionnaires"

REQUIRED_STATES = {"required": _("required"), "optional": _("optional")}


class UploadForm(FlaskForm):
    file = FileField(_("YAML definition, XLSForm (.xlsx) or ZIP with an XLSForm and its media"),
                     validators=[FileRequired()])




def describe(change: Change) -> tuple[str, str | None, tuple[tuple[str, str, str], ...]]:
    """A change in the reader's language, its comparability warning and, for a rewording,
    (language, old text, new text)."""
    params = dict(change.params)
    if "state" in params:
        params["state"] = str(REQUIRED_STATES.get(params["state"], params["state"]))
    message = gettext(MESSAGES[change.what]) % params
    warning = (gettext(WARNINGS[change.warning]) % dict(change.warning_params)
               if change.warning else None)
    return message, warning, tuple(change.params.get("wording", ()))


def _versions() -> list[QuestionnaireVersion]:
    return list(db.session.scalars(select(QuestionnaireVersion).join(Questionnaire)
                                   .order_by(Questionnaire.code, QuestionnaireVersion.id)))


def _version(content_hash: str) -> QuestionnaireVersion:
    version = _version_or_none(content_hash)
    if version is None:
        abort(404)
    return version


def _latest(code: str) -> QuestionnaireVersion | None:
    return db.session.scalar(select(QuestionnaireVersion).join(Questionnaire)
                             .where(Questionnaire.code == code)
                             .order_by(QuestionnaireVersion.id.desc()).limit(1))


@bp.get(Q)
@member(VIEW)
def questionnaires(evaluation: Evaluation) -> str:
    versions = _versions()
    return render_template("design/questionnaires.html", evaluation=evaluation,
                           versions=versions, drafts=drafts_of(evaluation.id),
                           form=UploadForm(), manage=g.role in MANAGE,
                           xlsform_fmt={v.content_hash: _xlsform_fmt(v) for v in versions})


def _xlsform_fmt(version: QuestionnaireVersion) -> str:
    """How a version downloads as XLSForm: a ZIP with its pictures, sounds and CSV files, or
    the .xlsx."""
    return "zip" if version.csv_sources or media_names(version.definition_data) else "xlsx"


@bp.post(Q + "/upload")
@member(MANAGE)
def questionnaire_upload(evaluation: Evaluation) -> HttpResponse | tuple[str, int]:
    # A ZIP with its media is larger than a page of answers (the app-wide limit): the body is
    # read here, after the membership check, and the form checks its CSRF token itself.
    request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("design/upload_report.html", evaluation=evaluation,
                               report=None, form=form), 400
    upload = form.file.data
    report = check_upload(upload.filename, upload.read(MAX_UPLOAD_BYTES + 1))
    if not report.ok:
        return render_template("design/upload_report.html", evaluation=evaluation,
                               report=report, form=UploadForm()), 422
    draft = save_draft(evaluation.id, report.definition, report.name, report.notes,
                       report.media.values(), report.sources)
    if report.notes:
        flash(ngettext("%(num)s note on the conversion: see below.",
                       "%(num)s notes on the conversion: see below.", len(report.notes)))
    audit.record("questionnaire-draft", report.name, actor=current_user,
                 evaluation_id=evaluation.id,
                 content_hash=draft.content_hash)
    return redirect(url_for("design.questionnaire_draft", evaluation_id=evaluation.id,
                            content_hash=draft.content_hash))


csrf.exempt(questionnaire_upload)  # UploadForm.validate_on_submit checks the token


@bp.get(Q + "/drafts/<content_hash>")
@member(VIEW)
def questionnaire_draft(evaluation: Evaluation, content_hash: str) -> str:
    draft = _draft(evaluation, content_hash)
    definition = draft.definition
    previous = _latest(definition.code)
    changes = []
    if previous is not None:
        changes = [describe(c) for c in diff(previous.definition, definition,
                                             StoredAnswers(definition.code))]
    return render_template(
        "design/draft.html", evaluation=evaluation, draft=draft, definition=definition,
        previous=previous, changes=changes, form=ActionForm(), manage=g.role in MANAGE,
        notes=[Note.from_json(note) for note in draft.notes or ()],
        published=_version_or_none(content_hash), easy_read=easy_read(definition))


def easy_read(definition: Definition) -> list[tuple[str, int, int]]:
    """(language, texts without an easy-read wording, texts participants read) per language,
    for the draft's and the version's report; empty when the questionnaire has none at all."""
    if not wordings.easy_languages(definition):
        return []
    return [(lang, *wordings.coverage(definition)[lang]) for lang in definition.languages]


def _draft(evaluation: Evaluation, content_hash: str) -> QuestionnaireDraft:
    """This evaluation's draft with this content, else 404."""
    draft = find_draft(evaluation.id, content_hash)
    if draft is None:
        abort(404)
    return draft


def _version_or_none(content_hash: str) -> QuestionnaireVersion | None:
    return db.session.scalar(select(QuestionnaireVersion)
                             .where(QuestionnaireVersion.content_hash == content_hash))


@bp.route(Q + "/drafts/<content_hash>/publish", methods=["GET", "POST"])
@member(MANAGE)
def questionnaire_publish(evaluation: Evaluation, content_hash: str) -> HttpResponse | str:
    """Publish a draft once the researcher has read what the conversion assumed (placeholder
    texts, a defaulted audience, every other note) and confirmed: the page asks first, and a
    post without its confirmation publishes nothing."""
    draft = _draft(evaluation, content_hash)
    form = ActionForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if request.method != "POST" or request.form.get("confirm") != "publish":
        return render_template("design/publish_confirm.html", evaluation=evaluation,
                               draft=draft, definition=draft.definition, form=form,
                               previous=_latest(draft.definition.code),
                               published=_version_or_none(content_hash))
    stored = store_definition(draft.definition, draft.source_name, draft.csv_sources)
    audit.record("questionnaire-published", draft.definition.code,
                 actor=current_user, evaluation_id=evaluation.id, content_hash=content_hash)
    drop_draft(evaluation.id, content_hash)
    flash(gettext("Version %(hash)s of %(code)s is published.", hash=content_hash[:12],
                  code=stored.version.questionnaire.code) if stored.created else
          gettext("This content was already published: nothing changed."))
    return redirect(url_for("design.questionnaires", evaluation_id=evaluation.id))


@bp.post(Q + "/drafts/<content_hash>/drop")
@member(MANAGE)
def questionnaire_drop(evaluation: Evaluation, content_hash: str) -> HttpResponse:
    if not ActionForm().validate_on_submit():
        abort(400)
    drop_draft(evaluation.id, content_hash)
    return redirect(url_for("design.questionnaires", evaluation_id=evaluation.id))


def _preview(evaluation: Evaluation, definition: Definition, source: str, content_hash: str,
             lang: str, number: int) -> HttpResponse:
    """One page exactly as a participant sees it and answers it, in one language: posting it
    checks required answers, constraints and skip logic as the participant's page does
    (:mod:`.preview`), and nothing is recorded. Its language comes from the URL: its language
    switch leads to the same page in another language of the questionnaire, never changing
    the researcher's own language."""
    if lang not in definition.languages or not 1 <= number <= len(definition.sections):
        abort(404)
    # ?wording=easy: the easy-read wording, where the questionnaire has some in this language
    easy = wordings.has_easy(definition, lang) and request.args.get("wording") == wordings.EASY
    standard, definition = definition, wordings.in_wording(
        definition, wordings.EASY if easy else wordings.STANDARD)
    show_participant(definition=definition, language=lang)
    section = definition.sections[number - 1]
    step = (preview.submit(definition, section) if request.method == "POST"
            else preview.opened(definition, section))
    endpoint = f"design.questionnaire_{source}_preview"

    def page_url(target: Section, language: str = lang, in_easy: bool = easy) -> str:
        keep = in_easy and wordings.has_easy(standard, language)
        return url_for(endpoint, evaluation_id=evaluation.id, content_hash=content_hash,
                       language=language, number=definition.section_index(target.code) + 1,
                       **({"wording": wordings.EASY} if keep else {}))

    shown_section = step.section or section
    languages = [(code, language_name(code), page_url(shown_section, code))
                 for code in definition.languages if code != lang]
    switch = None  # the other wording: its words and this page's address in it
    if wordings.has_easy(standard, lang):
        switch = (gettext("Standard wording") if easy else gettext("Easy-read"),
                  page_url(shown_section, lang, not easy))
    context = dict(evaluation=evaluation, definition=definition, lang=lang,
                   languages=languages, first_url=page_url(definition.sections[0]),
                   wording_switch=switch)
    if step.section is None:
        page = render_template("design/preview_end.html", **context)
    else:
        relevant = navigation.relevant_sections(definition, step.answers)
        if step.section in relevant:
            where = navigation.position(definition, step.section, step.answers)
            place = (where.number, where.total, where.is_last)
        else:  # opened by its address although skipped: its place among all pages
            place = (definition.section_index(step.section.code) + 1,
                     len(definition.sections), step.section is definition.sections[-1])
        summary: list[tuple[str, str]] = []
        if step.section.repeat is not None:
            questions, summary = repeat_page_items(definition, step.section, step.answers,
                                                   step.values, step.errors, definition.roster,
                                                   page_url(step.section))
        else:
            questions = section_items(definition, step.section, step.values, step.errors,
                                      definition.roster, step.answers)
        page = render_template(
            "design/preview.html", section=step.section, errors=step.errors,
            questions=questions, repeat_summary=summary,
            number=place[0], total=place[1], is_last=place[2], action=page_url(step.section),
            state=step.sealed, state_field=preview.STATE_FIELD,
            prior=navigation.prior_answers(step.section, step.answers),
            more_functions=navigation.needs_more_functions(step.section),
            today=expressions.today(), **context)
    response = current_app.make_response((page, step.status))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(Q + "/drafts/<content_hash>/preview/<language>/<int:number>", methods=["GET", "POST"])
@language_in_url
@member(VIEW)
def questionnaire_draft_preview(evaluation: Evaluation, content_hash: str, language: str,
                                number: int) -> HttpResponse:
    draft = _draft(evaluation, content_hash)
    return _preview(evaluation, draft.definition, "draft", content_hash, language, number)


@bp.route(Q + "/versions/<content_hash>/preview/<language>/<int:number>",
          methods=["GET", "POST"])
@language_in_url
@member(VIEW)
def questionnaire_version_preview(evaluation: Evaluation, content_hash: str, language: str,
                                  number: int) -> HttpResponse:
    version = _version(content_hash)
    return _preview(evaluation, version.definition, "version", content_hash, language, number)


@bp.get(Q + "/versions/<content_hash>")
@member(VIEW)
def questionnaire_version(evaluation: Evaluation, content_hash: str) -> str:
    version = _version(content_hash)
    campaigns = [c for c in evaluation.campaigns
                 if c.version.questionnaire_id == version.questionnaire_id]
    return render_template("design/version.html", evaluation=evaluation, version=version,
                           definition=version.definition, campaigns=campaigns,
                           form=ActionForm(), manage=g.role in MANAGE,
                           easy_read=easy_read(version.definition),
                           specimen_easy=wordings.easy_languages(version.definition),
                           xlsform_fmt=_xlsform_fmt(version))


@bp.get(Q + "/versions/<content_hash>/download.<fmt>")
@member(VIEW)
def questionnaire_download(evaluation: Evaluation, content_hash: str, fmt: str
                           ) -> HttpResponse:
    version = _version(content_hash)
    name = f"{version.questionnaire.code}-{content_hash[:12]}"
    if fmt == "yaml":
        body: Any = as_yaml(version.definition_data)
        mimetype = "application/yaml"
    elif fmt == "xlsx":
        body = as_xlsform(version.definition_data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "zip":  # the XLSForm with its media and CSV files, to upload back as it is
        body = as_xlsform_zip(version.definition, name, *files_of(version))
        mimetype = "application/zip"
    else:
        abort(404)
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@bp.post(Q + "/versions/<content_hash>/campaigns/<int:campaign_id>")
@member(MANAGE)
def questionnaire_move_campaign(evaluation: Evaluation, content_hash: str, campaign_id: int
                                ) -> HttpResponse:
    """Move a campaign to this version: new responses use it, existing ones keep theirs."""
    version = _version(content_hash)
    campaign = owned(Campaign, campaign_id, evaluation)
    if campaign.version.questionnaire_id != version.questionnaire_id:
        abort(400)
    if not ActionForm().validate_on_submit():
        abort(400)
    if campaign.version_id != version.id:
        campaign.version = version
        audit.record("campaign-version", campaign.name, actor=current_user,
                     evaluation_id=evaluation.id,
                     commit=False, campaign=campaign.id, content_hash=content_hash)
        db.session.commit()
        flash(gettext("Campaign %(name)s now uses version %(hash)s; its earlier responses "
                      "keep their version.", name=campaign.name, hash=content_hash[:12]))
    return redirect(url_for("design.questionnaire_version", evaluation_id=evaluation.id,
                            content_hash=content_hash))
