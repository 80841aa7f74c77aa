"""Paper copies' pages (thin views; the work is in :mod:`.services`, :mod:`.entry` and
:mod:`.printing`): the research team's "Paper copies" page of a campaign and its printable
copies, a version's specimen, the entry pages (researchers, evaluators and navigators, a
navigator only for the campaigns of their sites) and the settle page of a double entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_decimal, get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response as HttpResponse

from ..assess.services import sees_site, site_limits
from ..auth.permissions import COLLECT, OPERATE, VIEW, member
from ..extensions import db
from ..invitations.qr import qr_svg_inline
from ..models import Campaign, Evaluation, QuestionnaireVersion
from ..models.paper import PaperCopy
from ..participate.messages import issue_message
from ..questionnaire import repeats
from ..questionnaire import wording as wordings
from ..questionnaire.model import Choice, Definition, Item
from ..templating import text
from . import entry, identifiers, services, words
from .printing import Printout, printout

bp = Blueprint("paper", __name__, url_prefix="/evaluations", template_folder="templates")
E = "/<int:evaluation_id>/paper"
ENTRY_TEMPLATE = "paper/entry.html"
FILLED_ON = "copy-date"  # the entry form's date field: item codes never hold a hyphen


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"number": format_decimal, "format_date": format_date,
            "status_words": words.status_words,
            "formatted": identifiers.formatted, "wording_words": words.wording_words}


def _campaign(evaluation: Evaluation, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.evaluation_id != evaluation.id:
        abort(404)
    return campaign


def _rosters(campaign: Campaign, definition: Definition, language: str
             ) -> Callable[[Item], tuple[Choice, ...]]:
    own = services.campaign_roster(campaign, language)
    return lambda item: definition.roster(item, own)


@contextmanager
def _language(language: str) -> Iterator[None]:
    """Render in the copy's language, whatever the reader's."""
    before = g.get("_locale_code")
    with force_locale(language):
        g._locale_code = language
        try:
            yield
        finally:
            g._locale_code = before


def _context_line(campaign: Campaign) -> str:
    parts = [campaign.evaluation.name]
    parts += [p for p in (campaign.site.name if campaign.site else None,
                          campaign.wave.code if campaign.wave else None) if p]
    return " · ".join(parts)


# -- the research team's page ------------------------------------------------------------------

@bp.route(E + "/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@member(OPERATE)
def copies(evaluation: Evaluation, campaign_id: int) -> HttpResponse | tuple[str, int]:
    campaign = _campaign(evaluation, campaign_id)
    form = FlaskForm()
    definition = campaign.version.definition
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            if request.form.get("action") == "setting":
                services.set_double_entry(campaign, request.form.get("double") == "on",
                                          current_user)
                flash(gettext("Saved."))
                return redirect(url_for(".copies", evaluation_id=evaluation.id,
                                        campaign_id=campaign.id))
            count = request.form.get("count", "").strip()
            made = services.print_copies(campaign, int(count) if count.isdigit() else 0,
                                         request.form.get("language", ""), current_user,
                                         request.form.get("wording", wordings.STANDARD))
            return redirect(url_for(".print_copies", evaluation_id=evaluation.id,
                                    campaign_id=campaign.id, first=made[0].id,
                                    last=made[-1].id))
        except services.PaperError as refused:  # refused before anything was changed
            error = words.refusal(refused.reason)
    listed = services.copies(campaign)
    offered = services.wordings_offered(definition)
    return render_template(
        "paper/copies.html", evaluation=evaluation, campaign=campaign, form=form,
        error=error, copies=listed, counts=services.counts(campaign),
        double=services.double_entry(campaign), languages=definition.languages,
        easy_languages=[lang for lang, easy in offered.items() if easy],
        title=text(definition.title)), 422 if error else 200


@bp.get(E + "/campaigns/<int:campaign_id>/print")
@member(OPERATE)
def print_copies(evaluation: Evaluation, campaign_id: int) -> str:
    campaign = _campaign(evaluation, campaign_id)
    first, last = request.args.get("first", ""), request.args.get("last", "")
    if not (first.isdigit() and last.isdigit()):
        abort(404)
    chosen = list(db.session.scalars(db.select(PaperCopy).where(
        PaperCopy.campaign_id == campaign.id, PaperCopy.id >= int(first),
        PaperCopy.id <= int(last)).order_by(PaperCopy.id)))
    kinds = {(c.language, c.wording) for c in chosen}
    if not chosen or len(kinds) != 1:
        abort(404)
    language, wording = kinds.pop()
    definition = wordings.in_wording(campaign.version.definition, wording)
    with _language(language):
        printed = printout(definition, _rosters(campaign, definition, language))
        shown = [{"shown": identifiers.formatted(c.identifier), "anchor": c.identifier,
                  "qr": Markup(qr_svg_inline(  # noqa: S704  (segno escapes the title)
                      identifiers.formatted(c.identifier),
                      title=gettext("Copy %(identifier)s",
                                    identifier=identifiers.formatted(c.identifier))))}
                 for c in chosen]
        return _printable(printed, language, wording, shown, _context_line(campaign),
                          url_for(".copies", evaluation_id=evaluation.id,
                                  campaign_id=campaign.id))


@bp.get(E + "/versions/<content_hash>")
@member(VIEW)
def specimen(evaluation: Evaluation, content_hash: str) -> str:
    version = db.session.scalar(db.select(QuestionnaireVersion).where(
        QuestionnaireVersion.content_hash == content_hash))
    if version is None:
        abort(404)
    definition = version.definition
    language = request.args.get("lang", "")
    if language not in definition.languages:
        language = definition.default_language
    wording = wordings.check_wording(request.args.get("wording"))
    if not wordings.has_easy(definition, language):
        wording = wordings.STANDARD
    definition = wordings.in_wording(definition, wording)
    with _language(language):
        printed = printout(definition, lambda item: definition.roster(item, None))
        return _printable(printed, language, wording,
                          [{"shown": None, "anchor": "specimen"}], evaluation.name, None)


def _printable(printed: Printout, language: str, wording: str, copies: list[dict[str, Any]],
               context_line: str, back_url: str | None) -> str:
    """The printable page; its header names the wording (for data entry) when the
    questionnaire has easy-read wording in the copy's language."""
    definition = printed.definition
    named = wording == wordings.EASY or wordings.has_easy(definition, language)
    missing = wordings.coverage(definition).get(language, (0, 0))[0] if \
        wording == wordings.EASY else 0
    return render_template("paper/printable.html", printout=printed,
                           definition=definition, language=language, copies=copies,
                           context_line=context_line, back_url=back_url,
                           wording=wording if named else None, easy_missing=missing)


