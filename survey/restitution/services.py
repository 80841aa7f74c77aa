"""Results-back pages, their findings and participants' reactions: every change here, audited;
nothing renders a page.

Every figure a participant or visitor may see comes from the per-question summaries of
:mod:`survey.results.questions` read as a partner reads them (``full=False``): a question with
fewer than ``MIN_GROUP_SIZE`` answers gives no sentence and no chart, and a count under the
threshold is suppressed (primary and complementary) before it is ever stored in a finding.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..audit import record
from ..exports import Selection
from ..extensions import db
from ..invitations.mailing import COMPOSERS, recipients, run
from ..invitations.services import token_for, unsubscribe_link
from ..links import external_url
from ..mail import EVALUATION_HEADER, render_mail
from ..models import (
    Campaign,
    Delivery,
    Invitation,
    Mailing,
    Questionnaire,
    QuestionnaireVersion,
    User,
)
from ..models.invitation import FAILED, QUEUED, RESULTS, SENT
from ..models.restitution import (
    ACCESSES,
    ANSWERS,
    DRAFT,
    MAX_TITLE,
    PUBLIC,
    PUBLISHED,
    Finding,
    Reaction,
    ResultsPage,
)
from ..models.types import utcnow
from ..results.questions import OTHER, Summary, cached_summaries, special_words
from ..secrets import derive, digest, new_secret
from .links import page_token, published_for

LANGUAGES = ("fr", "en")
MAX_TEXT = 2000  # a finding's text, in one language
MAX_COMMENT = 1000  # a reaction's comment
SEED_BYTES = 16


class Refused(ValueError):
    """A change refused, with words for the researcher (already translated)."""


def audit(action: str, page: ResultsPage, actor: User | None, **details: object) -> None:
    record(action, f"results page {page.id}", actor=actor, evaluation_id=page.evaluation_id,
           commit=False, **details)


# --- links -----------------------------------------------------------------------------------

def reactor_for(secret: str) -> str:
    """Who reacts, as the database keeps it: a keyed digest of the participant's link (or of a
    browser's cookie). Without the app's key it cannot be matched with a response's digests."""
    return derive(current_app.config["SECRET_KEY"], "reaction", secret)


def public_page(token: str) -> ResultsPage | None:
    """A published public page by its own link; None for anything else."""
    if not token or len(token) > 128:
        return None
    page = db.session.scalar(select(ResultsPage).where(ResultsPage.token_hash == digest(token)))
    if page is None or not page.is_published or page.access != "public":
        return None
    return page


def page_for_campaign(campaign: Campaign | None) -> ResultsPage | None:
    """The published page (public or for participants) of a campaign's evaluation and
    audience: what a participant's own link opens."""
    return published_for(campaign.id if campaign is not None else None)


# --- pages and findings ----------------------------------------------------------------------

def create_page(evaluation_id: int, audience: str, access: str, actor: User) -> ResultsPage:
    if access not in ACCESSES:
        raise Refused(gettext("Choose who may open the page."))
    if audience not in audiences(evaluation_id):
        raise Refused(gettext("No campaign of this evaluation asks this audience."))
    if db.session.scalar(select(ResultsPage.id).where(
            ResultsPage.evaluation_id == evaluation_id, ResultsPage.audience == audience)):
        raise Refused(gettext("This audience already has a results-back page."))
    page = ResultsPage(evaluation_id=evaluation_id, audience=audience, access=access,
                       status=DRAFT, title={}, use={}, seed=new_secret(SEED_BYTES))
    page.token_hash = digest(page_token(page))
    db.session.add(page)
    db.session.flush()
    audit("results-page-created", page, actor, audience=audience, access=access)
    db.session.commit()
    return page


def audiences(evaluation_id: int) -> list[str]:
    """The audiences the evaluation's campaigns ask, sorted."""
    return sorted(set(db.session.scalars(select(Campaign.audience).where(
        Campaign.evaluation_id == evaluation_id))))


def _texts(values: dict[str, str], limit: int = MAX_TEXT) -> dict[str, str]:
    texts = {lang: (values.get(lang) or "").strip() for lang in LANGUAGES}
    if any(len(text) > limit for text in texts.values()):
        raise Refused(gettext("A text is too long (at most %(n)s characters).", n=limit))
    return texts


def save_page(page: ResultsPage, access: str, title: dict[str, str], use: dict[str, str],
              actor: User) -> None:
    if access not in ACCESSES:
        raise Refused(gettext("Choose who may open the page."))
    page.access, page.title, page.use = access, _texts(title, MAX_TITLE), _texts(use)
    audit("results-page-saved", page, actor, access=access)
    db.session.commit()


