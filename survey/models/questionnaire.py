"""Questionnaires and their immutable versions."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..caching import Cache
from ..extensions import db
from ..questionnaire import Definition, load_data, rebuild
from .types import JsonDocument, UtcDateTime, utcnow


class Questionnaire(db.Model):
    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.id")


class QuestionnaireVersion(db.Model):
    """One published content of a questionnaire, identified by its content hash; never updated."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(64))
    source_name: Mapped[str | None] = mapped_column(String(255))
    definition_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # The CSV files its choices came from, to download it with them (see
    # versions.media.store_sources); None for a version without them or stored before.
    csv_sources: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")

    @cached_property
    def definition(self) -> Definition:
        """Built once per process; the (often deferred) document is read only the first time."""
        known = known_definition(self.content_hash)
        return known or version_definition(self.content_hash, self.definition_data)


class QuestionnaireDraft(db.Model):
    """An uploaded definition of an evaluation, not yet published: content-addressed like a
    version (the same content uploaded again is the same draft), replaced or dropped freely;
    publishing stores it as a :class:`QuestionnaireVersion`."""

    __tablename__ = "questionnaire_draft"
    __table_args__ = (UniqueConstraint("evaluation_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(255), default="")
    definition_data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # What the XLSForm conversion assumed or ignored, shown on the draft's page: each a
    # questionnaire.messages.Note as JSON (plain strings in drafts stored before).
    notes: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    csv_sources: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument, nullable=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    @cached_property
    def definition(self) -> Definition:
        return load_data(self.definition_data, self.source_name)


class QuestionnaireMedia(db.Model):
    """A picture or sound shown with questions, stored once under its content-addressed name
    (``survey.questionnaire.media``): drafts and versions name it, any number of them."""

    __tablename__ = "questionnaire_media"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


DEFINITIONS: Cache[Definition] = Cache(256)  # content hash -> its Definition


def known_definition(content_hash: str) -> Definition | None:
    """The Definition this process already built for a version's content, if any."""
    return DEFINITIONS.find(content_hash)


def version_definition(content_hash: str, data: dict[str, Any]) -> Definition:
    """Versions never change, so each process builds a version's Definition once, not per page."""
    return DEFINITIONS.get(content_hash,
                           lambda: rebuild(data, f"version {content_hash[:12]}"))
