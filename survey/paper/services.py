"""Paper copies: printing them (one identifier each), finding the copy an entry names,
recording entries, comparing two entries, settling their differences and storing the copy's
one response (mode "paper"). No Flask here beyond the database session; views are thin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..jobs.kinds import answers_arrived
from ..models import Campaign, Response, User
from ..models.paper import (
    COPY_STATUSES,
    ENTERED_ONCE,
    PRINTED,
    STORED,
    TO_SETTLE,
    PaperCopy,
    PaperEntry,
    PaperSetting,
)
from ..models.response import COMPLETED, MODE_PAPER
from ..models.types import utcnow
from ..questionnaire.answers import prune_irrelevant
from ..questionnaire.model import Choice, Definition, Item, Section
from ..questionnaire.wording import EASY, STANDARD, WORDINGS, has_easy
from ..secrets import digest, new_secret
from ..timezones import zone_of
from . import identifiers

MAX_COPIES = 500  # one print run
ATTEMPTS = 20  # identifiers drawn again after a collision (31**7 makes one rare)


class PaperError(Exception):
    """A refused step; ``reason`` names it (the views say it in the user's language)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- the campaign's setting ------------------------------------------------------------------

def double_entry(campaign: Campaign) -> bool:
    """Whether each copy of this campaign is typed twice, by two different people."""
    setting = db.session.get(PaperSetting, campaign.id)
    return bool(setting and setting.double_entry)


def set_double_entry(campaign: Campaign, on: bool, actor: User) -> None:
    """Change the setting; refused (``waiting``) while a copy waits for its second entry, so
    that no copy is left between the two ways."""
    if on == double_entry(campaign):
        return
    waiting = db.session.scalar(select(func.count()).select_from(PaperCopy).where(
        PaperCopy.campaign_id == campaign.id, PaperCopy.status == ENTERED_ONCE))
    if waiting:
        raise PaperError("waiting")
    setting = db.session.get(PaperSetting, campaign.id)
    if setting is None:
        setting = PaperSetting(campaign_id=campaign.id)
        db.session.add(setting)
    setting.double_entry, setting.updated_at = on, utcnow()
    audit.record("paper-double-entry", str(campaign.id), actor=actor,
                 evaluation_id=campaign.evaluation_id, double_entry=on)


# -- printing --------------------------------------------------------------------------------

def wordings_offered(definition: Definition) -> dict[str, bool]:
    """Per language of the questionnaire, whether copies may be printed in easy-read wording
    (it has easy-read wording in that language)."""
    return {lang: has_easy(definition, lang) for lang in definition.languages}


def check_print_wording(definition: Definition, language: str, wording: str) -> str:
    """The wording a print run asks for (hostile input): ``standard``, or ``easy`` where the
    questionnaire has easy-read wording in ``language``. Refused: ``wording`` (neither),
    ``easy_language`` (no easy-read wording in that language)."""
    if wording not in WORDINGS:
        raise PaperError("wording")
    if wording == EASY and not has_easy(definition, language):
        raise PaperError("easy_language")
    return wording


def print_copies(campaign: Campaign, count: int, language: str, actor: User,
                 wording: str = STANDARD) -> list[PaperCopy]:
    """Record ``count`` new copies in ``language`` and ``wording``, each with its own
    identifier."""
    if not 1 <= count <= MAX_COPIES:
        raise PaperError("count")
    definition = campaign.version.definition
    if language not in definition.languages:
        raise PaperError("language")
    wording = check_print_wording(definition, language, wording)
    made: list[PaperCopy] = []
    taken: set[str] = set()
    for _ in range(count):
        for _attempt in range(ATTEMPTS):
            identifier = identifiers.new_identifier()
            if identifier in taken or db.session.scalar(
                    select(PaperCopy.id).where(PaperCopy.identifier == identifier)):
                continue
            taken.add(identifier)
            break
        else:  # pragma: no cover - 20 collisions in a row among 27 billion
            raise PaperError("identifiers")
        copy = PaperCopy(campaign_id=campaign.id, identifier=identifier, language=language,
                         wording=wording, printed_by_id=actor.id, status=PRINTED)
        db.session.add(copy)
        made.append(copy)
    audit.record("paper-copies-printed", str(campaign.id), actor=actor,
                 evaluation_id=campaign.evaluation_id, count=count, language=language,
                 wording=wording, commit=False)
    db.session.commit()
    return made


def copies(campaign: Campaign, identifiers_wanted: list[str] | None = None) -> list[PaperCopy]:
    """The campaign's copies, newest first (or those named, in that order)."""
    query = select(PaperCopy).where(PaperCopy.campaign_id == campaign.id)
    if identifiers_wanted is not None:
        found = {c.identifier: c for c in db.session.scalars(
            query.where(PaperCopy.identifier.in_(identifiers_wanted)))}
        return [found[i] for i in identifiers_wanted if i in found]
    return list(db.session.scalars(query.order_by(PaperCopy.id.desc())))


def counts(campaign: Campaign) -> dict[str, int]:
    """How many of the campaign's copies are at each status (every status, 0 included)."""
    rows = db.session.execute(select(PaperCopy.status, func.count()).where(
        PaperCopy.campaign_id == campaign.id).group_by(PaperCopy.status))
    found = Counter({status: n for status, n in rows})
    return {status: found[status] for status in COPY_STATUSES}


# -- finding the copy an entry names -------------------------------------------------------

def find_copy(campaigns: list[Campaign], typed: str) -> PaperCopy:
    """The copy a typed (or scanned) identifier names among these campaigns (the ones the
    person may enter). Reasons: ``malformed`` (not 8 characters of the alphabet),
    ``mistyped`` (the check character does not match: a typing slip), ``unknown``."""
    identifier = identifiers.normalise(typed)
    if len(identifier) != identifiers.LENGTH or any(
            c not in identifiers.ALPHABET for c in identifier):
        raise PaperError("malformed")
    if not identifiers.is_valid(identifier):
        raise PaperError("mistyped")
    copy = db.session.scalar(select(PaperCopy).where(PaperCopy.identifier == identifier))
    if copy is None or copy.campaign_id not in {c.id for c in campaigns}:
        raise PaperError("unknown")
    return copy


def may_enter(copy: PaperCopy, user: User) -> None:
    """Refuse an entry the copy cannot take any more: ``stored`` (its response is stored),
    ``to_settle`` (two entries wait to be settled), ``second_by_other`` (double entry: the
    second typing is someone else's)."""
    if copy.status == STORED:
        raise PaperError("stored")
    if copy.status == TO_SETTLE:
        raise PaperError("to_settle")
    if copy.status == ENTERED_ONCE and any(e.entered_by_id == user.id for e in copy.entries):
        raise PaperError("second_by_other")


def entered_by(user: User, campaigns: list[Campaign]) -> int:
    """How many entries this person typed for these campaigns (what a navigator sees of
    their work: a count, never the answers)."""
    return db.session.scalar(select(func.count()).select_from(PaperEntry).join(PaperCopy).where(
        PaperEntry.entered_by_id == user.id,
        PaperCopy.campaign_id.in_([c.id for c in campaigns]))) or 0


# -- the date written on a copy ---------------------------------------------------------------

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
FILLED_HOUR = 12  # a copy dated by the day only is stored at noon of that day, local time


def _local_date(moment: dt.datetime, copy: PaperCopy) -> dt.date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone_of(copy.campaign.evaluation)).date()


