"""Pictures and sounds of questionnaires in the database (``questionnaire_media``), stored
once under their content-addressed names whoever uploads them again."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import QuestionnaireMedia
from ..questionnaire.media import NAME_RE, MediaFile


def store_media(files: Iterable[MediaFile]) -> None:
    """Add the files not stored yet (race-safe: a name is its content). The caller commits."""
    for file in files:
        if db.session.get(QuestionnaireMedia, file.name) is not None:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(QuestionnaireMedia(name=file.name, content_type=file.content_type,
                                                  data=file.data))
        except IntegrityError:
            pass  # the same file stored at the same moment


def find_media(name: str) -> QuestionnaireMedia | None:
    if not NAME_RE.match(name or ""):
        return None
    return db.session.scalar(select(QuestionnaireMedia).filter_by(name=name))
