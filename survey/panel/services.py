"""An evaluation's panel-code setting, and the code a response gets (keyed hash only).

The key of an evaluation is never stored: it is computed from the instance secret
(``SECRET_KEY``, kept in the instance folder) and the evaluation's random salt (stored on the
evaluation, set once when panel codes are first turned on, never changed: a new salt would
stop every later wave from matching the earlier ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app
from sqlalchemy import func, select

from ..audit import record
from ..context import EvaluationFacts
from ..extensions import db
from ..models import Campaign, Contact, Evaluation, FollowupSeries, Response, User
from ..models.workspace import PANEL_INVITATION, PANEL_MODES, PANEL_OFF, PANEL_SELF
from ..secrets import new_secret
from . import codes
from .questions import DEFAULT, Question, chosen, parts, valid_choice

SALT_BYTES = 24


class PanelError(ValueError):
    """A refused change of the setting; its text is a reason code (``invalid-mode``...)."""


def questions_of(evaluation: Evaluation) -> list[Question]:
    return chosen(evaluation.panel_questions or [])


def asks_questions(evaluation: Evaluation | EvaluationFacts | None) -> bool:
    return evaluation is not None and evaluation.panel_mode == PANEL_SELF


def collected(evaluation: Evaluation) -> int:
    """How many responses of this evaluation carry a panel code."""
    return db.session.scalar(
        select(func.count(Response.id)).join(Campaign, Response.campaign_id == Campaign.id)
        .where(Campaign.evaluation_id == evaluation.id, Response.panel_hash.is_not(None))) or 0


def configure(evaluation: Evaluation, mode: str, question_codes: Sequence[str] = DEFAULT,
              actor: User | None = None) -> None:
    """Set how this evaluation links waves. Once codes are collected, the mode and questions
    are locked: another way of computing them would never match the codes already given."""
    question_codes = list(question_codes) if mode == PANEL_SELF else []
    if mode not in PANEL_MODES:
        raise PanelError("invalid-mode")
    if mode == PANEL_SELF and not valid_choice(question_codes):
        raise PanelError("invalid-questions")
    ordered = [q.code for q in chosen(question_codes)]
    if (mode, ordered) == (evaluation.panel_mode, list(evaluation.panel_questions or [])):
        return
    if collected(evaluation):
        raise PanelError("panel-locked")
    if mode == PANEL_OFF and db.session.scalar(select(FollowupSeries.id).filter_by(
            evaluation_id=evaluation.id).limit(1)) is not None:
        raise PanelError("series-need-codes")  # its steps are linked by panel code
    evaluation.panel_mode = mode
    evaluation.panel_questions = ordered
    if mode != PANEL_OFF and not evaluation.panel_salt:
        evaluation.panel_salt = new_secret(SALT_BYTES)
    record("panel-codes-set", f"evaluation {evaluation.id}", actor=actor,
           evaluation_id=evaluation.id, commit=False, mode=mode, questions=ordered)
    db.session.commit()


def _key(evaluation: Evaluation) -> bytes:
    if not evaluation.panel_salt:  # turned on before this code existed: cannot happen
        raise PanelError("no-salt")
    return codes.evaluation_key(current_app.config["SECRET_KEY"], evaluation.panel_salt)


def hash_answers(evaluation: Evaluation, posted: Mapping[str, object]
                 ) -> tuple[str | None, list[str]]:
    """The keyed hash of a participant's answers to the evaluation's questions, and the codes
    of the questions missing or invalid (then no hash)."""
    questions = questions_of(evaluation)
    found, missing = parts(questions, posted)
    if missing or not questions:
        return None, missing
    text = codes.code_text(found, [q.code for q in questions])
    return codes.keyed_hash(_key(evaluation), "sgic", text), []


def hash_for_contact(evaluation: Evaluation, contact: Contact | None) -> str | None:
    """The panel code an invitation carries: the same for a contact in every wave of the
    evaluation (contacts are per evaluation); none for links handed out without a contact,
    or when the evaluation does not link waves through invitations."""
    if (contact is None or evaluation.panel_mode != PANEL_INVITATION
            or contact.evaluation_id != evaluation.id):
        return None
    return codes.keyed_hash(_key(evaluation), "contact", str(contact.id))
