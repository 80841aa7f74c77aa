"""Secrets that travel in links and cookies: drawn at random, stored only as digests.

One home for resume codes, start tokens and, later, invitation tokens, review links and
password-reset links: each is :func:`new_secret`, kept as :func:`digest`, and where it must be
derived again from something else (a double tap on consent), :func:`derive` with the app's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_BYTES = 24  # 192 bits


def new_secret(nbytes: int = SECRET_BYTES) -> str:
    """A random URL-safe secret (192 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """What the database keeps of a secret: its SHA-256 (a secret has enough entropy that no
    slow hash is needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def derive(key: str, purpose: str, value: str, nbytes: int = SECRET_BYTES) -> str:
    """A secret derived from ``value`` with the app's key (HMAC-SHA-256), for one ``purpose``."""
    mac = hmac.new(key.encode("utf-8"), f"{purpose}:".encode() + value.encode("utf-8"), "sha256")
    return base64.urlsafe_b64encode(mac.digest()[:nbytes]).decode("ascii")


def derived_key(key: str, purpose: str) -> bytes:
    """32 bytes derived from the app's key for one ``purpose`` (HMAC-SHA-256): the key that
    encrypts what the server keeps sealed with the instance secret (evaluations' private
    keys). A new ``SURVEY_SECRET_KEY`` makes what was sealed with the old one unreadable."""
    return hmac.new(key.encode("utf-8"), f"key:{purpose}".encode(), "sha256").digest()


def same(a: str, b: str) -> bool:
    """Compare two secrets or digests in constant time."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def random_code(length: int, alphabet: str) -> str:
    """``length`` characters drawn uniformly from ``alphabet`` (short codes people type, such
    as a paper copy's identifier)."""
    return "".join(secrets.choice(alphabet) for _ in range(length))
