"""A sealed assisted response arriving from a navigator's device: opened with the
evaluation's private key, checked page by page exactly as posted pages are
(:func:`survey.questionnaire.answers.check_page`; a repeated page block by block), stored
once per idempotency key.

Nothing from the device is trusted: the envelope and the plaintext are checked for shape and
size, the answers by the item types, the relevance and the required items by the definition.
A refusal stores nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..jobs.kinds import answers_arrived
from ..models import Campaign, Collection, QuestionnaireVersion, Response, User
from ..models.collect import CONSENT_ORAL
from ..models.response import COMPLETED, MODE_ASSISTED
from ..models.types import utcnow
from ..models.workspace import OPEN
from ..panel.services import asks_questions, hash_answers
from ..questionnaire.answers import Rosters, check_page, missing_required, prune_irrelevant
from ..questionnaire.model import Choice, Definition, Section
from ..questionnaire.navigation import relevant_sections
from ..secrets import digest, new_secret
from . import keys

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_WRAPPED = 1024  # bytes of an RSA-3072 ciphertext: 384
MAX_DATA = 1_000_000  # the sealed answers
MAX_VALUES = 100  # values of one input
MAX_TEXT = 5000  # characters of one value
FORMAT = 1
# The interview's own dates (the device's clock) are believed within these bounds, else the
# response is dated when it arrives: a clock ahead by more than CLOCK_SKEW, or a date older
# than MAX_AGE (a device that kept a response that long, or whose clock is far behind).
CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_AGE = dt.timedelta(days=183)


class Refused(Exception):
    """The device's message is refused; ``reason`` says why (a code), ``status`` the HTTP
    status (400: not a sealed response at all, 422: it does not open or its answers are
    refused, 409: the campaign is closed, try again once reopened), ``items`` which
    questions were refused."""

    def __init__(self, reason: str, status: int = 422, items: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason, self.status, self.items = reason, status, items


@dataclass(frozen=True)
class Receipt:
    """The answer to a device: the same for its first and any repeated send."""

    key: str
    response_id: int

    def body(self) -> dict[str, Any]:
        return {"stored": True, "key": self.key}


def _bytes(envelope: dict[str, Any], name: str, limit: int) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str) or len(value) > limit * 2:
        raise Refused("envelope", 400)
    try:
        found = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise Refused("envelope", 400) from error
    if not found or len(found) > limit:
        raise Refused("envelope", 400)
    return found


def read_envelope(body: object) -> tuple[str, keys.Sealed]:
    """The idempotency key and the sealed answers of a device's JSON body (400 otherwise)."""
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise Refused("envelope", 400)
    key = body.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise Refused("envelope", 400)
    return key, keys.Sealed(_bytes(body, "wrapped", MAX_WRAPPED), _bytes(body, "iv", 64),
                            _bytes(body, "data", MAX_DATA))


def already(key: str, campaign: Campaign) -> Receipt | None:
    """The receipt of a response this key already stored in this campaign."""
    response_id = db.session.scalar(select(Collection.response_id).where(
        Collection.key_hash == digest(key), Collection.campaign_id == campaign.id))
    return None if response_id is None else Receipt(key, response_id)


def _strings(value: object, limit: int) -> list[str]:
    if not isinstance(value, list) or len(value) > limit:
        raise Refused("payload")
    if not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value):
        raise Refused("payload")
    return value


def _pages(value: object) -> dict[str, dict[str, list[str]]]:
    if not isinstance(value, dict) or len(value) > 1000:
        raise Refused("payload")
    pages: dict[str, dict[str, list[str]]] = {}
    for code, inputs in value.items():
        if not isinstance(inputs, dict) or len(inputs) > 5000:
            raise Refused("payload")
        pages[code] = {name: _strings(values, MAX_VALUES) for name, values in inputs.items()}
    return pages


def _occurrences(value: object) -> dict[str, int]:
    """How many blocks each repeated page held (its "Add another" and "Remove" done)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 1000 or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in value.values()):
        raise Refused("payload")
    return value


def read_payload(plaintext: bytes, key: str, campaign: Campaign) -> dict[str, Any]:
    """The opened answers, checked for shape; bound to the envelope's key and campaign (a
    sealed response replayed under another key or campaign is refused)."""
    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Refused("payload") from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise Refused("payload")
    if payload.get("key") != key or payload.get("campaign") != campaign.id:
        raise Refused("payload")
    if payload.get("consent") != CONSENT_ORAL:
        raise Refused("consent")
    for name in ("version", "language"):
        if not isinstance(payload.get(name), str):
            raise Refused("payload")
    panel = payload.get("panel")
    if panel is not None and not (isinstance(panel, dict) and len(panel) <= 20 and all(
            isinstance(v, str) and len(v) <= 200 for v in panel.values())):
        raise Refused("payload")
    for name in ("started", "finished"):  # optional: devices before interview dates
        if payload.get(name) is not None and not (
                isinstance(payload[name], str) and len(payload[name]) <= 40):
            raise Refused("payload")
    payload["pages"] = _pages(payload.get("pages"))
    payload["occurrences"] = _occurrences(payload.get("occurrences"))
    return payload


def _instant(value: object) -> dt.datetime | None:
    """An ISO 8601 instant with its offset (``Date.toISOString()``), in UTC; else None."""
    if not isinstance(value, str):
        return None
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return found.astimezone(dt.UTC) if found.tzinfo is not None else None


def interview_dates(payload: dict[str, Any], campaign: Campaign, version: QuestionnaireVersion,
                    received: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When the interview started and finished, as the device's clock said, if plausible:
    not after its arrival (give or take :data:`CLOCK_SKEW`), not before the campaign and the
    version shown existed, not more than :data:`MAX_AGE` before it arrived. Otherwise (or
    when the device did not say) the arrival time. A start that is not plausible, or after
    the finish, is the finish."""
    earliest = max(received - MAX_AGE, _aware(campaign.created_at), _aware(version.created_at))
    finished = _instant(payload.get("finished"))
    if finished is None or not earliest <= finished <= received + CLOCK_SKEW:
        return received, received
    finished = min(finished, received)
    started = _instant(payload.get("started"))
    if started is None or not earliest <= started <= finished:
        started = finished
    return started, finished


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def rosters_of(campaign: Campaign, definition: Definition, language: str) -> Rosters:
    entries = tuple(Choice(code, {language: name}) for code, name in campaign.roster_entries())
    return lambda item: definition.roster(item, entries)


