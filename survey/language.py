"""The participant's language: decided in one place, read by pages, messages and responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request, session

from . import context
from .questionnaire.model import Definition

View = TypeVar("View", bound=Callable)


def language_in_url(view: View) -> View:
    """Mark a view whose language is part of its URL (a questionnaire's preview): the language
    switch and ``?lang=`` then leave the visitor's own language (the session's) alone."""
    view.language_in_url = True  # type: ignore[attr-defined]
    return view


def switch_language(languages: list[str]) -> None:
    """Remember the language asked by ``?lang=`` for this visitor, except on the views whose
    language comes from their URL."""
    wanted = request.args.get("lang")
    view = current_app.view_functions.get(request.endpoint or "")
    if wanted in languages and not getattr(view, "language_in_url", False):
        session["lang"] = wanted


def participant_language(definition: Definition | None = None) -> str:
    """The language chosen on this visit if the questionnaire offers it, else the
    questionnaire's first language; outside a questionnaire, among the app's languages.

    The definition is the one given, else the one the current request shows
    (:func:`survey.context.shown`, set before anything is rendered).
    """
    shown = context.shown()
    definition = definition or shown.definition
    chosen = shown.language or session.get("lang")  # a preview shows one language
    if definition is not None:
        return chosen if chosen in definition.languages else definition.default_language
    languages = list(current_app.config["LANGUAGES"])
    return chosen if chosen in languages else languages[0]
