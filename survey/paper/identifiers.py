"""Paper copy identifiers: 7 random characters and a check character, printed ``7K3M-QX9S``.

The alphabet leaves out characters people confuse on paper (0/O, 1/I/L); it has 31 characters,
a prime. The check character makes the sum of each character's value times its position
(1 to 8) a multiple of 31: as every weight and every difference of neighbouring weights is
invertible modulo 31, it catches every single mistyped character and every swap of two
neighbours (ISO 7064's idea, with position weights). Pure functions, no Flask.
"""

from __future__ import annotations

from ..secrets import random_code

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAYLOAD = 7  # random characters: 31**7, about 27.5 billion identifiers
LENGTH = PAYLOAD + 1


def check_character(payload: str) -> str:
    """The check character of ``payload`` (:data:`PAYLOAD` characters of :data:`ALPHABET`):
    the value ``c`` with ``sum(i * value) + LENGTH * c = 0 (mod 31)``."""
    size = len(ALPHABET)
    total = sum(position * ALPHABET.index(character)
                for position, character in enumerate(payload, start=1))
    return ALPHABET[(-total * pow(LENGTH, -1, size)) % size]


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
    """``7K3MQX9S`` as printed: ``7K3M-QX9S``."""
    return f"{identifier[:4]}-{identifier[4:]}"
