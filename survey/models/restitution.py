"""Results given back (restitution): a results-back page per evaluation and audience, its
findings in plain language, and participants' reactions to each finding.

A page opens publicly through its own link (a token derived from the app's key and the page's
random seed; only its digest is stored) or only through participants' own links (resume link,
invitation). A reaction keeps no identity: its ``reactor`` is a keyed digest of the link (or of
a browser's random cookie on a public page), never the link itself, so the database cannot tie
a reaction to a response.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JsonDocument, UtcDateTime, utcnow
from .workspace import Evaluation

DRAFT = "draft"
PUBLISHED = "published"
PUBLIC = "public"  # anyone with the page's own link (a poster, a handout)
PARTICIPANTS = "participants"  # only through a participant's resume link or invitation
ACCESSES = (PUBLIC, PARTICIPANTS)
ANSWERS = ("yes", "partly", "no")  # "Does this match your experience?"
MAX_TITLE = 200


class ResultsPage(db.Model):
    """The results given back to one audience of one evaluation."""

    __tablename__ = "results_page"
    __table_args__ = (UniqueConstraint("evaluation_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    audience: Mapped[str] = mapped_column(String(32))
    access: Mapped[str] = mapped_column(String(16), default=PARTICIPANTS)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # language -> text, written by the researcher
    title: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    use: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)  # how results are used
    seed: Mapped[str] = mapped_column(String(64))  # the public link's token derives from it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    announced_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)  # contacts emailed

    evaluation: Mapped[Evaluation] = relationship()
    findings: Mapped[list[Finding]] = relationship(order_by="Finding.position",
                                                   back_populates="page")

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


class Finding(db.Model):
    """One key finding, in the researcher's words in each language, started from a generated
    sentence; optionally with the chart of one question (its figures kept, suppressed, when
    the researcher chose it)."""

    __tablename__ = "results_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("results_page.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    generated: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    questionnaire: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str | None] = mapped_column(String(64))
    # language -> {"question", "total", "rows": [[label, count|None, percent|None]]}
    chart: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    page: Mapped[ResultsPage] = relationship(back_populates="findings")


class Reaction(db.Model):
    """"Does this match your experience?": one per finding per participant link or browser."""

    __tablename__ = "results_reaction"
    __table_args__ = (UniqueConstraint("finding_id", "reactor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("results_finding.id", ondelete="CASCADE"),
                                            index=True)
    reactor: Mapped[str] = mapped_column(String(64))  # a keyed digest, never the link itself
    answer: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    given_on: Mapped[dt.date] = mapped_column(Date)  # the day only: nothing to match with logs
