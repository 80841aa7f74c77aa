"""The questionnaire designer: build and edit drafts in the browser (pages, questions of every
type with their settings, choices, scales, both languages side by side), each save validated
as an upload is, kept in the draft's history, and guarded against two people's saves."""

# Their views join the blueprint.
from . import bank_views, drafts, history, items, pages  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