def local_today(copy: PaperCopy, now: dt.datetime | None = None) -> dt.date:
    """Today in the evaluation's time zone: the latest date a copy can carry."""
    return _local_date(now or utcnow(), copy)


def check_filled_on(copy: PaperCopy, typed: str, now: dt.datetime | None = None) -> dt.date:
    """The date written on the copy, the day the person filled it in, as typed (hostile
    input: ``2026-03-14`` from a date field, or ``14/03/2026``), in the evaluation's time
    zone. Reasons: ``date_missing``, ``date_format``, ``date_future`` (after today there),
    ``date_before`` (before the copy was printed, hence before its campaign existed)."""
    typed = typed.strip()
    if not typed:
        raise PaperError("date_missing")
    try:
        found = _DAY_FIRST.match(typed)
        day = (dt.date(int(found[3]), int(found[2]), int(found[1])) if found
               else dt.date.fromisoformat(typed))
    except ValueError:
        raise PaperError("date_format") from None
    if day > local_today(copy, now):
        raise PaperError("date_future")
    if day < max(_local_date(copy.printed_at, copy), _local_date(copy.campaign.created_at, copy)):
        raise PaperError("date_before")
    return day


def filled_moment(copy: PaperCopy, day: dt.date | None, now: dt.datetime) -> dt.datetime:
    """When a copy's response is dated: noon of the day written on it in the evaluation's
    time zone (never after ``now``), or ``now`` for an entry typed without a date."""
    if day is None:
        return now
    zone = zone_of(copy.campaign.evaluation)
    noon = dt.datetime(day.year, day.month, day.day, FILLED_HOUR, tzinfo=zone).astimezone(dt.UTC)
    return min(noon, now)