# -- entry -------------------------------------------------------------------------------------

def _enterable(evaluation: Evaluation) -> list[Campaign]:
    """The campaigns this person may enter copies of: a navigator limited to sites, those of
    their sites."""
    limits = site_limits(current_user, evaluation.id)
    return [c for c in evaluation.campaigns if sees_site(limits, c.site_id)]


@bp.route(E + "/entry", methods=["GET", "POST"])
@member(COLLECT)
def entry_start(evaluation: Evaluation) -> HttpResponse | tuple[str, int]:
    form = FlaskForm()
    error, typed = None, ""
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = request.form.get("identifier", "")[:64]
        try:
            copy = services.find_copy(_enterable(evaluation), typed)
            services.may_enter(copy, current_user)
            return redirect(url_for(".entry_form", evaluation_id=evaluation.id,
                                    identifier=copy.identifier))
        except services.PaperError as refused:
            error = words.refusal(refused.reason)
    return render_template("paper/entry_start.html", evaluation=evaluation, form=form,
                           error=error, typed=typed,
                           entered=services.entered_by(current_user, _enterable(evaluation))
                           ), 422 if error else 200


def _copy(evaluation: Evaluation, identifier: str) -> PaperCopy:
    try:
        return services.find_copy(_enterable(evaluation), identifier)
    except services.PaperError:
        abort(404)


