"""A participant's presentation choices, kept on their response so that they follow it to
another device: the language now (easy-read wording and text size are to come, here).

The session holds the choices of this visit (``?lang=`` sets them); the response keeps the
last ones made while answering it. Opening a response through its private link brings its
choices back; changing one while answering updates the response.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import session

from ..language import participant_language
from ..questionnaire.model import Definition
from . import services
from .services import ResponseState


@dataclass(frozen=True)
class Presentation:
    """How the pages are shown to a participant (each field a column of ``response``)."""

    language: str


def of_visit(definition: Definition) -> Presentation:
    """The choices of this visit, among those the questionnaire offers."""
    return Presentation(language=participant_language(definition))


def of_response(response: ResponseState) -> Presentation:
    return Presentation(language=response.language)


def restore(response: ResponseState) -> None:
    """Make the response's choices this visit's (a private link opened on another device)."""
    session["lang"] = of_response(response).language


def keep(response: ResponseState) -> ResponseState:
    """Store this visit's choices on a response in progress when they changed (one
    conditional update, only then); returns the response as it now is."""
    chosen = of_visit(response.version.definition)
    if chosen == of_response(response) or response.completed:
        return response
    try:
        return services.set_presentation(response.id, asdict(chosen), read=response)
    except services.ResponseClosed:
        return response
