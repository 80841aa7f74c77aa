"""Uploaded definitions not yet published: drafts of an evaluation, rows of
``questionnaire_draft`` (never in the versions table).

A draft is content-addressed like a version: uploading the same content again gives the same
draft (its file name, notes and upload time refreshed), a changed file a new one; a draft can
be replaced or dropped freely, and publishing stores it as a version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import QuestionnaireDraft
from ..models.types import utcnow
from ..questionnaire import Definition
from ..questionnaire.media import MediaFile, names_in
from ..questionnaire.messages import Note
from ..questionnaire.xlsform import FileSources
from .media import csv_names, remove_unused, store_media, store_sources

HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def save_draft(evaluation_id: int, definition: Definition, source_name: str,
               notes: list[Note] | tuple[Note, ...] = (),
               media: Iterable[MediaFile] = (), sources: FileSources | None = None
               ) -> QuestionnaireDraft:
    """The draft of this content in the evaluation, created or refreshed (race-safe), with
    the pictures and sounds it names and the CSV files its choices came from (those of the
    latest upload of this content)."""
    store_media(media)
    csv_sources = store_sources(sources)
    for _attempt in range(2):
        draft = find_draft(evaluation_id, definition.content_hash)
        try:
            with db.session.begin_nested():
                if draft is None:
                    draft = QuestionnaireDraft(evaluation_id=evaluation_id,
                                               content_hash=definition.content_hash,
                                               definition_data=dict(definition.raw))
                    db.session.add(draft)
                replaced = csv_names(draft.csv_sources) - csv_names(csv_sources)
                draft.source_name = source_name[:255]
                draft.csv_sources = csv_sources
                draft.notes = [note.to_json() for note in notes]  # translated when shown
                draft.uploaded_at = utcnow()
            remove_unused(replaced)  # CSV files of an earlier upload of this content
            db.session.commit()
            return draft
        except IntegrityError:
            db.session.rollback()  # the same content uploaded at the same moment
    raise RuntimeError(f"could not store the draft of {definition.code}")


def find_draft(evaluation_id: int, content_hash: str) -> QuestionnaireDraft | None:
    if not HASH_RE.match(content_hash or ""):
        return None
    return db.session.scalar(select(QuestionnaireDraft).filter_by(
        evaluation_id=evaluation_id, content_hash=content_hash))


def drafts_of(evaluation_id: int) -> list[QuestionnaireDraft]:
    """The evaluation's drafts, the latest upload first."""
    return list(db.session.scalars(
        select(QuestionnaireDraft).filter_by(evaluation_id=evaluation_id)
        .order_by(QuestionnaireDraft.uploaded_at.desc(), QuestionnaireDraft.id.desc())))


def drop_draft(evaluation_id: int, content_hash: str, *, commit: bool = True) -> None:
    """Drop the draft (discarded, or published as a version), and the pictures, sounds and
    CSV files that only it showed: a draft never published leaves no files behind."""
    draft = find_draft(evaluation_id, content_hash)
    shown = (names_in(draft.definition_data or {}) | csv_names(draft.csv_sources)
             if draft is not None else set())
    db.session.execute(delete(QuestionnaireDraft).where(
        QuestionnaireDraft.evaluation_id == evaluation_id,
        QuestionnaireDraft.content_hash == content_hash))
    remove_unused(shown)
    if commit:
        db.session.commit()
