"""State changes of a response: start, save a page, complete. Views call these; nothing renders.

Every change is one conditional UPDATE (``where revision = the one read and status =
'started'``), so a double tap, a refresh or two tabs never duplicate, complete twice or lose a
page saved by another request: a stale writer reloads and merges again.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import CursorResult, Executable, Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..datastamp import data_changed
from ..extensions import db
from ..jobs.kinds import answers_arrived
from ..models import Campaign, Questionnaire, QuestionnaireVersion, Response, SpentToken
from ..models.response import COMPLETED, STARTED
from ..models.types import utcnow
from ..models.workspace import OPEN
from ..questionnaire.answers import prune_irrelevant
from ..questionnaire.wording import STANDARD, answered_in
from ..secrets import derive, digest
from ..storage import erase_traces
from ..versions import VersionFacts, facts

_TABLE = Response.__table__
_VERSION = QuestionnaireVersion.__table__
# A response with what the participant pages need of its version, questionnaire and campaign,
# in one Core query: read on every page. The ORM's joined load of the same four rows cost more
# than twice as much (235 against 100 µs), for objects the pages only read.
_STATE_COLUMNS = ("id", "version_id", "campaign_id", "status", "language", "answers", "drafts",
                  "current_section", "revision", "resume_hash", "panel_hash", "larger_text",
                  "faces", "wording", "answered_in")
# Only the columns the pages use: the dates and the start hash are never shown, and converting
# each datetime cost more than reading it (SQLite stores text).
_READ = (select(*(_TABLE.c[name] for name in _STATE_COLUMNS), _VERSION.c.content_hash,
                Questionnaire.__table__.c.code,
                Campaign.__table__.c.status.label("campaign_status"),
                Campaign.__table__.c.evaluation_id)
         .join(_VERSION, _VERSION.c.id == _TABLE.c.version_id)
         .join(Questionnaire.__table__, Questionnaire.__table__.c.id == _VERSION.c.questionnaire_id)
         .outerjoin(Campaign.__table__, Campaign.__table__.c.id == _TABLE.c.campaign_id))
_BY_ID = _READ.where(_TABLE.c.id == bindparam("ident"))
_BY_RESUME = _READ.where(_TABLE.c.resume_hash == bindparam("digest"))
_BY_START = _READ.where(_TABLE.c.start_hash == bindparam("digest"))
_INSERT = insert(_TABLE)
_SPENT = select(SpentToken.__table__.c.digest).where(
    SpentToken.__table__.c.digest == bindparam("digest"))


@dataclass(frozen=True)
class ResponseState:
    """A response as one request read it (the row, not a live object): pages show it, and a
    save writes over it only if nobody else did in between (its ``revision``)."""

    id: int
    version_id: int
    campaign_id: int | None
    status: str
    language: str
    answers: dict[str, Any]
    drafts: dict[str, Any]
    current_section: str | None
    revision: int
    resume_hash: str
    panel_hash: str | None
    larger_text: bool
    faces: bool
    version: VersionFacts
    campaign_open: bool | None  # None: no campaign
    evaluation_id: int | None  # its campaign's (None: no campaign)
    # The wording shown (presentation.py) and those its pages were answered in (wording.py).
    wording: str = STANDARD
    answered_in: str | None = None
    # Not read (no page shows them): set on the state a save returns, as written.
    updated_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED

    @property
    def campaign(self) -> Campaign | None:
        """The campaign that started it (loaded when asked: the closed check needs only
        ``campaign_open``)."""
        if self.campaign_id is None:
            return None
        return db.session.get(Campaign, self.campaign_id)


def _state(row: Row[Any] | None) -> ResponseState | None:
    if row is None:
        return None
    values = row._asdict()
    content_hash, code = values.pop("content_hash"), values.pop("code")
    status = values.pop("campaign_status")
    version = facts(values["version_id"], content_hash, code)
    return ResponseState(**values, version=version,
                         campaign_open=None if status is None else status == OPEN)


def _core(statement: Executable, parameters: dict[str, Any]) -> CursorResult[Any]:
    """Run a Core statement on the session's connection (its transaction), without the ORM
    session's execute machinery, which these plain statements do not need (a third of a read)."""
    return db.session.connection().execute(statement, parameters)


