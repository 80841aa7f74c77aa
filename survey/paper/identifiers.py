"""Paper copy identifiers: 7 random characters and a check character, printed ``7K3M-QX9P``.

The alphabet leaves out characters people confuse on paper (0/O, 1/I/L); it has 31 characters,
a prime, so the check character (Luhn mod N) catches every single mistyped character and every
swap of two neighbours. Pure functions, no Flask.
"""

from __future__ import annotations

from ..secrets import random_code

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAYLOAD = 7  # random characters: 31**7, about 27.5 billion identifiers
LENGTH = PAYLOAD + 1


def check_character(payload: str) -> str:
    """The Luhn mod 31 check character of ``payload`` (characters of :data:`ALPHABET`)."""
    size = len(ALPHABET)
    factor, total = 2, 0
    for character in reversed(payload):
        addend = factor * ALPHABET.index(character)
        factor = 1 if factor == 2 else 2
        total += addend // size + addend % size
    return ALPHABET[(size - total % size) % size]


def new_identifier() -> str:
    """A fresh identifier (unformatted, :data:`LENGTH` characters)."""
    payload = random_code(PAYLOAD, ALPHABET)
    return payload + check_character(payload)


def normalise(typed: str) -> str:
    """What was typed or scanned, without spaces and hyphens, in capitals."""
    cleaned = "".join(typed.split()).replace("-", "").upper()
    return cleaned[:64]


def is_valid(identifier: str) -> bool:
    """Well formed: the length, the alphabet and the check character all hold."""
    return (len(identifier) == LENGTH and all(c in ALPHABET for c in identifier)
            and check_character(identifier[:-1]) == identifier[-1])


def formatted(identifier: str) -> str:
    """``7K3MQX9P`` as printed: ``7K3M-QX9P``."""
    return f"{identifier[:4]}-{identifier[4:]}"
