"""The participant's language: decided in one place, read by pages, messages and responses."""

from __future__ import annotations

from flask import current_app, g, session

from .questionnaire.model import Definition


def participant_language(definition: Definition | None = None) -> str:
    """The language chosen on this visit if the questionnaire offers it, else the
    questionnaire's first language; outside a questionnaire, among the app's languages.

    The definition is the one given, else the one the current request shows (``g.definition``,
    set by the participant blueprint before anything is rendered).
    """
    definition = definition or g.get("definition")
    chosen = g.get("preview_language") or session.get("lang")  # a preview shows one language
    if definition is not None:
        return chosen if chosen in definition.languages else definition.default_language
    languages = list(current_app.config["LANGUAGES"])
    return chosen if chosen in languages else languages[0]
