"""Research-team accounts: users, their role in each evaluation, one-time account links."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UtcDateTime, utcnow

if TYPE_CHECKING:
    from .workspace import Evaluation

RESEARCHER = "researcher"
EVALUATOR = "evaluator"
PARTNER = "partner"
# Collects answers with or for people (assisted mode, paper entry); never reads them back.
NAVIGATOR = "navigator"
# Per evaluation, from the most to the least rights; ``admin`` is a flag of the user.
ROLES = (RESEARCHER, EVALUATOR, PARTNER, NAVIGATOR)


class User(db.Model):
    """A member of a research team. No default password ever exists: ``password_hash`` stays
    empty until the person sets one through a one-time link."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of the session cookie: changing the password (or deactivating) draws a new one,
    # which ends every other session of the account.
    session_token: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan")

    # What Flask-Login asks of a user.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        """The session cookie names the account and its current session token."""
        return f"{self.id}:{self.session_token}"


class Membership(db.Model):
    """A user's role in one evaluation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "evaluation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    evaluation: Mapped[Evaluation] = relationship(back_populates="memberships")


FIRST_ADMIN = "first-admin"
PASSWORD_RESET = "password-reset"
ACCOUNT_INVITATION = "account-invitation"


class AccountLink(db.Model):
    """A one-time link (first admin, password reset, new account): only its digest is kept."""

    __tablename__ = "account_link"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User | None] = relationship()
