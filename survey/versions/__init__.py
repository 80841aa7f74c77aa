"""Store questionnaire definitions as immutable versions, identified by their content hash."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, defer

from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion
from ..models.questionnaire import known_definition, version_definition
from ..questionnaire import Definition, load_file


@dataclass(frozen=True)
class VersionFacts:
    """What the participant pages need of a version (which never changes): read with Core,
    its Definition built once per process."""

    id: int
    content_hash: str
    code: str  # its questionnaire's
    definition: Definition


@dataclass(frozen=True)
class Stored:
    version: QuestionnaireVersion
    created: bool


def store_definition(definition: Definition, source_name: str | None = None,
                     csv_sources: dict[str, Any] | None = None) -> Stored:
    """The version for this content: the existing one, or a new one (idempotent, race-safe).
    ``csv_sources`` (see :func:`.media.store_sources`) names the CSV files its choices came
    from; a version stored without them takes them from a later upload of its content."""
    for _attempt in range(2):
        existing = _find(definition)
        if existing is not None:
            if csv_sources and existing.csv_sources is None:
                existing.csv_sources = csv_sources  # not its content: it downloads with them
                db.session.commit()
            return Stored(existing, created=False)
        try:
            with db.session.begin_nested():
                questionnaire = db.session.scalar(
                    select(Questionnaire).filter_by(code=definition.code))
                if questionnaire is None:
                    questionnaire = Questionnaire(code=definition.code)
                    db.session.add(questionnaire)
                version = QuestionnaireVersion(
                    questionnaire=questionnaire, content_hash=definition.content_hash,
                    label=definition.version_label, source_name=source_name,
                    definition_data=dict(definition.raw), csv_sources=csv_sources)
                db.session.add(version)
            db.session.commit()
            return Stored(version, created=True)
        except IntegrityError:
            db.session.rollback()  # another process stored it at the same moment
    raise RuntimeError(f"could not store questionnaire {definition.code}")


def _find(definition: Definition) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.code == definition.code,
               QuestionnaireVersion.content_hash == definition.content_hash))


def load_directory(directory: str | Path) -> list[Stored]:
    """Load every ``*.yaml`` definition of a folder; a bad file raises DefinitionError."""
    return [store_definition(load_file(path), path.name)
            for path in sorted(Path(directory).glob("*.yaml"))]


# Built once: constructing the statement cost as much as running it on every page.
_LATEST = (select(QuestionnaireVersion).join(QuestionnaireVersion.questionnaire)
           .options(contains_eager(QuestionnaireVersion.questionnaire),
                    defer(QuestionnaireVersion.definition_data))
           .where(Questionnaire.code == bindparam("code"))
           .order_by(QuestionnaireVersion.id.desc()).limit(1))


def latest_version(code: str) -> QuestionnaireVersion | None:
    """The newest version of a questionnaire, with its questionnaire: the row comes without its
    large definition document, read only when this process has not built its Definition yet
    (versions never change)."""
    return db.session.scalar(_LATEST, {"code": code})


_NEWEST = (select(QuestionnaireVersion.id, QuestionnaireVersion.content_hash, Questionnaire.code)
           .join(QuestionnaireVersion.questionnaire)
           .where(Questionnaire.code == bindparam("code"))
           .order_by(QuestionnaireVersion.id.desc()).limit(1))


def newest_facts(code: str) -> VersionFacts | None:
    """The newest version of a questionnaire as the participant pages need it (one Core query:
    the ORM's version of it, :func:`latest_version`, cost twice as much on every page)."""
    row = db.session.connection().execute(_NEWEST, {"code": code}).first()
    if row is None:
        return None
    return facts(row.id, row.content_hash, row.code)


def facts(version_id: int, content_hash: str, code: str) -> VersionFacts:
    """A version's facts from a row that read its id, hash and questionnaire code."""
    return VersionFacts(version_id, content_hash, code, definition_of(version_id, content_hash))


def definition_of(version_id: int, content_hash: str) -> Definition:
    """A version's Definition, built once per process: its document is read from the database
    only the first time (versions never change)."""
    definition = known_definition(content_hash)
    if definition is None:
        data = db.session.scalar(select(QuestionnaireVersion.definition_data)
                                 .where(QuestionnaireVersion.id == version_id))
        definition = version_definition(content_hash, data)
    return definition


def latest_versions() -> list[QuestionnaireVersion]:
    codes = db.session.scalars(select(Questionnaire.code).order_by(Questionnaire.code))
    return [v for code in codes if (v := latest_version(code)) is not None]


def find_version(code: str, hash_prefix: str | None = None) -> QuestionnaireVersion | None:
    """A stored version by questionnaire code and the start of its content hash (the newest
    without one); None when unknown or when the prefix fits several versions."""
    if not hash_prefix:
        return latest_version(code)
    found = db.session.scalars(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.code == code,
               QuestionnaireVersion.content_hash.startswith(hash_prefix.lower(), autoescape=True))
        .limit(2)).all()
    return found[0] if len(found) == 1 else None