def _blocks(section: Section, occurrences: Mapping[str, int], answers: dict[str, Any]
            ) -> dict[str, Any]:
    """What a page is checked against: the answers before it and, for an "Add another" page,
    as many (empty) occurrences as the device's page held, as the participant's page stores
    them with each "Add another" before its "Next" (a page whose count is set: the count)."""
    repeat = section.repeat
    if repeat is None or repeat.count is not None:
        return answers
    number = occurrences.get(section.code, 1)
    if not 1 <= number <= repeat.maximum:
        raise Refused("occurrences", items=(section.code,))
    return {**answers, section.code: [{} for _ in range(number)]}


def checked_answers(definition: Definition, pages: dict[str, dict[str, list[str]]],
                    rosters: Rosters, occurrences: Mapping[str, int] | None = None
                    ) -> dict[str, Any]:
    """The answers of every page the person reached, each checked as a posted page with
    "Next" is (a repeated page: each of its blocks, as ``repeats.check`` does); relevance
    decided by the answers before it, required items at the end."""
    answers: dict[str, Any] = {}
    for section in definition.sections:
        if section not in relevant_sections(definition, answers):
            continue
        raw = pages.get(section.code, {})
        saved = _blocks(section, occurrences or {}, answers)
        result = check_page(definition, section, dict(raw), saved, rosters, strict=True)
        if not result.ok:
            raise Refused("answers", items=tuple(sorted(result.issues)))
        answers = {k: v for k, v in {**answers, **result.answers}.items() if v is not None}
    gap = missing_required(definition, answers, rosters)
    if gap is not None:
        raise Refused("required", items=(gap.code,))
    return prune_irrelevant(definition, answers)


def _version(campaign: Campaign, content_hash: str) -> QuestionnaireVersion:
    """The version the device showed: the campaign's, or another version of its
    questionnaire (the campaign moved to a new version while the device was offline)."""
    if campaign.version.content_hash == content_hash:
        return campaign.version
    found = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == campaign.version.questionnaire_id,
        QuestionnaireVersion.content_hash == content_hash))
    if found is None:
        raise Refused("version")
    return found


def receive(campaign: Campaign, collector: User, body: object, secret_key: str) -> Receipt:
    """Store a sealed assisted response once per idempotency key (committed), or raise
    :class:`Refused` with nothing stored."""
    key, sealed = read_envelope(body)
    done = already(key, campaign)
    if done is not None:
        return done
    if campaign.status != OPEN:
        raise Refused("closed", 409)
    row = keys.key_of(campaign.evaluation_id, secret_key)
    try:
        plaintext = keys.open_sealed(row, secret_key, sealed)
    except keys.Unsealable as error:
        raise Refused("unsealable") from error
    payload = read_payload(plaintext, key, campaign)
    version = _version(campaign, payload["version"])
    definition = version.definition
    language = payload["language"]
    if language not in definition.languages:
        raise Refused("payload")
    answers = checked_answers(definition, payload["pages"],
                              rosters_of(campaign, definition, language),
                              payload["occurrences"])
    panel_hash = None
    if payload.get("panel") and asks_questions(campaign.evaluation):
        panel_hash, _missing = hash_answers(campaign.evaluation, payload["panel"])
    now = utcnow()
    started, finished = interview_dates(payload, campaign, version, now)
    response = Response(version_id=version.id, campaign_id=campaign.id, status=COMPLETED,
                        language=language, mode=MODE_ASSISTED, answers=answers, drafts={},
                        current_section=None, revision=1, panel_hash=panel_hash,
                        # secrets nobody keeps: an assisted response can never be resumed
                        resume_hash=digest(new_secret()), start_hash=digest(new_secret()),
                        started_at=started, updated_at=now, completed_at=finished)
    db.session.add(response)
    try:
        db.session.flush()
        db.session.add(Collection(response_id=response.id, evaluation_id=campaign.evaluation_id,
                                  campaign_id=campaign.id, collected_by=collector.id,
                                  consent=CONSENT_ORAL, key_hash=digest(key), received_at=now))
        db.session.commit()
    except IntegrityError:  # the same key sent twice at once: the other request stored it
        db.session.rollback()
        done = already(key, campaign)
        if done is None:
            raise
        return done
    answers_arrived(campaign.evaluation_id, definition.code)
    return Receipt(key, response.id)
