"""The data stamp of each evaluation (``data_stamp``): a number that moves, in the transaction
that makes the change, whenever a response of the evaluation is added, changed or removed. The
results read it as their data revision with one primary-key lookup (:func:`stamp_of`) instead
of counting the selected responses at every view (docs/performance.md).

One home. A transaction says which evaluations' responses it changed with
:func:`data_changed`; their stamps move at commit, as the transaction's last statements, one
evaluation after another in id order. On PostgreSQL the stamp's row then stays locked only
while the commit is written, so the completions of one evaluation queue on it for no longer
than that, and two transactions never wait on each other in a cycle (same order, nothing
locked after). A stamp read before the data is never newer than the data read after it.

Changes made through the session are recorded without a call (:func:`_flushed`,
:func:`_executed`): response objects added, changed or deleted, and insert/update/delete
statements on ``response`` run through ``Session.execute``. A Core statement run on the
session's connection directly (the participant pages, for speed) must call
:func:`data_changed` itself: tests/test_data_stamp.py walks every path that writes responses
and fails on a file that writes ``response`` by Core without calling it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from .models import Campaign, DataStamp, Response

_KEY = "data_changed"  # in Session.info: {"evaluations": set(), "campaigns": set()}
_TABLE = Response.__table__


def data_changed(session: Session, evaluation_id: int | None) -> None:
    """This transaction changed responses of the evaluation: its stamp moves at commit.
    ``None`` (a response of no evaluation: an open /q/ link) changes no stamp."""
    if evaluation_id is not None:
        _pending(session)["evaluations"].add(evaluation_id)


def campaigns_changed(session: Session, campaign_ids: Iterable[int | None]) -> None:
    """This transaction changed responses of these campaigns (their evaluations' stamps move)."""
    _pending(session)["campaigns"].update(c for c in campaign_ids if c is not None)


def stamp_of(session: Session, evaluation_id: int) -> int:
    """The evaluation's data stamp, read afresh (one primary-key lookup; 0: no change yet)."""
    return session.connection().execute(
        select(DataStamp.stamp).where(DataStamp.evaluation_id == evaluation_id)
    ).scalar() or 0


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(_KEY, {"evaluations": set(), "campaigns": set()})


def _bump(session: Session) -> None:
    """Move the stamps of the evaluations this transaction changed (its last statements)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the commit would flush: recorded by ``_flushed``
    pending = session.info.pop(_KEY, None)
    if not pending or not (pending["evaluations"] or pending["campaigns"]):
        return
    connection = session.connection()
    evaluations = set(pending["evaluations"])
    if pending["campaigns"]:
        evaluations.update(connection.execute(
            select(Campaign.evaluation_id).where(Campaign.id.in_(sorted(pending["campaigns"])))
            .distinct()).scalars())
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    seed = time.time_ns() // 1000
    for evaluation_id in sorted(evaluations):  # one order for every transaction: no cycle
        statement = insert(DataStamp).values(evaluation_id=evaluation_id, stamp=seed)
        connection.execute(statement.on_conflict_do_update(
            index_elements=[DataStamp.evaluation_id],
            set_={"stamp": DataStamp.stamp + 1}))


def _campaign_ids(response: Response) -> set[int | None]:
    """The campaign a response object belongs to, and the one it left if it moved."""
    from sqlalchemy import inspect

    history = inspect(response).attrs.campaign_id.history
    found: set[int | None] = {*history.deleted, *history.unchanged, *history.added}
    if response.campaign_id is None and response.campaign is not None:
        found.add(response.campaign.id)
    return found


@event.listens_for(Session, "before_flush")
def _flushed(session: Session, _context: Any, _instances: Any) -> None:
    changed = [o for o in (*session.new, *session.deleted) if isinstance(o, Response)]
    changed += [o for o in session.dirty
                if isinstance(o, Response) and session.is_modified(o)]
    for response in changed:
        campaigns_changed(session, _campaign_ids(response))


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    """An insert, update or delete on ``response`` through ``Session.execute``."""
    if getattr(getattr(state.statement, "table", None), "name", None) != _TABLE.name:
        return
    if state.is_insert:
        rows = state.parameters or [state.statement.compile().params]
        rows = [rows] if isinstance(rows, dict) else rows
        campaigns_changed(state.session, (row.get("campaign_id") for row in rows))
    elif state.is_update or state.is_delete:  # the campaigns of the rows it will reach
        given = state.parameters or {}
        query = select(_TABLE.c.campaign_id).distinct()
        if state.statement.whereclause is not None:
            query = query.where(state.statement.whereclause)
        for params in [given] if isinstance(given, dict) else given:  # one, or executemany
            campaigns_changed(state.session,
                              state.session.connection().execute(query, params).scalars())


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _bump(session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction: committed or rolled back
        session.info.pop(_KEY, None)