def add_finding(page: ResultsPage, generated: dict[str, str], actor: User,
                questionnaire: str | None = None, question: str | None = None) -> Finding:
    """A new finding at the end, its text starting as the generated sentence."""
    texts = _texts(generated)
    position = max((f.position for f in page.findings), default=0) + 1
    drawn = (chart(page.evaluation_id, page.audience, questionnaire, question)
             if questionnaire and question else None)
    finding = Finding(page_id=page.id, position=position, text=dict(texts),
                      generated=dict(texts), questionnaire=questionnaire, question=question,
                      chart=drawn)
    db.session.add(finding)
    db.session.flush()
    audit("results-finding-added", page, actor, finding=finding.id, question=question)
    db.session.commit()
    return finding


def save_finding(finding: Finding, text: dict[str, str], with_chart: bool,
                 actor: User) -> None:
    """The researcher's words in each language; the chart kept (its figures read again,
    suppressed) or dropped."""
    finding.text = _texts(text)
    if with_chart and finding.questionnaire and finding.question:
        finding.chart = chart(finding.page.evaluation_id, finding.page.audience,
                              finding.questionnaire, finding.question)
    else:
        finding.chart = None
    audit("results-finding-saved", finding.page, actor, finding=finding.id,
          chart=finding.chart is not None)
    db.session.commit()


def move(finding: Finding, step: int, actor: User) -> None:
    """Move the finding one place up (``step`` -1) or down (+1); the first stays first, the
    last last. Positions are numbered again in order, so equal ones never block a move."""
    findings = list(finding.page.findings)
    at = findings.index(finding)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(findings):
        return
    findings[at], findings[to] = findings[to], findings[at]
    for position, each in enumerate(findings):
        each.position = position
    audit("results-finding-moved", finding.page, actor, finding=finding.id,
          direction="down" if step > 0 else "up")
    db.session.commit()


def delete_finding(finding: Finding, actor: User) -> None:
    page = finding.page
    db.session.execute(Reaction.__table__.delete().where(Reaction.finding_id == finding.id))
    db.session.delete(finding)
    audit("results-finding-deleted", page, actor, finding=finding.id)
    db.session.commit()


def set_published(page: ResultsPage, published: bool, actor: User) -> None:
    if published:
        empty = [f.id for f in page.findings if not all(f.text.get(lang) for lang in LANGUAGES)]
        if not page.findings or empty:
            raise Refused(gettext("Write every finding in French and in English before "
                                  "publishing."))
        page.status, page.published_at = PUBLISHED, page.published_at or utcnow()
    else:
        page.status = DRAFT
    audit("results-page-published" if published else "results-page-withdrawn", page, actor)
    db.session.commit()


# --- generated sentences and charts ----------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A generated sentence (in each language) from one question's summary."""

    questionnaire: str
    question: str
    text: dict[str, str] = field(default_factory=dict)
    chartable: bool = False  # its counts can be drawn


def questionnaire_codes(evaluation_id: int, audience: str) -> list[str]:
    return sorted(set(db.session.scalars(
        select(Questionnaire.code).join(QuestionnaireVersion)
        .join(Campaign, Campaign.version_id == QuestionnaireVersion.id)
        .where(Campaign.evaluation_id == evaluation_id, Campaign.audience == audience))))


def _summaries(evaluation_id: int, audience: str, code: str, lang: str) -> list[Summary]:
    """The questions' summaries as a partner reads them: suppressed below the threshold."""
    selection = Selection(code, evaluation_id=evaluation_id, audiences=(audience,))
    with force_locale(lang):
        return cached_summaries(selection, lang, int(current_app.config["MIN_GROUP_SIZE"]),
                                False, special_words())


def sentence(summary: Summary) -> str | None:
    """The plain-language sentence of a summary in the current language, only with figures a
    partner may see: "7 people out of 10 answered “within a week”." (the most frequent answer
    shown), or an average; None when the question is suppressed or has no figure to give."""
    if summary.suppressed:
        return None
    shown = [(label, n) for label, n, _p in summary.counts if n is not None and label != OTHER]
    if summary.numbers is None and shown:
        label, n = max(shown, key=lambda pair: pair[1])
        return ngettext("%(num)s person out of %(total)s answered “%(answer)s” to “%(question)s”.",
                        "%(num)s people out of %(total)s answered “%(answer)s” to “%(question)s”.",
                        n, total=summary.rows, answer=label, question=summary.question)
    numbers = summary.numbers
    if numbers and numbers.get("mean") is not None and int(numbers["n"] or 0) >= int(
            current_app.config["MIN_GROUP_SIZE"]):
        return gettext("On average, the answer to “%(question)s” was %(mean)s (%(n)s answers).",
                       question=summary.question, mean=f"{numbers['mean']:.1f}",
                       n=int(numbers["n"] or 0))
    return None


