"""Reading what an export needs from the database: a questionnaire's versions and its
responses, streamed in batches (server-side cursors on PostgreSQL), never the secrets.

Only the columns an export shows are selected: no resume or start hashes, no drafts, and no
contact details or IP addresses (responses have none).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Connection, Engine, Row, Select, Text, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models import Campaign, Questionnaire, QuestionnaireVersion, Response
from ..models.response import COMPLETED, MODE_SELF
from ..questionnaire.repeats import flatten, repeated_sections, wide
from .campaign import CampaignContext
from .schema import StoredVersion

BATCH = 500  # rows fetched per round trip (as JSON text: a few MB at most)
AHEAD = 2  # batches a reading thread may hold ready (``prefetch``)


class ResponseRow(NamedTuple):
    id: int
    version_id: int
    status: str
    language: str
    answers: dict[str, Any]
    started_at: str | None  # UTC, ``YYYY-MM-DDTHH:MM:SSZ`` (:class:`utc_text`)
    completed_at: str | None
    campaign_id: int | None = None
    panel_hash: str | None = None
    mode: str = MODE_SELF  # how it was collected: self, assisted, paper
    wording: str = "standard"  # what its pages were answered in (else the wording shown)


@dataclass(frozen=True)
class Selection:
    """Which responses of a questionnaire an export holds: by status and collection mode
    (``modes``), and, when ``evaluation_id`` is given, only those of that evaluation's
    campaigns, optionally of some sites, waves and audiences; ``hidden``: (item, value) pairs
    a response's answers must hold (values of ``hidden`` items, compared in SQL as text)."""

    questionnaire: str
    statuses: tuple[str, ...] = (COMPLETED,)
    evaluation_id: int | None = None
    site_ids: tuple[int, ...] = ()
    wave_ids: tuple[int, ...] = ()
    audiences: tuple[str, ...] = ()
    hidden: tuple[tuple[str, str], ...] = ()
    modes: tuple[str, ...] = ()  # how responses were collected (self, assisted, paper)

    def where(self, version_ids: list[int]) -> list[Any]:
        """The SQL conditions on ``response`` for this selection."""
        conditions: list[Any] = [Response.version_id.in_(version_ids),
                                 Response.status.in_(self.statuses)]
        if self.evaluation_id is not None:
            campaigns = select(Campaign.id).where(Campaign.evaluation_id == self.evaluation_id)
            if self.site_ids:
                campaigns = campaigns.where(Campaign.site_id.in_(self.site_ids))
            if self.wave_ids:
                campaigns = campaigns.where(Campaign.wave_id.in_(self.wave_ids))
            if self.audiences:
                campaigns = campaigns.where(Campaign.audience.in_(self.audiences))
            conditions.append(Response.campaign_id.in_(campaigns))
        if self.modes:
            conditions.append(Response.mode.in_(self.modes))
        for item, value in self.hidden:  # the item's name is a bound parameter of the path
            conditions.append(Response.answers[item].as_string() == value)
        return conditions


class UnknownQuestionnaire(LookupError):
    pass


def stored_versions(code: str) -> list[StoredVersion]:
    """Every version of a questionnaire, oldest first; a repeated page's items as their wide
    block of numbered columns (``age_1``, ``age_2`` ...: ``repeats.wide``)."""
    versions = db.session.scalars(
        select(QuestionnaireVersion).join(Questionnaire).where(Questionnaire.code == code)
        .order_by(QuestionnaireVersion.id)).all()
    if not versions:
        raise UnknownQuestionnaire(code)
    return [StoredVersion(id=v.id, content_hash=v.content_hash, label=v.label,
                          created_at=v.created_at, definition=wide(v.definition),
                          repeated=bool(repeated_sections(v.definition))) for v in versions]


def questionnaire_codes() -> list[str]:
    return list(db.session.scalars(select(Questionnaire.code).order_by(Questionnaire.code)))


