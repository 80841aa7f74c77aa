"""Each evaluation's key pair for answers sealed in a navigator's browser.

The browser draws a fresh AES-GCM key per response, encrypts the answers with it and wraps the
key with the evaluation's RSA-OAEP public key (SHA-256), so neither the device nor the
navigator can read a finished response back. The private key never leaves the server: it is
kept as encrypted PKCS#8, its passphrase derived from the instance secret
(:func:`survey.secrets.derived_key`), and opens each response as it is stored.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import EvaluationKey
from ..secrets import derived_key

KEY_BITS = 3072
PURPOSE = "evaluation-private-key"
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(),
                     label=None)


class Unsealable(ValueError):
    """Sealed answers that this evaluation's private key cannot open (tampered, another
    evaluation's key, or not ours at all)."""


@dataclass(frozen=True)
class Sealed:
    """What the browser sends: the AES key wrapped with RSA-OAEP, the nonce and the
    ciphertext (with its GCM tag), each as bytes."""

    wrapped: bytes
    iv: bytes
    data: bytes


def _passphrase(secret_key: str) -> bytes:
    return base64.urlsafe_b64encode(derived_key(secret_key, PURPOSE))


def key_of(evaluation_id: int, secret_key: str) -> EvaluationKey:
    """The evaluation's key pair, made the first time it is asked for (committed)."""
    found = db.session.get(EvaluationKey, evaluation_id)
    if found is not None:
        return found
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    row = EvaluationKey(
        evaluation_id=evaluation_id,
        public_pem=private.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii"),
        private_pem=private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(_passphrase(secret_key))).decode("ascii"))
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # made by another request at the same time: theirs
        db.session.rollback()
        found = db.session.get(EvaluationKey, evaluation_id)
        assert found is not None
        return found
    return row


def public_key_spki(row: EvaluationKey) -> str:
    """The public key as base64 DER (SubjectPublicKeyInfo), what Web Crypto imports."""
    public = serialization.load_pem_public_key(row.public_pem.encode("ascii"))
    der = public.public_bytes(serialization.Encoding.DER,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def open_sealed(row: EvaluationKey, secret_key: str, sealed: Sealed) -> bytes:
    """The plaintext of sealed answers; :class:`Unsealable` when they do not open."""
    private = serialization.load_pem_private_key(row.private_pem.encode("ascii"),
                                                 password=_passphrase(secret_key))
    assert isinstance(private, rsa.RSAPrivateKey)
    try:
        key = private.decrypt(sealed.wrapped, _OAEP)
        if len(key) != 32 or len(sealed.iv) != 12:
            raise Unsealable("shape")
        return AESGCM(key).decrypt(sealed.iv, sealed.data, None)
    except (ValueError, InvalidTag) as error:
        raise Unsealable("unsealable") from error


def seal(public_pem: str, plaintext: bytes, key: bytes, iv: bytes) -> Sealed:
    """What the browser does (tests, the command line): AES-GCM with ``key``, wrapped with
    the public key."""
    public = serialization.load_pem_public_key(public_pem.encode("ascii"))
    assert isinstance(public, rsa.RSAPublicKey)
    return Sealed(public.encrypt(key, _OAEP), iv, AESGCM(key).encrypt(iv, plaintext, None))
