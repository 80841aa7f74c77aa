"""Responses: answers as one JSON document, never with an IP address or a user agent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from .workspace import Campaign

from ..extensions import db
from .questionnaire import QuestionnaireVersion
from .types import JsonDocument, UtcDateTime, utcnow

STARTED = "started"
COMPLETED = "completed"
# How a response was collected: by the participant alone, with a navigator, or typed back
# from a paper copy (exported, and a results filter).
MODE_SELF = "self"
MODE_ASSISTED = "assisted"
MODE_PAPER = "paper"
MODES = (MODE_SELF, MODE_ASSISTED, MODE_PAPER)


class Response(db.Model):
    __tablename__ = "response"
    # Ids are never reused (SQLite would reuse the newest after a withdrawal), so an id kept
    # anywhere can never come to name someone else's response.
    # Counts and revisions of completed responses per campaign (results pages, at every view)
    # read this index alone, never the rows and their answers.
    __table_args__ = (Index("ix_response_campaign_status", "campaign_id", "status",
                            "version_id", "completed_at"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), index=True)
    # The campaign whose link started it; None for the open /q/<code> links (and older rows).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    status: Mapped[str] = mapped_column(String(16), default=STARTED, index=True)
    language: Mapped[str] = mapped_column(String(8))
    # The participant's display options (survey/participate/presentation.py): larger text,
    # faces beside the points of agreement scales. Never exported: they change no answer.
    larger_text: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    faces: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    mode: Mapped[str] = mapped_column(String(16), default=MODE_SELF, server_default=MODE_SELF)
    # The wording the participant reads (standard or easy: easy-read), restored on resume,
    # and the wording(s) its pages were answered in: NULL before the first page is saved,
    # then standard, easy, or mixed (survey/questionnaire/wording.py).
    wording: Mapped[str] = mapped_column(String(8), default="standard",
                                         server_default="standard")
    answered_in: Mapped[str | None] = mapped_column(String(8))
    answers: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # What was typed but not accepted yet on "Previous" or "Save and continue later" (item
    # code -> its inputs' values), shown again on the page, never exported.
    drafts: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    current_section: Mapped[str | None] = mapped_column(String(64))
    # Optimistic concurrency: every save is "update ... where revision = the one I read".
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # SHA-256 of the random secrets; the secrets themselves are never stored.
    resume_hash: Mapped[str] = mapped_column(String(64), unique=True)
    start_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The panel code: a keyed hash (survey/panel/codes.py), never the answers it comes from.
    panel_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    version: Mapped[QuestionnaireVersion] = relationship()
    campaign: Mapped[Campaign | None] = relationship()

    @property
    def completed(self) -> bool:
        return self.status == COMPLETED


class SpentToken(db.Model):
    """Digests of single-use secrets that may never start anything again (the start token of
    a withdrawn response): a replayed consent form cannot bring a response back."""

    __tablename__ = "spent_token"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    spent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class DataStamp(db.Model):
    """A number per evaluation that moves, in the transaction that makes the change, whenever
    a response of the evaluation is added, changed or removed: the results' data revision,
    read with one primary-key lookup instead of counting responses (:mod:`survey.datastamp`
    moves it; an evaluation without a row has had no response since the table was made)."""

    __tablename__ = "data_stamp"

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    # Starts at the time of the evaluation's first change in microseconds (then + 1 at each
    # change), so that an evaluation id reused after a deletion (SQLite) never comes back to a
    # stamp its predecessor's cached results were computed at.
    stamp: Mapped[int] = mapped_column(BigInteger)
