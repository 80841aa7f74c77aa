"""State changes of a response: start, save a page, complete. Views call these; nothing renders.

Every change is one conditional UPDATE (``where revision = the one read and status =
'started'``), so a double tap, a refresh or two tabs never duplicate, complete twice or lose a
page saved by another request: a stale writer reloads and merges again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import QuestionnaireVersion, Response, SpentToken
from ..models.response import COMPLETED, STARTED
from ..models.types import utcnow
from ..questionnaire.answers import prune_irrelevant
from ..secrets import derive, digest
from ..storage import erase_traces
from ..versions import with_cached_definition

# A response with its version (without the definition document: each process keeps one copy
# per version), questionnaire and campaign, in one query: read on every page.
_RESPONSE = (select(Response).where(Response.id == bindparam("ident"))
             .options(joinedload(Response.version).defer(QuestionnaireVersion.definition_data)
                      .joinedload(QuestionnaireVersion.questionnaire),
                      joinedload(Response.campaign)))

# The conditional UPDATE of a page save, built once: a Core statement (the ORM's bulk-update
# machinery cost a tenth of a page save, and the commit expires the session anyway) whose SET
# clause comes from the values given to each execution; constructing it cost as much again.
_TABLE = Response.__table__
_UPDATE = (update(_TABLE).where(_TABLE.c.id == bindparam("_id"),
                                _TABLE.c.revision == bindparam("_revision"),
                                _TABLE.c.status == STARTED))

MAX_ATTEMPTS = 20  # concurrent saves of one response are rare; each retry re-reads

Change = Callable[[Response], dict[str, Any]]  # the current response -> the values to write


class ResponseClosed(Exception):
    """The response was completed (or removed) by another request."""


class TokenSpent(Exception):
    """This start token belonged to a withdrawn response."""


def response_by_id(ident: int) -> Response | None:
    """A response as the participant pages read it (see ``_RESPONSE``)."""
    response = db.session.scalar(_RESPONSE, {"ident": ident})
    if response is not None:
        with_cached_definition(response.version)
    return response


def resume_code_for(start_token: str, key: str) -> str:
    """The resume code of the response a consent form starts, derived from its start token.

    Deriving it rather than drawing it means a repeated consent post (a double tap) finds the
    same response and the same code, although only their hashes are stored.
    """
    return derive(key, "resume", start_token)


def start_response(version: QuestionnaireVersion, language: str, start_token: str,
                   resume_code: str, first_section: str, campaign_id: int | None = None,
                   panel_hash: str | None = None) -> Response:
    """Create the response for a consent form, once per start token (a double tap reuses it).

    Raises :class:`TokenSpent` for the token of a withdrawn response: a replayed consent form
    never brings it back. ``panel_hash`` is the panel code an invitation carries."""
    if db.session.get(SpentToken, digest(start_token)) is not None:
        raise TokenSpent()
    response = Response(version=version, campaign_id=campaign_id, language=language,
                        status=STARTED, answers={}, panel_hash=panel_hash,
                        current_section=first_section, resume_hash=digest(resume_code),
                        start_hash=digest(start_token))
    try:
        db.session.add(response)
        db.session.flush()
        ident = response.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Response).filter_by(start_hash=digest(start_token)))
        if existing is None:
            raise
        return existing
    # The commit expired the new row: read it again with everything the next page needs in
    # one query, rather than one lazy load per attribute (five statements).
    fresh = response_by_id(ident)
    assert fresh is not None
    return fresh


def find_by_resume_code(code: str) -> Response | None:
    if not code or len(code) > 128:
        return None
    return db.session.scalar(select(Response).filter_by(resume_hash=digest(code)))


def save_answers(response_id: int, answers: Mapping[str, Any], current_section: str | None,
                 order: list[str], drafts: Mapping[str, Any] | None = None) -> Response:
    """Merge one page's answers and drafts (None clears one) and move the bookmark (sections
    in ``order``); committed."""
    def change(response: Response) -> dict[str, Any]:
        values: dict[str, Any] = {"answers": _merge(response.answers, answers),
                                  "drafts": _merge(response.drafts or {}, drafts or {})}
        if current_section is not None:
            values["current_section"] = _further(current_section, response.current_section,
                                                 order)
        return values

    return change_response(response_id, change)


def complete(response_id: int, answers: Mapping[str, Any]) -> Response:
    """Save the last page and complete the response exactly once (idempotent)."""
    def change(response: Response) -> dict[str, Any]:
        merged = _merge(response.answers, answers)
        return {"answers": prune_irrelevant(response.version.definition, merged),
                "drafts": {}, "status": COMPLETED, "completed_at": utcnow(),
                "current_section": None}

    return change_response(response_id, change)


def set_panel_code(response_id: int, panel_hash: str) -> Response:
    """Give a started response its panel code (a keyed hash, never the answers)."""
    return change_response(response_id, lambda _response: {"panel_hash": panel_hash})


def change_response(response_id: int, change: Change) -> Response:
    """Apply ``change`` to a started response as one conditional UPDATE on its revision,
    re-reading and retrying when another request wrote in between; committed. Raises
    :class:`ResponseClosed` when the response is completed or gone."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:  # the first try uses the row this request read; the UPDATE checks it
            # A short random pause after a lost race, so that writers of one response (two
            # tabs, a double tap) stop colliding instead of one of them losing every time.
            time.sleep(random.uniform(0, 0.002 * attempt))
            db.session.expire_all()
        response = db.session.get(Response, response_id)
        if response is None or response.status != STARTED:
            db.session.rollback()
            raise ResponseClosed()
        values = {**change(response), "revision": response.revision + 1,
                  "updated_at": utcnow()}
        result = db.session.execute(_UPDATE, {**values, "_id": response_id,
                                              "_revision": response.revision})
        if result.rowcount == 1:
            db.session.commit()  # expires the response: read again only if the caller does
            return response
        db.session.rollback()
    raise ResponseClosed()


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
