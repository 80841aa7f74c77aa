"""A definition's codebook: the input contract of the ``analysis`` library.

The schema belongs to ``analysis.codebook`` (the library must work without the app); this module
only translates a :class:`Definition` into it, and checks the result with the library's own
parser so the two can never drift apart silently.
"""

from __future__ import annotations

from typing import Any

from analysis.codebook import CODEBOOK_FORMAT, METADATA_COLUMNS, MISSING_CODES, parse_codebook

from .model import Definition, Scale


def scale_entry(scale: Scale) -> dict[str, Any]:
    """A scale as the analysis codebook lists it."""
    return {"code": scale.code, "items": list(scale.items), "reverse": list(scale.reverse),
            "points": scale.points, "min_answered": scale.min_answered,
            "construct": dict(scale.construct), "reference": scale.reference or ""}


def codebook(definition: Definition) -> dict[str, Any]:
    """The codebook of one questionnaire version, as a JSON-ready dict."""
    items = [entry for item in definition.items()
             for entry in item.itemtype.codebook(item, definition.roster(item))]
    document = {
        "codebook_format": CODEBOOK_FORMAT,
        "questionnaire": definition.code,
        "version": definition.content_hash,
        "version_label": definition.version_label or "",
        "title": dict(definition.title),
        "audience": definition.audience,
        "languages": list(definition.languages),
        "metadata_columns": list(METADATA_COLUMNS),
        "missing_codes": list(MISSING_CODES),
        "items": items,
        "scales": [scale_entry(s) for s in definition.scales],
    }
    parse_codebook(document)  # raises CodebookError if we ever write something it can't read
    return document
