"""Pictures and sounds of questionnaires in the database (``questionnaire_media``), stored
once under their content-addressed names whoever uploads them again."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import QuestionnaireDraft, QuestionnaireMedia, QuestionnaireVersion
from ..questionnaire.media import NAME_RE, MediaFile, names_in


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


def media_contents(names: Iterable[str]) -> dict[str, bytes]:
    """Stored name -> content of the named files that are stored."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = db.session.execute(select(QuestionnaireMedia.name, QuestionnaireMedia.data)
                              .where(QuestionnaireMedia.name.in_(wanted)))
    return {name: bytes(data) for name, data in rows}


def remove_unused(names: Iterable[str]) -> list[str]:
    """Delete those of ``names`` that no draft and no version shows any more (the files of a
    dropped draft never published); return them. The caller commits. Every stored definition
    is read: drafts are dropped rarely, and a file is shared by any number of them."""
    candidates = set(names)
    if not candidates:
        return []
    for model in (QuestionnaireDraft, QuestionnaireVersion):
        for (data,) in db.session.execute(select(model.definition_data)):
            candidates -= names_in(data or {})
            if not candidates:
                return []
    unused = sorted(candidates)
    db.session.execute(delete(QuestionnaireMedia).where(QuestionnaireMedia.name.in_(unused)))
    return unused
