"""Pictures and sounds of questionnaires in the database (``questionnaire_media``), stored
once under their content-addressed names whoever uploads them again; and the CSV files an
upload's choices came from (``<sha256>.csv`` rows, never served to participants), named by the
``csv_sources`` of its drafts and versions so that a version downloads with them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import QuestionnaireDraft, QuestionnaireMedia, QuestionnaireVersion
from ..questionnaire.media import NAME_RE, MediaFile, names_in
from ..questionnaire.xlsform import FileSources

CSV_NAME_RE = re.compile(r"^[0-9a-f]{64}\.csv$")


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


def store_sources(sources: FileSources | None) -> dict[str, Any] | None:
    """Store the CSV files of ``sources`` (content-addressed, as the pictures) and return what
    a draft or version keeps of them (``csv_sources``); None when choices came from no file.
    The caller commits."""
    if not sources:
        return None
    stored = {file: f"{hashlib.sha256(data).hexdigest()}.csv"
              for file, data in sorted(sources.files.items())}
    store_media(MediaFile(stored[file], "text/csv", data) for file, data in sources.files.items())
    return {"files": stored, "types": dict(sources.types), "lists": list(sources.lists)}


def load_sources(document: Mapping[str, Any] | None) -> FileSources | None:
    """The CSV files (with their contents) a draft's or version's ``csv_sources`` names; None
    without them, or when one is not stored any more (then the choices go in the workbook)."""
    if not isinstance(document, Mapping) or not document.get("types"):
        return None
    files = dict(document.get("files") or {})
    contents = media_contents(name for name in files.values() if CSV_NAME_RE.match(str(name)))
    if any(name not in contents for name in files.values()):
        return None
    return FileSources(files={file: contents[name] for file, name in files.items()},
                       types=dict(document["types"]), lists=list(document.get("lists") or []))


def files_of(row: QuestionnaireDraft | QuestionnaireVersion
             ) -> tuple[dict[str, bytes], FileSources | None]:
    """What a version (or draft) downloads with: its stored pictures and sounds (name ->
    content) and the CSV files its choices came from."""
    return (media_contents(names_in(row.definition_data or {})),
            load_sources(row.csv_sources))


def csv_names(document: Mapping[str, Any] | None) -> set[str]:
    """The stored names of the CSV files a ``csv_sources`` document names."""
    if not isinstance(document, Mapping):
        return set()
    return {str(name) for name in (document.get("files") or {}).values()}


def remove_unused(names: Iterable[str]) -> list[str]:
    """Delete those of ``names`` that no draft and no version shows any more (the files of a
    dropped draft never published, its CSV files too); return them. The caller commits. Every
    stored definition is read: drafts are dropped rarely, and a file is shared by any number
    of them."""
    candidates = set(names)
    if not candidates:
        return []
    for model in (QuestionnaireDraft, QuestionnaireVersion):
        for data, sources in db.session.execute(select(model.definition_data,
                                                       model.csv_sources)):
            candidates -= names_in(data or {}) | csv_names(sources)
            if not candidates:
                return []
    unused = sorted(candidates)
    db.session.execute(delete(QuestionnaireMedia).where(QuestionnaireMedia.name.in_(unused)))
    return unused
