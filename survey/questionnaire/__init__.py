"""Questionnaire definitions: parse, validate, evaluate. No Flask, no database."""

from .loader import (
    DefinitionError,
    Problem,
    content_hash,
    load_data,
    load_file,
    load_text,
    rebuild,
)
from .model import Choice, Definition, Item, Scale, Section

__all__ = [
    "Choice", "Definition", "DefinitionError", "Item", "Problem", "Scale", "Section",
    "content_hash", "load_data", "load_file", "load_text", "rebuild",
]