def dates_differ(copy: PaperCopy) -> bool:
    """Whether the two entries of a copy typed different dates (one left without a date, by
    an entry typed before dates were asked, differs from nothing)."""
    dates = {e.filled_on for e in copy.entries if e.filled_on is not None}
    return len(dates) > 1


# -- entries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entered:
    """What an entry did: its number and the copy's status after it."""

    number: int
    status: str


def record_entry(copy: PaperCopy, answers: Mapping[str, Any], user: User,
                 filled_on: dt.date | None = None) -> Entered:
    """Keep one typing of a copy, with the date written on it (:func:`check_filled_on`).
    Single entry: the response is stored at once, dated that day. Double entry: the first
    waits for the second; the second is compared with it, the date as a field, and,
    identical, stored; different, left to settle. Two entries posted at once for one copy:
    one wins, the other is refused (``already``); nothing is half written."""
    double = double_entry(copy.campaign)
    status, revision = copy.status, copy.revision
    dated = filled_on
    may_enter(copy, user)
    number = 1 if status == PRINTED else 2
    if status == PRINTED:
        after = ENTERED_ONCE if double else STORED
    else:
        first = copy.entries[0]
        same_date = first.filled_on is None or filled_on is None or first.filled_on == filled_on
        after = STORED if differences(first.answers, dict(answers)) == [] and same_date \
            else TO_SETTLE
        dated = filled_on or first.filled_on
    try:
        db.session.add(PaperEntry(copy_id=copy.id, number=number, entered_by_id=user.id,
                                  answers=dict(answers), filled_on=filled_on))
        db.session.flush()
        _move(copy, revision, after)
        if after == STORED:
            _store(copy, dict(answers), dated)
        audit.record("paper-entered", copy.identifier, actor=user,
                     evaluation_id=copy.campaign.evaluation_id, number=number, status=after,
                     commit=False)
        db.session.commit()
    except (IntegrityError, PaperError):
        db.session.rollback()
        raise PaperError("already") from None
    if after == STORED:
        answers_arrived(copy.campaign.evaluation_id, copy.campaign.version.questionnaire.code)
    return Entered(number, after)


