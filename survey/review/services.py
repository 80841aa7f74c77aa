"""Review rounds of a draft questionnaire, without Flask views: open and close a round, create
and revoke review links, find a reviewer by the secret of their link, save a page of ratings,
decide on a proposed rewording or a partner's new item (accepting either stores the next
draft, validated as an upload is), the content-validity table of a round (computed by
:mod:`analysis.validity`) and the rounds compared."""

from __future__ import annotations

import copy
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _
from sqlalchemy import func, select

from analysis.validity import evaluate_items, s_cvi_ave, s_cvi_ua

from ..audit import record
from ..exports.cells import neutralise
from ..extensions import db
from ..links import external_url
from ..mail import EVALUATION_HEADER, MailError, deliver, render_mail
from ..models import Evaluation, QuestionnaireDraft, User
from ..models.questionnaire import version_definition
from ..models.review import (
    ACCEPTED,
    CLOSED,
    DECLINED,
    OPEN,
    PANELS,
    ItemProposal,
    Reviewer,
    ReviewRating,
    ReviewRound,
)
from ..models.types import utcnow
from ..questionnaire import Definition, DefinitionError, load_data
from ..questionnaire.model import Item, Section
from ..secrets import derive, digest, new_secret
from ..templating import translated
from ..versions.drafts import save_draft

MAX_LINKS = 50  # at a time, per panel
MAX_TEXT = 2000  # characters of a rewording, a comment or a reason
SEED_BYTES = 16
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
SCALE = ("1", "2", "3", "4")


class ReviewError(ValueError):
    """A request the researcher or reviewer must change (the message says how)."""


# -- rounds ------------------------------------------------------------------------------------

def definition_of(review: ReviewRound) -> Definition:
    """The reviewed content (kept with the round: the draft may be published or dropped)."""
    return version_definition(review.content_hash, review.definition_data)


def rounds_of(evaluation_id: int, code: str | None = None,
              content_hash: str | None = None) -> list[ReviewRound]:
    query = select(ReviewRound).filter_by(evaluation_id=evaluation_id)
    if code is not None:
        query = query.filter_by(questionnaire_code=code)
    if content_hash is not None:
        query = query.filter_by(content_hash=content_hash)
    return list(db.session.scalars(query.order_by(ReviewRound.questionnaire_code,
                                                  ReviewRound.number)))


def open_round(evaluation: Evaluation, draft: QuestionnaireDraft, actor: User | None
               ) -> ReviewRound:
    """A new round on this draft, numbered after the questionnaire's last one; refused while
    a round of the same content is still open."""
    code = draft.definition.code
    if any(r.is_open for r in rounds_of(evaluation.id, content_hash=draft.content_hash)):
        raise ReviewError(_("A round on this draft is already open."))
    last = db.session.scalar(select(func.max(ReviewRound.number)).filter_by(
        evaluation_id=evaluation.id, questionnaire_code=code)) or 0
    review = ReviewRound(evaluation_id=evaluation.id, questionnaire_code=code, number=last + 1,
                         content_hash=draft.content_hash,
                         definition_data=dict(draft.definition_data), status=OPEN,
                         opened_by=actor.id if actor is not None else None)
    db.session.add(review)
    db.session.flush()
    record("review-opened", f"{code} round {review.number}", actor=actor,
           evaluation_id=evaluation.id, commit=False, content_hash=draft.content_hash)
    db.session.commit()
    return review


def close_round(review: ReviewRound, actor: User | None) -> None:
    if review.is_open:
        review.status, review.closed_at = CLOSED, utcnow()
        record("review-closed", f"{review.questionnaire_code} round {review.number}",
               actor=actor, evaluation_id=review.evaluation_id, commit=False)
        db.session.commit()


# -- review links ------------------------------------------------------------------------------

def token_for(reviewer: Reviewer) -> str:
    """A link's token, derived from the app's key and the reviewer's seed (only its digest is
    stored), so the link and its QR code can be shown again."""
    return derive(current_app.config["SECRET_KEY"], "review", reviewer.seed or "")


def review_link(reviewer: Reviewer) -> str:
    return external_url("review.start", token=token_for(reviewer))