class utc_text(FunctionElement):  # noqa: N801 - used as a SQL function
    """A stored time as the exports write it, UTC ``YYYY-MM-DDTHH:MM:SSZ``, formatted by the
    database: turning each row's two times into datetimes and back to text took a tenth of a
    wide CSV's time (on PostgreSQL, the database's own process now does it)."""

    type = Text()
    inherit_cache = True


@compiles(utc_text, "sqlite")
def _utc_text_sqlite(element: utc_text, compiler: Any, **kw: Any) -> str:
    # SQLite stores UtcDateTime as UTC text, "YYYY-MM-DD HH:MM:SS.ffffff"
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)})"


@compiles(utc_text, "postgresql")
def _utc_text_postgresql(element: utc_text, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def export_query(selection: Selection, version_ids: list[int]) -> Select:
    """The selected responses' exported columns in id order. ``yield_per`` streams it through
    a server-side cursor (PostgreSQL) and the primary key's order lets the database send the
    first rows at once (an index scan, no sort)."""
    return (select(Response.id, Response.version_id, Response.status, Response.language,
                   cast(Response.answers, Text), utc_text(Response.started_at),
                   utc_text(Response.completed_at),
                   Response.campaign_id, Response.panel_hash, Response.mode,
                   func.coalesce(Response.answered_in, Response.wording))
            .where(*selection.where(version_ids))
            .order_by(Response.id))


def response_rows(selection: Selection, version_ids: list[int], batch: int = BATCH,
                  flat: bool = True, prefetch: bool = False) -> Iterator[ResponseRow]:
    """The selected responses in id order, ``batch`` rows in memory at a time.

    Answers arrive as JSON text and are decoded one row at a time with orjson (the decoder's
    time dominates large exports: docs/performance.md). A repeated page's occurrences become
    numbered keys (``repeats.flatten``; ``flat=False`` keeps them as stored); only answers
    holding a list of mappings (``[{``) need it.

    ``prefetch`` (PostgreSQL): the rows are read by a thread on a connection of its own while
    this one writes the previous batches, so the database's work (turning each response's
    JSONB into text) runs alongside the export's instead of between its batches. Only
    committed responses are read then."""
    query = export_query(selection, version_ids)
    if prefetch and db.session.get_bind().dialect.name == "postgresql":
        batches = _prefetched(db.engine, query, batch)
    else:  # Core rows through the session's connection (no ORM row handling needed)
        batches = _batches(db.session.connection(), query, batch)
    loads = orjson.loads
    for rows in batches:
        for (id_, version_id, status, language, answers, started, completed, campaign, panel,
             mode, wording) in rows:
            values = loads(answers) if answers else {}
            if flat and answers and "[{" in answers:
                values = flatten(values)
            yield ResponseRow(id_, version_id, status, language, values, started, completed,
                              campaign, panel, mode, wording)


def _batches(connection: Connection, query: Select, batch: int) -> Iterator[list[Row]]:
    """The rows of ``query`` in lists of ``batch``, through a server-side cursor on
    PostgreSQL (``yield_per``)."""
    yield from connection.execute(query.execution_options(yield_per=batch)).partitions()


def _prefetched(engine: Engine, query: Select, batch: int) -> Iterator[list[Row]]:
    """:func:`_batches` read by a thread on its own connection, up to ``AHEAD`` batches ahead.
    Closing the generator stops the thread and returns its connection; an error of the thread
    is raised here."""
    ready: queue.Queue[list[Row] | BaseException | None] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(item: list[Row] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with engine.connect() as connection:
                for rows in _batches(connection, query, batch):
                    if not put(rows):
                        return
            put(None)
        except BaseException as error:  # raised in the reading generator
            put(error)

    reader = threading.Thread(target=read, name="export-rows", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def count_rows(selection: Selection, version_ids: list[int]) -> int:
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count(Response.id)).where(*selection.where(version_ids)))


__all__ = ["CampaignContext", "ResponseRow", "Selection", "UnknownQuestionnaire",
           "count_rows", "export_query", "questionnaire_codes", "response_rows", "stored_versions"]
