"""The designer's drafts in the database: opened from scratch, from a bundled questionnaire
or from a version; every save validated (:mod:`.validation`), numbered and kept
(``draft_revision``), refused when made on an earlier revision than the draft's (optimistic
locking), and written to the audit log. No HTTP here: views call these."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..models import DraftRevision, QuestionnaireDraft, QuestionnaireVersion, User
from ..models.types import utcnow
from ..questionnaire import Definition
from ..questionnaire.messages import Text, msg
from ..versions.drafts import find_draft, save_draft
from .validation import Placed, validate

BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires"


@dataclass
class Saved:
    """The outcome of a save: the draft's new revision, or why nothing was saved: the
    problems of the definition, or the other save it came after (``conflict``)."""

    draft: QuestionnaireDraft | None
    revision: int = 0
    problems: list[Placed] = field(default_factory=list)
    conflict: DraftRevision | None = None
    refusal: Text | None = None  # neither: a draft of this evaluation has this content

    @property
    def ok(self) -> bool:
        return not self.problems and self.conflict is None and self.refusal is None


def draft_of(evaluation_id: int, draft_id: int) -> QuestionnaireDraft | None:
    """This evaluation's draft by id (None for another evaluation's)."""
    draft = db.session.get(QuestionnaireDraft, draft_id)
    return draft if draft is not None and draft.evaluation_id == evaluation_id else None


def revision_of(draft: QuestionnaireDraft) -> int:
    """The draft's revision: the number of its latest save (0: uploaded, never saved here)."""
    return db.session.scalar(select(func.coalesce(func.max(DraftRevision.number), 0))
                             .where(DraftRevision.draft_id == draft.id)) or 0


def revisions_of(draft: QuestionnaireDraft) -> list[DraftRevision]:
    """Its saves, the latest first."""
    return list(db.session.scalars(select(DraftRevision).filter_by(draft_id=draft.id)
                                   .order_by(DraftRevision.number.desc())))


def revision(draft: QuestionnaireDraft, number: int) -> DraftRevision | None:
    return db.session.scalar(select(DraftRevision).filter_by(draft_id=draft.id, number=number))


def _add_revision(draft: QuestionnaireDraft, number: int, data: Mapping[str, Any],
                  user: User | None, summary: str) -> DraftRevision:
    entry = DraftRevision(draft_id=draft.id, number=number,
                          definition_data=copy.deepcopy(dict(data)), summary=summary[:200],
                          saved_by=user.id if user is not None else None, saved_at=utcnow())
    db.session.add(entry)
    return entry


def save(draft: QuestionnaireDraft, data: Mapping[str, Any], expected: int | None,
         user: User | None, summary: str) -> Saved:
    """Save an edited definition made on revision ``expected`` of the draft. Refused, nothing
    changed, when the loader finds problems, or when someone saved the draft since
    (``conflict``: their save, kept)."""
    definition, problems = validate(data, draft.source_name or "designer")
    if problems or definition is None:
        return Saved(draft, problems=problems)
    current = revision_of(draft)
    if expected is None or expected != current:
        return Saved(draft, current, conflict=revision(draft, current))
    if definition.content_hash == draft.content_hash:
        return Saved(draft, current)  # nothing changed: no new save
    twin = find_draft(draft.evaluation_id, definition.content_hash)
    if twin is not None and twin.id != draft.id:
        return Saved(draft, current, refusal=msg(
            "another draft of this evaluation already has exactly this content: open it "
            "instead"))
    try:
        with db.session.begin_nested():
            if current == 0:  # the upload it came from is the first save of its history
                _add_revision(draft, 1, draft.definition_data, None, "uploaded")
                current = 1
            _store(draft, definition)
            _add_revision(draft, current + 1, definition.raw, user, summary)
    except IntegrityError:  # another save of the same revision at the same moment: the
        db.session.refresh(draft)  # savepoint is rolled back, the other save stands
        latest = revision_of(draft)
        return Saved(draft, latest, conflict=revision(draft, latest))
    audit.record("questionnaire-draft-saved", definition.code, actor=user,
                 evaluation_id=draft.evaluation_id, commit=False, draft=draft.id,
                 revision=current + 1, summary=summary[:200],
                 content_hash=definition.content_hash)
    db.session.commit()
    return Saved(draft, current + 1)


def _store(draft: QuestionnaireDraft, definition: Definition) -> None:
    draft.definition_data = copy.deepcopy(dict(definition.raw))
    draft.content_hash = definition.content_hash
    draft.uploaded_at = utcnow()
    draft.__dict__.pop("definition", None)  # the cached Definition of the earlier content
    db.session.flush()


def restore(draft: QuestionnaireDraft, number: int, expected: int | None,
            user: User | None) -> Saved:
    """Go back to an earlier save: its definition saved again, as the newest revision."""
    earlier = revision(draft, number)
    if earlier is None:
        raise LookupError(number)
    return save(draft, earlier.definition_data, expected, user, f"restored {number}")


def create(evaluation_id: int, data: Mapping[str, Any], source_name: str,
           user: User | None) -> tuple[QuestionnaireDraft | None, list[Placed]]:
    """A new draft of this content (the existing one if a draft already has it), its first
    save recorded; or the problems that refuse it."""
    definition, problems = validate(data, source_name)
    if definition is None:
        return None, problems
    draft = save_draft(evaluation_id, definition, source_name)
    if revision_of(draft) == 0:
        _add_revision(draft, 1, definition.raw, user, f"created {source_name}")
        audit.record("questionnaire-draft-created", definition.code, actor=user,
                     evaluation_id=evaluation_id, commit=False, draft=draft.id,
                     source=source_name[:200], content_hash=definition.content_hash)
        db.session.commit()
    return draft, []


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED.glob("*.yaml"))


def bundled_data(name: str) -> dict[str, Any] | None:
    """A bundled questionnaire's definition (None for a name that is not one)."""
    from ..questionnaire import load_file

    if name not in bundled_names():
        return None
    return copy.deepcopy(dict(load_file(BUNDLED / f"{name}.yaml").raw))


def version_data(content_hash: str) -> QuestionnaireVersion | None:
    return db.session.scalar(select(QuestionnaireVersion)
                             .where(QuestionnaireVersion.content_hash == content_hash))


def from_scratch(code: str, audience: str, minutes: int, texts: Mapping[str, Mapping[str, str]],
                 first: Mapping[str, Any]) -> dict[str, Any]:
    """A new questionnaire's definition: its texts per language and a first page holding
    one first question (a page is never empty)."""
    languages = [lang for lang in ("fr", "en")]
    return {
        "format": 1, "code": code, "version": "1", "audience": audience,
        "languages": languages, "minutes": minutes,
        "title": dict(texts.get("title") or {}),
        "introduction": dict(texts.get("introduction") or {}),
        "consent": dict(texts.get("consent") or {}),
        "sections": [{"code": str(first.get("page_code") or "page_1"),
                      "title": dict(texts.get("page_title") or {}),
                      "items": [dict(first.get("item") or {})]}],
    }