def add_links(review: ReviewRound, panel: str, count: int, actor: User | None
              ) -> list[Reviewer]:
    if panel not in PANELS:
        raise ReviewError(_("Choose a panel."))
    if not 1 <= count <= MAX_LINKS:
        raise ReviewError(_("Between 1 and 50 links at a time."))
    if not review.is_open:
        raise ReviewError(_("This round is closed."))
    made = []
    for _number in range(count):
        reviewer = Reviewer(round=review, panel=panel, seed=new_secret(SEED_BYTES),
                            pages_saved=[])
        reviewer.token_hash = digest(token_for(reviewer))
        made.append(reviewer)
    db.session.add_all(made)
    record("review-links-created", f"{review.questionnaire_code} round {review.number}",
           actor=actor, evaluation_id=review.evaluation_id, commit=False, panel=panel,
           count=count)
    db.session.commit()
    return made


def revoke(reviewer: Reviewer, actor: User | None) -> None:
    if reviewer.revoked_at is None:
        reviewer.revoked_at = utcnow()
        review = reviewer.round
        record("review-link-revoked", f"{review.questionnaire_code} round {review.number}",
               actor=actor, evaluation_id=review.evaluation_id, commit=False,
               reviewer=reviewer.id)
        db.session.commit()


def reviewer_by_token(token: str) -> Reviewer | None:
    """The reviewer whose link this is, unless revoked; None for anything else."""
    if not TOKEN_RE.match(token or ""):
        return None
    reviewer = db.session.scalar(select(Reviewer).filter_by(token_hash=digest(token)))
    if reviewer is None or reviewer.revoked_at is not None:
        return None
    return reviewer


# -- the reviewer's pages ----------------------------------------------------------------------

def rated_items(section: Section) -> list[Item]:
    """The items of a page a reviewer rates: those a participant sees."""
    return [item for item in section.items if item.itemtype.shown]


def review_pages(definition: Definition) -> list[Section]:
    """The questionnaire's pages that show something to rate, in order."""
    return [section for section in definition.sections if rated_items(section)]


def ratings_by_item(reviewer: Reviewer) -> dict[str, ReviewRating]:
    return {rating.item_code: rating for rating in reviewer.ratings}


@dataclass
class PagePost:
    """One page of a reviewer's ratings, read from a form and checked."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)  # item -> field -> text
    errors: dict[str, str] = field(default_factory=dict)  # "<field>-<item>" -> message key


def read_page(items: Iterable[Item], form: Mapping[str, Any]) -> PagePost:
    """Each item's relevance and clarity (1-4 or left out), rewording and comment; a rating
    outside the scale or a text over MAX_TEXT characters is refused with its field named."""
    post = PagePost()
    for item in items:
        row = {}
        for name in ("relevance", "clarity", "rewording", "comment"):
            value = form.get(f"{name}-{item.code}", "")
            row[name] = value.strip() if isinstance(value, str) else ""
        for name in ("relevance", "clarity"):
            if row[name] and row[name] not in SCALE:
                post.errors[f"{name}-{item.code}"] = "scale"
                row[name] = ""
        for name in ("rewording", "comment"):
            if len(row[name]) > MAX_TEXT:
                post.errors[f"{name}-{item.code}"] = "long"
        post.values[item.code] = row
    return post


def save_page(reviewer: Reviewer, number: int, post: PagePost, language: str) -> None:
    """Store a checked page (the ratings of its items replaced) and count it as saved."""
    if not reviewer.round.is_open:
        raise ReviewError(_("This round is closed."))
    existing = ratings_by_item(reviewer)
    for code, row in post.values.items():
        rating = existing.get(code)
        if rating is None:
            rating = ReviewRating(reviewer=reviewer, item_code=code, decision_reason="")
            db.session.add(rating)
        rating.relevance = int(row["relevance"]) if row["relevance"] else None
        rating.clarity = int(row["clarity"]) if row["clarity"] else None
        if rating.rewording != row["rewording"]:
            rating.decision, rating.decided_at, rating.decided_by = None, None, None
        rating.rewording, rating.comment = row["rewording"], row["comment"]
        rating.language = language if row["rewording"] else ""
        rating.updated_at = utcnow()
    reviewer.pages_saved = sorted(set(reviewer.pages_saved or []) | {number})
    reviewer.saved_at = utcnow()
    db.session.commit()


# -- the researcher's review page --------------------------------------------------------------

@dataclass(frozen=True)
class PanelIndices:
    """A round's indices for one panel (or all reviewers: ``panel`` None)."""

    panel: str | None
    reviewers: int  # who rated at least one item
    items: pd.DataFrame  # analysis.validity.evaluate_items, one row per rated item
    s_cvi_ave: float
    s_cvi_ua: float


