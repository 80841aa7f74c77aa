"""Normalising answers, the keyed hash kept per evaluation, and the short code shown in exports.

Nothing here knows Flask or the database: the key is computed from the instance secret and the
evaluation's salt given by the caller.

Why a keyed hash with a key that is not in the database: a self-generated code has a small
space (26 letters x 12 months x a few sibling counts: tens of thousands of values), so a plain
hash, even salted, is reversed by trying them all. The key is HMAC(instance secret, evaluation
salt): a database dump alone (salt, hashes) cannot test a single guess; the instance secret
alone cannot either without the salt. Each evaluation has its own salt, so the same person
gets unrelated codes in two evaluations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping, Sequence

HASH_LENGTH = 64  # hex characters of HMAC-SHA-256
SHORT_LENGTH = 10  # characters of the printable code (50 bits)
# Spaces, hyphens and dashes (U+2010-2015), apostrophes, accents typed alone, punctuation.
_IGNORED = re.compile(r"[\s\-\u2010-\u2015'\u2019`\u00b4.,;:_/\\()\"]+")


def normalise(value: str) -> str:
    """An answer as it is compared: NFKC, accents removed, case folded, and spaces, hyphens,
    apostrophes and punctuation dropped (`` Éve-Marie `` -> ``evemarie``)."""
    text = unicodedata.normalize("NFKC", value)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _IGNORED.sub("", unicodedata.normalize("NFKC", bare).casefold())


def first_letter(value: str) -> str:
    """The first letter of a normalised answer (a whole name or its initial give the same);
    empty when there is none."""
    return next((c for c in normalise(value) if c.isalpha()), "")


def code_text(parts: Mapping[str, str], order: Sequence[str]) -> str:
    """The canonical text that is hashed: each question's normalised answer in the evaluation's
    question order (``mother_initial=m|birth_month=3``)."""
    return "|".join(f"{code}={parts[code]}" for code in order)


def evaluation_key(instance_secret: str, salt: str) -> bytes:
    """The evaluation's panel key: HMAC-SHA-256 of its random salt under the instance secret."""
    return hmac.new(instance_secret.encode("utf-8"), b"panel-key:" + salt.encode("ascii"),
                    hashlib.sha256).digest()


def keyed_hash(key: bytes, purpose: str, text: str) -> str:
    """HMAC-SHA-256 (hex) of ``text`` for one purpose (``sgic`` answers, ``contact`` ids)."""
    return hmac.new(key, f"{purpose}:{text}".encode(), hashlib.sha256).hexdigest()


def short_code(stored_hash: str) -> str:
    """The printable code of a stored hash for exports: its first 50 bits in base 32 (letters
    and digits 2-7, no padding), ten characters: two different hashes print the same code with
    probability 2^-50."""
    raw = bytes.fromhex(stored_hash[:16])
    return base64.b32encode(raw).decode("ascii")[:SHORT_LENGTH]