def _move(copy: PaperCopy, revision: int, status: str) -> None:
    """One conditional UPDATE on the revision this request read: a concurrent change wins
    and this one raises."""
    moved = db.session.execute(
        update(PaperCopy).where(PaperCopy.id == copy.id, PaperCopy.revision == revision)
        .values(status=status, revision=revision + 1,
                stored_at=utcnow() if status == STORED else None)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise PaperError("already")


def _store(copy: PaperCopy, answers: dict[str, Any], filled_on: dt.date | None) -> Response:
    """The copy's one response: mode paper, its campaign, dated the day written on the copy
    (:func:`filled_moment`), answered in the wording the copy was printed in. Answers to
    questions the paper's own skips leave out are dropped, as on the participant pages."""
    campaign = copy.campaign
    definition = campaign.version.definition
    now = utcnow()
    dated = filled_moment(copy, filled_on, now)
    response = Response(
        version_id=campaign.version_id, campaign_id=campaign.id, status=COMPLETED,
        language=copy.language, mode=MODE_PAPER, wording=copy.wording,
        answered_in=copy.wording,
        answers=prune_irrelevant(definition, answers), drafts={},
        resume_hash=digest(new_secret()), start_hash=digest(new_secret()),
        started_at=dated, updated_at=now, completed_at=dated)
    db.session.add(response)
    db.session.flush()
    db.session.execute(update(PaperCopy).where(PaperCopy.id == copy.id)
                       .values(response_id=response.id)
                       .execution_options(synchronize_session=False))
    return response


# -- comparing and settling ------------------------------------------------------------------

def differences(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    """The answer keys whose values differ between two entries, in the first's order then
    the second's (a value typed in one and left blank in the other differs)."""
    keys = list(dict.fromkeys([*first, *second]))
    return [k for k in keys if _same_value(first.get(k)) != _same_value(second.get(k))]


def _same_value(value: Any) -> Any:
    """Values compared as typed: 3 and 3.0 are the same answer; lists keep their order."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_same_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _same_value(v) for k, v in value.items()}
    return value


def items_differing(definition: Definition, first: Mapping[str, Any],
                    second: Mapping[str, Any]) -> list[Item]:
    """The questions (items) of which at least one answer key differs, in questionnaire
    order: each is settled as a whole. Computed values are worked out again once settled
    (``entry.recomputed``); repeated pages are settled whole (:func:`pages_differing`)."""
    keys = set(differences(first, second))
    return [item for section in definition.sections if section.repeat is None
            for item in section.items if item.answerable and item.itemtype.shown
            and keys & set(item.answer_keys)]


def pages_differing(definition: Definition, first: Mapping[str, Any],
                    second: Mapping[str, Any]) -> list[Section]:
    """The repeated pages whose blocks differ: each is settled whole (one entry or the
    other)."""
    keys = set(differences(first, second))
    return [s for s in definition.sections if s.repeat is not None and s.code in keys]


def settle(copy: PaperCopy, settled: Mapping[str, Any], actor: User,
           recompute: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
           filled_on: dt.date | None = None) -> Response:
    """Store the copy's response: the first entry's answers with each differing question's
    settled answers (``settled``: answer key -> value, None for blank), its computed values
    worked out again by ``recompute``, dated ``filled_on`` (the date settled when the
    entries' dates differ; else theirs). Refused unless the copy is waiting to be settled
    (``not_to_settle``), or when someone settled it meanwhile (``already``)."""
    if copy.status != TO_SETTLE or len(copy.entries) != 2:
        raise PaperError("not_to_settle")
    answers = {**copy.entries[0].answers, **settled}
    answers = {k: v for k, v in answers.items() if v is not None}
    if recompute is not None:
        answers = recompute(answers)
    try:
        _move(copy, copy.revision, STORED)
        response = _store(copy, answers, filled_on or next(
            (e.filled_on for e in copy.entries if e.filled_on is not None), None))
        audit.record("paper-settled", copy.identifier, actor=actor,
                     evaluation_id=copy.campaign.evaluation_id, settled=sorted(settled),
                     commit=False)
        db.session.commit()
    except (IntegrityError, PaperError):
        db.session.rollback()
        raise PaperError("already") from None
    answers_arrived(copy.campaign.evaluation_id, copy.campaign.version.questionnaire.code)
    return response


def campaign_roster(campaign: Campaign, language: str) -> tuple[Choice, ...] | None:
    """The entries of ``roster: campaign`` items (the campaign's team, else its own list)."""
    entries = campaign.roster_entries()
    return tuple(Choice(code, {language: name}) for code, name in entries) or None