def _frames(ratings: list[ReviewRating], codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Relevance and clarity tables: one row per reviewer, one column per item."""
    reviewers = sorted({r.reviewer_id for r in ratings})
    relevance = pd.DataFrame(index=reviewers, columns=codes, dtype=object)
    clarity = pd.DataFrame(index=reviewers, columns=codes, dtype=object)
    for rating in ratings:
        if rating.item_code in codes:
            relevance.loc[rating.reviewer_id, rating.item_code] = rating.relevance
            clarity.loc[rating.reviewer_id, rating.item_code] = rating.clarity
    return relevance, clarity


def round_ratings(review: ReviewRound) -> list[tuple[str, ReviewRating]]:
    """(panel, rating) of every reviewer not revoked."""
    rows = db.session.execute(
        select(Reviewer.panel, ReviewRating).join(ReviewRating.reviewer)
        .where(Reviewer.round_id == review.id, Reviewer.revoked_at.is_(None))
        .order_by(ReviewRating.id))
    return [(panel, rating) for panel, rating in rows]


def indices(review: ReviewRound) -> list[PanelIndices]:
    """All reviewers first, then each panel that rated something."""
    codes = [item.code for section in review_pages(definition_of(review))
             for item in rated_items(section)]
    everything = round_ratings(review)
    groups: list[tuple[str | None, list[ReviewRating]]] = [(None, [r for _panel, r in everything])]
    groups += [(panel, [r for p, r in everything if p == panel]) for panel in PANELS]
    result = []
    for panel, ratings in groups:
        rated = [r for r in ratings if r.relevance is not None or r.clarity is not None]
        if panel is not None and not rated:
            continue
        relevance, clarity = _frames(rated, codes)
        table = evaluate_items(relevance, clarity)
        judged = relevance.dropna(how="all")
        result.append(PanelIndices(
            panel, len({r.reviewer_id for r in rated}), table,
            s_cvi_ave(judged) if len(judged) else float("nan"),
            s_cvi_ua(judged) if len(judged) else float("nan")))
    return result


def proposals(review: ReviewRound) -> dict[str, list[tuple[str, ReviewRating]]]:
    """Per item, the (panel, rating) that carry a rewording or a comment."""
    found: dict[str, list[tuple[str, ReviewRating]]] = {}
    for panel, rating in round_ratings(review):
        if rating.rewording or rating.comment:
            found.setdefault(rating.item_code, []).append((panel, rating))
    return found


@dataclass(frozen=True)
class RoundValues:
    """One item's indices in one round for one group of reviewers (None: not computable)."""

    i_cvi: float | None
    kappa: float | None
    clarity: float | None


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def compare(rounds: list[ReviewRound]
            ) -> tuple[list[str], list[tuple[str | None, dict[str, list[RoundValues | None]]]]]:
    """Each item's I-CVI, k* and clarity per round, side by side, for all reviewers and then
    each panel that rated in some round: the items in the order of the latest round, then
    those it no longer has; None where the item was not in a round or its panel did not rate."""
    per_round: list[dict[str | None, dict[str, RoundValues]]] = []
    for review in rounds:
        groups = {}
        for group in indices(review):
            table = group.items
            groups[group.panel] = {code: RoundValues(_number(row["i_cvi"]),
                                                     _number(row["kappa"]),
                                                     _number(row["clarity"]))
                                   for code, row in table.iterrows()}
        per_round.append(groups)
    codes: list[str] = []
    for groups in reversed(per_round):
        codes += [code for code in groups[None] if code not in codes]
    panels = [None, *(p for p in PANELS if any(p in groups for groups in per_round))]
    return codes, [(panel, {code: [groups.get(panel, {}).get(code) for groups in per_round]
                            for code in codes}) for panel in panels]


# -- decisions on proposed rewordings ----------------------------------------------------------

def reworded(data: Mapping[str, Any], item_code: str, language: str, wording: str
             ) -> dict[str, Any]:
    """A copy of a definition's data with one item's text in one language replaced."""
    changed = copy.deepcopy(dict(data))
    for section in changed.get("sections", []):
        for item in section.get("items", []):
            if item.get("code") == item_code:
                text = item.get("text")
                item["text"] = {**text, language: wording} if isinstance(text, dict) \
                    else {language: wording}
                return changed
    raise ReviewError(_("This item is not in the reviewed draft."))


def decide(rating: ReviewRating, accept: bool, reason: str, actor: User | None
           ) -> QuestionnaireDraft | None:
    """Accept or decline a proposed rewording, with a reason. Accepting stores the next draft
    (the reviewed content with this wording, and the wordings accepted before in this round)
    through the drafts' own storage, as an upload would."""
    reason = (reason or "").strip()
    if not rating.rewording:
        raise ReviewError(_("There is no rewording to decide on."))
    if not reason:
        raise ReviewError(_("Give a reason."))
    if len(reason) > MAX_TEXT:
        raise ReviewError(_("The reason is too long."))
    review = rating.reviewer.round
    draft = None
    if accept:
        accepted = [r for _panel, r in round_ratings(review) if r.decision == ACCEPTED
                    and r.id != rating.id] + [rating]
        try:
            draft = store_next_draft(review, accepted, accepted_items(review))
        except DefinitionError as error:
            raise ReviewError(_("The rewording makes the questionnaire invalid.")) from error
    rating.decision = ACCEPTED if accept else DECLINED
    rating.decision_reason = reason
    rating.decided_by = actor.id if actor is not None else None
    rating.decided_at = utcnow()
    record("review-rewording-" + rating.decision, f"{review.questionnaire_code} "
           f"round {review.number} item {rating.item_code}", actor=actor,
           evaluation_id=review.evaluation_id, commit=False,
           draft=draft.content_hash if draft is not None else None)
    db.session.commit()
    return draft


# -- the next draft: the round's content with what was accepted --------------------------------

def with_item(data: Mapping[str, Any], section_code: str, item: Mapping[str, Any]
              ) -> dict[str, Any]:
    """A copy of a definition's data with one item added at the end of one page."""
    changed = copy.deepcopy(dict(data))
    for section in changed.get("sections", []):
        if section.get("code") == section_code:
            section.setdefault("items", []).append(copy.deepcopy(dict(item)))
            return changed
    raise ReviewError(_("Choose a page of the reviewed draft."))


def accepted_items(review: ReviewRound) -> list[ItemProposal]:
    return [p for p in proposals_of(review) if p.decision == ACCEPTED and p.placement]


def next_data(review: ReviewRound, rewordings: Iterable[ReviewRating],
              items: Iterable[ItemProposal]) -> dict[str, Any]:
    """The round's content with the accepted wordings, then the accepted new items."""
    data: dict[str, Any] = dict(review.definition_data)
    for rating in rewordings:
        data = reworded(data, rating.item_code, rating.language, rating.rewording)
    for proposal in items:
        placement = proposal.placement or {}
        data = with_item(data, placement.get("section", ""), placement.get("item", {}))
    return data


def store_next_draft(review: ReviewRound, rewordings: Iterable[ReviewRating],
                     items: Iterable[ItemProposal]) -> QuestionnaireDraft:
    """Validate the next draft as an upload is (DefinitionError when it is not valid) and
    store it through the drafts' own storage."""
    definition = load_data(next_data(review, rewordings, items), f"review round {review.number}")
    return save_draft(review.evaluation_id, definition,
                      f"{review.questionnaire_code} review round {review.number}")


# -- partners: reviewing from their account, proposing new items -------------------------------

# The item types a partner may propose (the researcher writes the item itself).
PROPOSED_TYPES = ("single", "multiple", "yesno", "likert", "text", "textarea", "integer", "date")


def account_reviewer(review: ReviewRound, user: User) -> Reviewer | None:
    return db.session.scalar(select(Reviewer).filter_by(round_id=review.id, user_id=user.id))


def join(review: ReviewRound, user: User, panel: str) -> Reviewer:
    """The account's reviewer in this round (created on the first visit, in this panel)."""
    reviewer = account_reviewer(review, user)
    if reviewer is not None:
        return reviewer
    if panel not in PANELS:
        raise ReviewError(_("Choose a panel."))
    if not review.is_open:
        raise ReviewError(_("This round is closed."))
    reviewer = Reviewer(round=review, panel=panel, user_id=user.id, pages_saved=[])
    db.session.add(reviewer)
    record("review-joined", f"{review.questionnaire_code} round {review.number}", actor=user,
           evaluation_id=review.evaluation_id, commit=False, panel=panel)
    db.session.commit()
    return reviewer


def open_rounds(evaluation_id: int) -> list[ReviewRound]:
    return [r for r in rounds_of(evaluation_id) if r.is_open]


def propose(review: ReviewRound, user: User, texts: Mapping[str, str], item_type: str,
            rationale: str) -> ItemProposal:
    """A new item proposed to the round's draft: its text in every language of the draft,
    its type and why; refused with a message naming what is missing."""
    languages = definition_of(review).languages
    cleaned = {lang: (texts.get(lang) or "").strip() for lang in languages}
    rationale = (rationale or "").strip()
    if not review.is_open:
        raise ReviewError(_("This round is closed."))
    if not all(cleaned.values()):
        raise ReviewError(_("Write the question in every language of the questionnaire."))
    if item_type not in PROPOSED_TYPES:
        raise ReviewError(_("Choose a type of question."))
    if not rationale:
        raise ReviewError(_("Say why this question is needed."))
    if any(len(t) > MAX_TEXT for t in (*cleaned.values(), rationale)):
        raise ReviewError(_("At most 2,000 characters."))
    proposal = ItemProposal(round_id=review.id, user_id=user.id, texts=cleaned,
                            item_type=item_type, rationale=rationale, decision_reason="")
    db.session.add(proposal)
    record("review-item-proposed", f"{review.questionnaire_code} round {review.number}",
           actor=user, evaluation_id=review.evaluation_id, commit=False, item_type=item_type)
    db.session.commit()
    return proposal


def proposals_of(review: ReviewRound) -> list[ItemProposal]:
    return list(db.session.scalars(select(ItemProposal).filter_by(round_id=review.id)
                                   .order_by(ItemProposal.id)))


CHOICE_TYPES = ("single", "multiple", "likert")  # the proposed types that need choices
NEW_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # as an uploaded definition's codes


def codes_in(data: Mapping[str, Any]) -> set[str]:
    """Every code a new item's code could clash with: pages, items (within repeats too) and
    the rows of tables."""
    found: set[str] = set()

    def walk(entries: Any) -> None:
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                if isinstance(entry.get("code"), str):
                    found.add(entry["code"])
                walk(entry.get("items"))
                walk(entry.get("rows"))

    walk(data.get("sections"))
    return found


def suggested_code(proposal: ItemProposal, data: Mapping[str, Any]) -> str:
    """A code from the first words of the proposal's text in the questionnaire's first
    language (accents dropped), made
    unique in the next draft; the researcher may change it."""
    order = [lang for lang in data.get("languages", []) if lang in proposal.texts]
    first = proposal.texts[order[0]] if order else next(iter(proposal.texts.values()), "")
    plain = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    base = "_".join(words[:4])[:40].strip("_") or "new_question"
    if not base[0].isalpha():
        base = "q_" + base
    taken = codes_in(data)
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def placed_item(proposal: ItemProposal, data: Mapping[str, Any], section_code: str,
                code: str, item_type: str, choices: Mapping[str, str]) -> dict[str, Any]:
    """The proposal written as an item of the next draft, checked: the page, the code (its
    form and that no other code of the draft has it), the type and, for a list, its choices
    (one per line, as many in each language)."""
    if section_code not in [s.get("code") for s in data.get("sections", [])]:
        raise ReviewError(_("Choose a page of the reviewed draft."))
    code = (code or "").strip()
    if not NEW_CODE_RE.match(code):
        raise ReviewError(_("The code %(code)s is not valid: start with a lower-case letter "
                            "and use only lower-case letters, digits and _ (at most 64).",
                            code=code or "–"))
    if code in codes_in(data):
        raise ReviewError(_("The code %(code)s is already used in the draft: choose another.",
                            code=code))
    if item_type not in PROPOSED_TYPES:
        raise ReviewError(_("Choose a type of question."))
    languages = list(proposal.texts)
    item: dict[str, Any] = {"code": code, "type": item_type, "text": dict(proposal.texts)}
    if item_type in CHOICE_TYPES:
        lines = {lang: [line.strip() for line in (choices.get(lang) or "").splitlines()
                        if line.strip()] for lang in languages}
        counts = {len(found) for found in lines.values()}
        if len(counts) != 1 or counts.pop() < 2:
            raise ReviewError(_("Write the choices one per line, at least two, as many in "
                                "every language."))
        if any(len(line) > MAX_TEXT for found in lines.values() for line in found):
            raise ReviewError(_("At most 2,000 characters."))
        item["choices"] = [{"code": n, **{lang: lines[lang][n - 1] for lang in languages}}
                           for n in range(1, len(lines[languages[0]]) + 1)]
    return item


def decide_proposal(proposal: ItemProposal, accept: bool, reason: str, actor: User | None,
                    section_code: str = "", code: str = "", item_type: str = "",
                    choices: Mapping[str, str] | None = None) -> QuestionnaireDraft | None:
    """The researcher's decision on a proposed item, with its reason. Accepting places it on
    a page of the next draft with its code and type (a type a partner may propose) and
    stores that draft, with the wordings and items accepted before in this round, validated
    as an upload is."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give a reason."))
    if len(reason) > MAX_TEXT:
        raise ReviewError(_("The reason is too long."))
    review = db.session.get(ReviewRound, proposal.round_id)
    draft = None
    if accept:
        rewordings = [r for _panel, r in round_ratings(review) if r.decision == ACCEPTED]
        earlier = [p for p in accepted_items(review) if p.id != proposal.id]
        data = next_data(review, rewordings, earlier)
        item = placed_item(proposal, data, section_code, code, item_type or proposal.item_type,
                           choices or {})
        proposal.placement = {"section": section_code, "item": item}
        try:
            draft = store_next_draft(review, rewordings, [*earlier, proposal])
        except DefinitionError as error:
            proposal.placement = None
            raise ReviewError(_("The new question makes the questionnaire invalid: "
                                "%(problem)s", problem=translated(error.problems[0].text)
                                if error.problems else "")) from error
    proposal.decision = ACCEPTED if accept else DECLINED
    proposal.decision_reason = reason
    proposal.decided_by = actor.id if actor is not None else None
    proposal.decided_at = utcnow()
    record("review-item-proposal-" + proposal.decision, f"proposal {proposal.id}", actor=actor,
           evaluation_id=review.evaluation_id, commit=False,
           draft=draft.content_hash if draft is not None else None,
           code=code if accept else None)
    db.session.commit()
    return draft


# -- export ------------------------------------------------------------------------------------

RATINGS_COLUMNS = ("round", "panel", "reviewer", "item", "relevance", "clarity", "language",
                   "rewording", "comment", "decision", "decision_reason")


def ratings_csv(review: ReviewRound) -> str:
    """A round's ratings as CSV, one row per reviewer and item: reviewers numbered within the
    round (never named), revoked links left out, text neutralised against formula injection."""
    numbers: dict[int, int] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RATINGS_COLUMNS)
    for panel, rating in round_ratings(review):
        number = numbers.setdefault(rating.reviewer_id, len(numbers) + 1)
        writer.writerow([review.number, panel, number, rating.item_code, rating.relevance,
                         rating.clarity, rating.language, neutralise(rating.rewording),
                         neutralise(rating.comment), rating.decision or "",
                         neutralise(rating.decision_reason)])
    return out.getvalue()


def shaped_by(rounds: list[ReviewRound]) -> dict[str, list[tuple[int, int]]]:
    """Who shaped the questionnaire, by panel (never by name): per panel, for each round, the
    reviewers who rated something and the wordings of theirs that were accepted."""
    table = {panel: [] for panel in PANELS}
    for review in rounds:
        rated: dict[str, set[int]] = {panel: set() for panel in PANELS}
        accepted = dict.fromkeys(PANELS, 0)
        for panel, rating in round_ratings(review):
            if rating.relevance is not None or rating.clarity is not None:
                rated[panel].add(rating.reviewer_id)
            accepted[panel] += rating.decision == ACCEPTED
        for panel in PANELS:
            table[panel].append((len(rated[panel]), accepted[panel]))
    return table


# -- a review link by email --------------------------------------------------------------------

def email_link(reviewer: Reviewer, address: str, language: str, actor: User | None) -> None:
    """Send one reviewer's link to one address through the outbox (the address is not kept:
    the audit log names the link, not the person)."""
    review = reviewer.round
    definition = definition_of(review)
    if reviewer.revoked_at is not None or not review.is_open:
        raise ReviewError(_("This link can no longer be sent."))
    try:
        address = validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ReviewError(_("Enter a valid email address.")) from None
    language = language if language in definition.languages else definition.default_language
    evaluation = db.session.get(Evaluation, review.evaluation_id)
    responsible = ", ".join(part for part in (
        evaluation.responsible_name, evaluation.contact_email or evaluation.contact_phone) if part)
    title = definition.title.get(language) or next(iter(definition.title.values()), "")
    try:
        deliver(render_mail("review_link", address, language,
                            headers={EVALUATION_HEADER: str(evaluation.id)},
                            title=title, evaluation=evaluation.name, link=review_link(reviewer),
                            responsible=responsible))
    except MailError:
        raise ReviewError(_("The message could not be sent: try again later.")) from None
    record("review-link-emailed", f"{review.questionnaire_code} round {review.number}",
           actor=actor, evaluation_id=review.evaluation_id, commit=False, reviewer=reviewer.id)
    db.session.commit()