@bp.route(E + "/entry/<identifier>", methods=["GET", "POST"])
@member(COLLECT)
def entry_form(evaluation: Evaluation, identifier: str) -> HttpResponse | tuple[str, int]:
    copy = _copy(evaluation, identifier)
    try:
        services.may_enter(copy, current_user)
    except services.PaperError as refused:
        flash(words.refusal(refused.reason), "error")
        return redirect(url_for(".entry_start", evaluation_id=evaluation.id))
    campaign = copy.campaign
    definition = campaign.version.definition
    language = str(get_locale())
    rosters = _rosters(campaign, definition, language)
    form = FlaskForm()
    values: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    skipped: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {name: [v[:5000] for v in request.form.getlist(name)[:100]]
                  for name in entry.input_names(definition, rosters)}
        result = entry.check_entry(definition, values, rosters)
        errors = {code: issue_message(definition.item(repeats.item_code(code)), issue, text)
                  for code, issue in result.issues.items()}
        filled_on, typed_date = None, request.form.get(FILLED_ON, "")[:40]
        values[FILLED_ON] = [typed_date]
        try:
            filled_on = services.check_filled_on(copy, typed_date)
        except services.PaperError as refused:
            errors = {FILLED_ON: words.refusal(refused.reason), **errors}
        skipped = result.skipped
        confirmed = request.form.get("confirm_skipped") == "on"
        if not errors and (not skipped or confirmed):
            try:
                done = services.record_entry(copy, result.answers, current_user, filled_on)
            except services.PaperError as refused:
                flash(words.refusal(refused.reason), "error")
                return redirect(url_for(".entry_start", evaluation_id=evaluation.id))
            flash(_saved_words(copy, done))
            return redirect(url_for(".entry_start", evaluation_id=evaluation.id))
    with_numbers = printout(definition, rosters)
    return render_template(
        ENTRY_TEMPLATE, evaluation=evaluation, copy=copy, campaign=campaign,
        printed_in=_printed_in(copy, definition),
        definition=definition, printout=with_numbers, values=values, errors=errors,
        skipped=skipped, rosters=rosters, form=form, data_entry=True, offered={},
        computed=set(), renamed=repeats.renamed, number_of=_numbers(with_numbers),
        date_name=FILLED_ON, date_max=services.local_today(copy).isoformat()
    ), 422 if (errors or skipped) else 200


def _printed_in(copy: PaperCopy, definition: Definition) -> str | None:
    """The wording a copy was printed in, worth saying when the questionnaire has two."""
    if copy.wording == wordings.EASY or wordings.has_easy(definition, copy.language):
        return copy.wording
    return None


def _numbers(printed: Printout) -> dict[str, str]:
    """Each question's number as the copy prints it, by the code its input carries (in a
    repeated page's block: ``age-2`` -> "7 (Person 2)")."""
    found = {}
    for part in printed.sections:
        for each in part.items:
            if each.number is None:
                continue
            found[each.item.code] = str(each.number)
            for n in range(1, part.blocks + 1):
                found[repeats.name(each.item.code, n)] = f"{each.number} ({part.block_title(n)})"
    return found


def _saved_words(copy: PaperCopy, done: services.Entered) -> str:
    shown = identifiers.formatted(copy.identifier)
    if done.status == "stored" and done.number == 1:
        return gettext("Copy %(identifier)s is entered and its answers are stored.",
                       identifier=shown)
    if done.status == "stored":
        return gettext("Second entry of copy %(identifier)s saved: it matches the first, and "
                       "the answers are stored.", identifier=shown)
    if done.status == "entered_once":
        return gettext("First entry of copy %(identifier)s saved. Someone else now types it "
                       "a second time.", identifier=shown)
    return gettext("Second entry of copy %(identifier)s saved. It differs from the first: the "
                   "research team will settle the differences against the paper copy.",
                   identifier=shown)


