"""The special answers an item may offer (don't know, prefer not to say): their codes, which
analysis treats as missing values, and the one place their words are written.

Participants read :data:`PARTICIPANT_LABELS` (translated where shown); data files label the
stored codes with the shorter :data:`DATA_LABELS` (fixed per language, so an export does not
depend on the reader's catalogue).
"""

from __future__ import annotations

from analysis.codebook import MISSING_CODES

from .messages import N_

SPECIAL_ANSWERS: tuple[str, ...] = MISSING_CODES

PARTICIPANT_LABELS: dict[str, str] = {
    "dont_know": N_("I don't know"),
    "prefer_not": N_("I prefer not to answer"),
}

DATA_LABELS: dict[str, dict[str, str]] = {
    "fr": {"dont_know": "Ne sais pas", "prefer_not": "Préfère ne pas répondre"},
    "en": {"dont_know": "Don't know", "prefer_not": "Prefer not to say"},
}
