"""Assisted collection (issue 26): each evaluation's key pair for answers sealed on a
navigator's device, and who collected each assisted response.

Who collected a response lives here, apart from ``response``: exports and results stream
response rows and can never carry it; only the navigator's counts read it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime, utcnow

CONSENT_ORAL = "oral"  # read aloud by the navigator, the person agreed orally


class EvaluationKey(db.Model):
    """An evaluation's RSA key pair: the public key goes to the navigators' pages, the private
    key is kept encrypted with a key derived from the instance secret and never leaves the
    server (survey/collect/keys.py)."""

    __tablename__ = "evaluation_key"

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), primary_key=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_pem: Mapped[str] = mapped_column(Text)  # PKCS#8, encrypted
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class Collection(db.Model):
    """An assisted response: who collected it, how consent was given, and the digest of the
    device's idempotency key (a response sent twice is stored once)."""

    __tablename__ = "collection"
    __table_args__ = (Index("ix_collection_collector", "collected_by", "evaluation_id",
                            "received_at"),)

    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    # The navigator's account (None once the account is deleted: the response stays).
    collected_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    consent: Mapped[str] = mapped_column(String(16), default=CONSENT_ORAL)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