# -- settling a double entry ---------------------------------------------------------------

@bp.route(E + "/settle/<identifier>", methods=["GET", "POST"])
@member(OPERATE)
def settle(evaluation: Evaluation, identifier: str) -> HttpResponse | tuple[str, int]:
    copy = _copy(evaluation, identifier)
    if copy.status != "to_settle" or len(copy.entries) != 2:
        flash(words.refusal("not_to_settle"), "error")
        return redirect(url_for(".copies", evaluation_id=evaluation.id,
                                campaign_id=copy.campaign_id))
    campaign = copy.campaign
    definition = campaign.version.definition
    rosters = _rosters(campaign, definition, str(get_locale()))
    first, second = copy.entries[0].answers, copy.entries[1].answers
    items = services.items_differing(definition, first, second)
    pages = services.pages_differing(definition, first, second)
    date_differs = services.dates_differ(copy)
    form = FlaskForm()
    values: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    picks: dict[str, str] = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        picks = {code: str(request.form.get("pick-" + code, ""))[:8]
                 for code in [i.code for i in items] + [p.code for p in pages]}
        values = {name: [v[:5000] for v in request.form.getlist(name)[:100]]
                  for item in items if picks.get(item.code) == "typed"
                  for name in item.itemtype.input_names(item, rosters(item))}
        settled, issues, unpicked = entry.settled_answers(
            definition, items, picks, first, second, values, rosters, pages)
        errors = {code: issue_message(definition.item(code), issue, text)
                  for code, issue in issues.items()}
        errors |= {code: gettext("Choose the first entry, the second, or type the answer on "
                                 "the paper copy.") for code in unpicked}
        filled_on = None
        if date_differs:
            filled_on, picks[FILLED_ON], values[FILLED_ON] = _settled_date(copy, errors)
        if not errors:
            try:
                services.settle(copy, settled, current_user, lambda answers: entry.recomputed(
                    definition, answers, rosters), filled_on)
            except services.PaperError as refused:
                flash(words.refusal(refused.reason), "error")
            else:
                flash(gettext("Copy %(identifier)s is settled and its answers are stored.",
                              identifier=identifiers.formatted(copy.identifier)))
            return redirect(url_for(".copies", evaluation_id=evaluation.id,
                                    campaign_id=campaign.id))
    with_numbers = printout(definition, rosters)
    return render_template(
        "paper/settle.html", evaluation=evaluation, copy=copy, campaign=campaign,
        printed_in=_printed_in(copy, definition), definition=definition, differing=items,
        first=first, second=second, picks=picks,
        values=values, errors=errors, rosters=rosters, form=form, data_entry=True,
        offered={}, computed=set(), shown_answer=words.shown_answer,
        number_of=_numbers(with_numbers), pages=pages, shown_page=words.shown_page,
        date_differs=date_differs, date_name=FILLED_ON,
        date_max=services.local_today(copy).isoformat(),
        entries=copy.entries), 422 if errors else 200


def _settled_date(copy: PaperCopy, errors: dict[str, str]) -> tuple[Any, str, list[str]]:
    """The date settled when the two entries typed different ones: the first entry's, the
    second's, or the one typed from the paper; a refusal goes into ``errors``. Returns the
    date (None when refused), the pick and the typed value (to show the form again)."""
    pick = str(request.form.get("pick-" + FILLED_ON, ""))[:8]
    typed = request.form.get(FILLED_ON, "")[:40]
    if pick in ("1", "2"):
        return copy.entries[int(pick) - 1].filled_on, pick, [typed]
    if pick != "typed":
        errors[FILLED_ON] = gettext("Choose the first entry, the second, or type the date "
                                    "written on the paper copy.")
        return None, pick, [typed]
    try:
        return services.check_filled_on(copy, typed), pick, [typed]
    except services.PaperError as refused:
        errors[FILLED_ON] = words.refusal(refused.reason)
        return None, pick, [typed]