def suggestions(evaluation_id: int, audience: str) -> list[Suggestion]:
    """A sentence in each language for every question of the audience's questionnaires that
    has figures a partner may see."""
    found: list[Suggestion] = []
    for code in questionnaire_codes(evaluation_id, audience):
        by_lang = {lang: {s.code: s for s in _summaries(evaluation_id, audience, code, lang)}
                   for lang in LANGUAGES}
        for question, summary in by_lang[LANGUAGES[0]].items():
            texts = {}
            for lang in LANGUAGES:
                with force_locale(lang):
                    texts[lang] = sentence(by_lang[lang].get(question, summary)) or ""
            if all(texts.values()):
                found.append(Suggestion(code, question, texts, chartable=bool(
                    summary.counts) and summary.numbers is None))
    return found


def chart(evaluation_id: int, audience: str, code: str, question: str) -> dict[str, Any] | None:
    """One question's counts in each language, as a partner sees them (suppressed counts kept
    as None, "other values" named): what a finding's chart shows, kept with the finding."""
    result: dict[str, Any] = {}
    for lang in LANGUAGES:
        summary = next((s for s in _summaries(evaluation_id, audience, code, lang)
                        if s.code == question), None)
        if summary is None or summary.suppressed or not summary.counts:
            return None
        with force_locale(lang):
            other = gettext("Other answers")
        result[lang] = {"question": summary.question, "total": summary.rows,
                        "rows": [[other if label == OTHER else label, n,
                                  None if p is None else round(p)]
                                 for label, n, p in summary.counts]}
    return result


# --- reactions -------------------------------------------------------------------------------