def response_by_id(ident: int) -> ResponseState | None:
    """A response as the participant pages read it."""
    return _state(_core(_BY_ID, {"ident": ident}).first())


# The conditional UPDATE of a page save, built once: a Core statement (the ORM's bulk-update
# machinery cost a tenth of a page save) whose SET clause comes from the values given to each
# execution; constructing it cost as much again.
_UPDATE = (update(_TABLE).where(_TABLE.c.id == bindparam("_id"),
                                _TABLE.c.revision == bindparam("_revision"),
                                _TABLE.c.status == STARTED))

MAX_ATTEMPTS = 20  # concurrent saves of one response are rare; each retry re-reads

Change = Callable[[ResponseState], dict[str, Any]]  # the response read -> the values to write


class ResponseClosed(Exception):
    """The response was completed (or removed) by another request."""


class TokenSpent(Exception):
    """This start token belonged to a withdrawn response."""


def resume_code_for(start_token: str, key: str) -> str:
    """The resume code of the response a consent form starts, derived from its start token.

    Deriving it rather than drawing it means a repeated consent post (a double tap) finds the
    same response and the same code, although only their hashes are stored.
    """
    return derive(key, "resume", start_token)


def start_response(version: QuestionnaireVersion | VersionFacts, language: str, start_token: str,
                   resume_code: str, first_section: str, campaign_id: int | None = None,
                   panel_hash: str | None = None, answers: Mapping[str, Any] | None = None,
                   wording: str = STANDARD) -> ResponseState:
    """Create the response for a consent form, once per start token (a double tap reuses it).

    Raises :class:`TokenSpent` for the token of a withdrawn response: a replayed consent form
    never brings it back. ``panel_hash`` is the panel code an invitation carries; ``answers``
    what the campaign link gave (``ItemType.link_answers``)."""
    start_hash = digest(start_token)
    if _core(_SPENT, {"digest": start_hash}).first() is not None:
        raise TokenSpent()
    try:  # Core, as the reads: the ORM's unit of work cost a third of a consent post
        _core(_INSERT, {
            "version_id": version.id, "campaign_id": campaign_id, "language": language,
            "status": STARTED, "answers": dict(answers or {}), "drafts": {},
            "panel_hash": panel_hash, "wording": wording,
            "current_section": first_section, "resume_hash": digest(resume_code),
            "start_hash": start_hash})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a double tap: the other request started it
    found = _state(_core(_BY_START, {"digest": start_hash}).first())
    if found is None:
        raise TokenSpent()  # started and withdrawn in between
    return found


def find_by_resume_code(code: str) -> ResponseState | None:
    if not code or len(code) > 128:
        return None
    return _state(_core(_BY_RESUME, {"digest": digest(code)}).first())


def save_answers(response_id: int, answers: Mapping[str, Any], current_section: str | None,
                 order: list[str], drafts: Mapping[str, Any] | None = None,
                 read: ResponseState | None = None) -> ResponseState:
    """Merge one page's answers and drafts (None clears one) and move the bookmark (sections
    in ``order``); committed. ``read``: the response as this request read it, if it did."""
    def change(response: ResponseState) -> dict[str, Any]:
        values: dict[str, Any] = {"answers": _merge(response.answers, answers),
                                  "drafts": _merge(response.drafts or {}, drafts or {})}
        if current_section is not None:
            values["current_section"] = _further(current_section, response.current_section,
                                                 order)
        values.update(_answered_in(response, answers, drafts))
        return values

    return change_response(response_id, change, read)


