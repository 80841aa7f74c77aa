"""A participant's presentation choices, kept on their response so that they follow it to
another device: the language, the wording (standard or easy-read), and the display options
(larger text; faces beside the points of agreement scales), which a page's buttons turn on and
off (``nav=<option>``, keeping what was typed, like "Previous", with or without JavaScript).

The session holds the choices of this visit (``?lang=`` and ``?wording=`` set them, and the
page form's wording button); the response keeps the last ones made while answering it.
Opening a response through its private link brings its choices back; changing one while
answering updates the response.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import request, session

from ..language import participant_language
from ..questionnaire import wording as wordings
from ..questionnaire.model import Definition
from . import services
from .services import ResponseState

# The display options, each a boolean field of Presentation, a column of ``response``, a key of
# the session and the ``nav`` value of the page's button that turns it on or off.
OPTIONS = ("larger_text", "faces")


@dataclass(frozen=True)
class Presentation:
    """How the pages are shown to a participant (each field a column of ``response``)."""

    language: str
    larger_text: bool
    faces: bool
    wording: str = wordings.STANDARD


def options() -> dict[str, bool]:
    """This visit's display options (all off unless turned on)."""
    return {name: session.get(name) is True for name in OPTIONS}


def toggle(option: str) -> None:
    """Turn a display option on or off for this visit (the response follows on its next
    page, :func:`keep`)."""
    session[option] = not options()[option]


def of_visit(definition: Definition) -> Presentation:
    """The choices of this visit, among those the questionnaire offers (easy-read only where
    it has easy wording in the language)."""
    language = participant_language(definition)
    wording = wordings.check_wording(session.get("wording"))
    if not wordings.has_easy(definition, language):
        wording = wordings.STANDARD
    return Presentation(language=language, wording=wording, **options())


def of_response(response: ResponseState) -> Presentation:
    return Presentation(language=response.language, larger_text=response.larger_text,
                        faces=response.faces, wording=response.wording)


def restore(response: ResponseState) -> None:
    """Make the response's choices this visit's (a private link opened on another device)."""
    kept = of_response(response)
    session["lang"] = kept.language
    session["wording"] = kept.wording
    for name in OPTIONS:
        session[name] = getattr(kept, name)


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


# -- the wording ----------------------------------------------------------------------------

def choose_wording(wording: str) -> None:
    """This visit's wording from now on (the page's button, or ``?wording=``)."""
    session["wording"] = wordings.check_wording(wording)


def wording_from_query() -> None:
    """``?wording=easy`` or ``?wording=standard`` on a page without a form to keep (welcome,
    consent): the visit's wording."""
    wanted = request.args.get("wording")
    if wanted in wordings.WORDINGS:
        choose_wording(wanted)


def shown(definition: Definition) -> Definition:
    """The definition in this visit's wording, for the page (a text without an easy-read
    wording keeps its standard one)."""
    return wordings.in_wording(definition, of_visit(definition).wording)


def switch(definition: Definition) -> str | None:
    """The wording the page's switch offers (``easy`` or ``standard``), or None when the
    questionnaire has no easy-read wording in the page's language."""
    chosen = of_visit(definition)
    if not wordings.has_easy(definition, chosen.language):
        return None
    return wordings.STANDARD if chosen.wording == wordings.EASY else wordings.EASY
