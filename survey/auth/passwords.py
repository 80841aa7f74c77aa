"""Passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256  # hashing megabytes of "password" would be a cheap denial of service

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a failed sign-in takes as long either way.
_DUMMY = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def weakness(password: str, email: str = "") -> str | None:
    """Why a new password is refused (a message id), or None."""
    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    if email and password.strip().lower() == email.strip().lower():
        return "email"
    return None