def react(page: ResultsPage, finding_id: int, answer: str, comment: str,
          reactor: str) -> bool:
    """Record a reaction; False when this link (or browser) already reacted to the finding.
    Raises :class:`Refused` for an answer that is not one of yes, partly, no."""
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.page_id != page.id:
        raise Refused(gettext("This finding is no longer on the page."))
    if answer not in ANSWERS:
        raise Refused(gettext("Please choose yes, partly or no."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise Refused(gettext("Your comment is too long (at most %(n)s characters).",
                              n=MAX_COMMENT))
    try:
        with db.session.begin_nested():  # a second reaction of this link: only it is undone
            db.session.add(Reaction(finding_id=finding.id, reactor=reactor, answer=answer,
                                    comment=comment, given_on=dt.date.today()))
    except IntegrityError:
        return False
    record("results-reaction", f"results page {page.id}", evaluation_id=page.evaluation_id,
           finding=finding.id)
    return True


def reacted(page: ResultsPage, reactor: str) -> set[int]:
    """The findings of the page this link (or browser) has reacted to."""
    return set(db.session.scalars(select(Reaction.finding_id).join(Finding).where(
        Finding.page_id == page.id, Reaction.reactor == reactor)))


@dataclass
class Tally:
    finding: Finding
    counts: Counter = field(default_factory=Counter)  # answer -> reactions
    comments: list[tuple[str, str]] = field(default_factory=list)  # (answer, comment)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tallies(page: ResultsPage) -> list[Tally]:
    found = {f.id: Tally(f) for f in page.findings}
    for reaction in db.session.scalars(select(Reaction).join(Finding).where(
            Finding.page_id == page.id).order_by(Reaction.id)):
        tally = found[reaction.finding_id]
        tally.counts[reaction.answer] += 1
        if reaction.comment:
            tally.comments.append((reaction.answer, reaction.comment))
    return list(found.values())


def reaction_rows(page: ResultsPage, lang: str) -> list[list[Any]]:
    """One row per reaction (no identity): finding number and text, answer, comment, day."""
    numbers = {f.id: i for i, f in enumerate(page.findings, start=1)}
    texts = {f.id: f.text.get(lang) or "" for f in page.findings}
    rows = [["finding", "finding_text", "answer", "comment", "date"]]
    for reaction in db.session.scalars(select(Reaction).join(Finding).where(
            Finding.page_id == page.id).order_by(Finding.position, Reaction.id)):
        rows.append([numbers[reaction.finding_id], texts[reaction.finding_id], reaction.answer,
                     reaction.comment, reaction.given_on.isoformat()])
    return rows


# --- telling invited contacts ----------------------------------------------------------------

def results_mail(mailing: Mailing, invitation: Invitation):  # noqa: ANN201  (a survey.mail.Mail)
    """The message telling one contact the results are out, with their own link (or the public
    page's): a results mailing's (:data:`survey.invitations.mailing.COMPOSERS`)."""
    campaign = mailing.campaign
    page = db.session.scalar(select(ResultsPage).where(
        ResultsPage.evaluation_id == campaign.evaluation_id,
        ResultsPage.audience == campaign.audience))
    contact = invitation.contact
    language = contact.language if contact.language in LANGUAGES else LANGUAGES[0]
    link = (external_url("restitution.public_page", token=page_token(page))
            if page.access == PUBLIC else
            external_url("restitution.by_invitation", token=token_for(invitation)))
    unsubscribe = unsubscribe_link(invitation)
    return render_mail(RESULTS, contact.email, language,
                       headers={"List-Unsubscribe": f"<{unsubscribe}>",
                                EVALUATION_HEADER: str(page.evaluation_id)},
                       name=contact.name, evaluation=page.evaluation.name, link=link,
                       unsubscribe_url=unsubscribe)


COMPOSERS[RESULTS] = results_mail


def contacts_to_tell(page: ResultsPage) -> int:
    """How many contacts of the page's evaluation and audience may be told (not revoked, not
    unsubscribed): one message each, whatever their number of invitations."""
    return db.session.scalar(
        select(func.count(Invitation.contact_id.distinct())).join(Campaign)
        .where(Campaign.evaluation_id == page.evaluation_id, Campaign.audience == page.audience,
               Invitation.contact_id.is_not(None), Invitation.revoked_at.is_(None),
               Invitation.unsubscribed_at.is_(None))) or 0


def may_announce(page: ResultsPage) -> bool:
    """Published and not announced yet: the contacts may be told."""
    return page.is_published and page.announced_at is None


def announcement_mailings(page: ResultsPage, owner_id: int | None) -> list[Mailing]:
    """The page's results mailings, one per campaign of its evaluation and audience, made once:
    a run again (a worker killed, a retry) reuses them, and their claimed deliveries."""
    campaigns = db.session.scalars(select(Campaign).where(
        Campaign.evaluation_id == page.evaluation_id, Campaign.audience == page.audience)
        .order_by(Campaign.id))
    mailings = []
    for campaign in campaigns:
        mailing = db.session.scalar(select(Mailing).where(
            Mailing.campaign_id == campaign.id, Mailing.kind == RESULTS,
            Mailing.cancelled.is_(False)).order_by(Mailing.id))
        if mailing is None:
            mailing = Mailing(campaign=campaign, kind=RESULTS, due_at=utcnow(),
                              created_by=owner_id)
            db.session.add(mailing)
            db.session.commit()
        mailings.append(mailing)
    return mailings


def send_announcement(page: ResultsPage, owner_id: int | None,
                      progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Tell each contact of the page's audience, once, that the results are out (a background
    job: each message claimed in the database before it is sent, through the outbox, SMTP or
    the mail queue; unsubscribed and revoked contacts skipped); the page is announced once every
    message is handed over. Safe to run again after a crash: nobody is written to twice."""
    mailings = announcement_mailings(page, owner_id)
    todo = [(mailing, len(recipients(mailing))) for mailing in mailings]
    total = sum(count for _, count in todo)
    done = 0
    for mailing, count in todo:
        run(mailing, progress=None if progress is None else (
            lambda step, _of, base=done: progress(base + step, total)))
        done += count
    if progress is not None:
        progress(total, total)
    settle_announcement(page, owner_id)
    return handed_over([mailing.id for mailing in mailings])


def handed_over(mailing_ids: list[int]) -> dict[str, int]:
    """What these mailings' messages became, every run counted (a run killed midway too):
    ``sent``, ``queued`` (waiting in the mail queue) and ``failed`` (refused)."""
    counts = dict(db.session.execute(
        select(Delivery.status, func.count(Delivery.id))
        .where(Delivery.mailing_id.in_(mailing_ids)).group_by(Delivery.status)).all())
    return {"sent": counts.get(SENT, 0), "queued": counts.get(QUEUED, 0),
            "failed": counts.get(FAILED, 0)}


def settle_announcement(page: ResultsPage, owner_id: int | None) -> bool:
    """Mark the page announced, once (a conditional UPDATE), when every results mailing of its
    campaigns has finished (a cancelled one does not count: the next click makes another, which
    skips whoever the cancelled one reached); True when this call did."""
    campaigns = list(db.session.scalars(select(Campaign.id).where(
        Campaign.evaluation_id == page.evaluation_id, Campaign.audience == page.audience)))
    mailings = list(db.session.scalars(select(Mailing).where(
        Mailing.campaign_id.in_(campaigns), Mailing.kind == RESULTS,
        Mailing.cancelled.is_(False))))
    finished = {mailing.campaign_id for mailing in mailings if mailing.finished_at is not None}
    if any(campaign not in finished for campaign in campaigns):
        return False
    table = ResultsPage.__table__.c
    done = db.session.execute(update(ResultsPage).where(
        table.id == page.id, table.announced_at.is_(None)).values(
        announced_at=utcnow())).rowcount == 1
    if done:
        actor = db.session.get(User, owner_id) if owner_id else None
        audit("results-page-announced", page, actor, mailings=[m.id for m in mailings],
              **handed_over([m.id for m in mailings]))
    db.session.commit()
    return done