def complete(response_id: int, answers: Mapping[str, Any],
             read: ResponseState | None = None) -> ResponseState:
    """Save the last page and complete the response exactly once (idempotent); the results
    of its questionnaire that someone views are then recomputed in a background job."""
    def change(response: ResponseState) -> dict[str, Any]:
        merged = _merge(response.answers, answers)
        return {"answers": prune_irrelevant(response.version.definition, merged),
                "drafts": {}, "status": COMPLETED, "completed_at": utcnow(),
                "current_section": None, **_answered_in(response, answers, None)}

    completed = change_response(response_id, change, read)
    answers_arrived(completed.evaluation_id, completed.version.code)
    return completed


def set_panel_code(response_id: int, panel_hash: str,
                   read: ResponseState | None = None) -> ResponseState:
    """Give a started response its panel code (a keyed hash, never the answers)."""
    return change_response(response_id, lambda _response: {"panel_hash": panel_hash}, read)


def set_presentation(response_id: int, choices: Mapping[str, Any],
                     read: ResponseState | None = None) -> ResponseState:
    """Keep the participant's presentation choices (:mod:`.presentation`) on the response."""
    return change_response(response_id, lambda _response: dict(choices), read)


def change_response(response_id: int, change: Change,
                    read: ResponseState | None = None) -> ResponseState:
    """Apply ``change`` to a started response as one conditional UPDATE on its revision,
    re-reading and retrying when another request wrote in between; committed. Returns the
    response as written. Raises :class:`ResponseClosed` when it is completed or gone.

    ``read`` is the response as this request read it (the first try writes over it when its
    revision still holds; without it, the response is read first)."""
    response = read if read is not None and read.id == response_id else None
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            # A short random pause after a lost race, so that writers of one response (two
            # tabs, a double tap) stop colliding instead of one of them losing every time.
            time.sleep(random.uniform(0, 0.002 * attempt))
        if response is None:
            response = response_by_id(response_id)
        if response is None or response.status != STARTED:
            db.session.rollback()
            raise ResponseClosed()
        values = {**change(response), "revision": response.revision + 1,
                  "updated_at": utcnow()}
        result = _core(_UPDATE, {**values, "_id": response_id, "_revision": response.revision})
        if result.rowcount == 1:
            if values.get("status", STARTED) != STARTED:  # completed: the results see it
                data_changed(db.session, response.evaluation_id)
            db.session.commit()
            return replace(response, **values)
        db.session.rollback()
        response = None  # another request wrote in between: read it again
    raise ResponseClosed()


def _answered_in(response: ResponseState, answers: Mapping[str, Any],
                 drafts: Mapping[str, Any] | None) -> dict[str, Any]:
    """A page saved with something on it was answered in the wording it was shown in (the
    response's, as it was read): recorded, ``mixed`` once both wordings were used."""
    if not any(v not in (None, "", [], {}) for v in (*answers.values(),
                                                     *(drafts or {}).values())):
        return {}
    after = answered_in(response.answered_in, response.wording)
    return {} if after == response.answered_in else {"answered_in": after}


def _merge(saved: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**saved, **answers}.items() if v is not None}


def withdraw(response_id: int) -> bool:
    """Delete a response and all its answers (the participant's right to withdraw); its start
    token is spent, so the consent form that started it cannot start it again."""
    start_hash = db.session.scalar(select(Response.start_hash).where(Response.id == response_id))
    deleted = db.session.execute(delete(Response).where(Response.id == response_id)).rowcount
    if start_hash is not None and db.session.get(SpentToken, start_hash) is None:
        db.session.add(SpentToken(digest=start_hash))
    db.session.commit()
    erase_traces()
    return deleted == 1


def _further(candidate: str, current: str | None, order: list[str]) -> str:
    """Keep the bookmark on the furthest page reached, so going back never loses the way."""
    if current is None or current not in order or candidate not in order:
        return candidate
    return candidate if order.index(candidate) > order.index(current) else current
