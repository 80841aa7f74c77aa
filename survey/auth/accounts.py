"""Accounts as the domain sees them: create, authenticate, one-time links, roles.

Views and CLI commands call these; every change of an account or a role is audited here, so
the browser and the command line leave the same trace.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import AccountLink, Evaluation, Membership, User
from ..models.account import (
    ACCOUNT_INVITATION,
    FIRST_ADMIN,
    PASSWORD_RESET,
    ROLES,
)
from ..models.types import utcnow
from ..secrets import digest, new_secret
from .passwords import hash_password, needs_rehash, verify

EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,185}\.[^@\s<>\"'.]{2,63}$")
LINK_HOURS = {FIRST_ADMIN: 24, PASSWORD_RESET: 2, ACCOUNT_INVITATION: 72}


class AccountError(ValueError):
    """A refused account change, with a reason for the person asking."""


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError("invalid-email")
    return email


def find_user(email: str) -> User | None:
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(User).filter_by(email=email))


def has_admin() -> bool:
    return bool(db.session.scalar(
        select(func.count(User.id)).where(User.is_admin.is_(True), User.active.is_(True))))


def create_user(email: str, *, name: str | None = None, admin: bool = False,
                actor: User | None = None) -> User:
    """A new account without any password: the person sets one through a one-time link."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError("email-taken")
    user = User(email=email, name=(name or "").strip()[:200] or None, is_admin=admin,
                active=True, session_token=new_secret(16))
    db.session.add(user)
    db.session.flush()
    audit.record("account-created", email, actor=actor, commit=False, admin=admin)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password (audited either way), else None."""
    user = find_user(email)
    ok = verify(user.password_hash if user else None, password or "")
    if user is None or not ok or not user.active:
        audit.record("sign-in-failed", (email or "")[:200], actor=user,
                     reason="unknown" if user is None else ("inactive" if ok else "password"))
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login = utcnow()
    audit.record("sign-in", user.email, actor=user, commit=False)
    db.session.commit()
    return user


def set_password(user: User, password: str, *, action: str = "password-changed") -> None:
    """A new password ends every other session of the account (a new session token)."""
    user.password_hash = hash_password(password)
    user.session_token = new_secret(16)
    audit.record(action, user.email, actor=user, commit=False)
    db.session.commit()


# -- one-time links -----------------------------------------------------------------------------

def issue_link(purpose: str, user: User | None = None) -> str:
    """A new one-time link secret (only its digest is stored); earlier unused links of the same
    purpose and account stop working."""
    now = utcnow()
    for old in db.session.scalars(select(AccountLink).filter_by(
            purpose=purpose, user_id=user.id if user else None, used_at=None)):
        old.used_at = now
    secret = new_secret()
    db.session.add(AccountLink(digest=digest(secret), purpose=purpose,
                               user_id=user.id if user else None, created_at=now,
                               expires_at=now + dt.timedelta(hours=LINK_HOURS[purpose])))
    db.session.commit()
    return secret


def peek_link(secret: str, purposes: tuple[str, ...]) -> AccountLink | None:
    """The valid, unused, unexpired link for this secret, without spending it."""
    if not isinstance(secret, str) or not 20 <= len(secret) <= 64:
        return None
    link = db.session.get(AccountLink, digest(secret))
    if link is None or link.purpose not in purposes or link.used_at is not None:
        return None
    if link.expires_at <= utcnow():
        return None
    if link.purpose == FIRST_ADMIN and has_admin():
        return None
    return link


def spend_link(link: AccountLink) -> None:
    link.used_at = utcnow()


def first_admin_link(*, again: bool = False) -> str | None:
    """A new one-time link that creates the first admin, when no admin exists yet.

    Unless ``again``, none is issued while an earlier one is still valid: instances started
    together, or restarted, would otherwise each spend the link another one printed."""
    if has_admin() or (not again and outstanding_first_admin_link() is not None):
        return None
    return issue_link(FIRST_ADMIN)


def outstanding_first_admin_link() -> AccountLink | None:
    """The valid, unused first-administrator link, if one was issued (only its digest is
    kept, so it cannot be printed again)."""
    return db.session.scalar(select(AccountLink).where(
        AccountLink.purpose == FIRST_ADMIN, AccountLink.used_at.is_(None),
        AccountLink.expires_at > utcnow()).order_by(AccountLink.created_at.desc()).limit(1))


def create_first_admin(link: AccountLink, email: str, password: str,
                       name: str | None = None) -> User:
    user = create_user(email, name=name, admin=True)
    spend_link(link)
    set_password(user, password, action="password-changed")
    return user


# -- roles --------------------------------------------------------------------------------------

def role_in(user: User | None, evaluation_id: int) -> str | None:
    """The user's role in the evaluation (None if not a member); admins count as researchers."""
    if user is None or not user.active:
        return None
    if user.is_admin:
        return "researcher"
    membership = db.session.scalar(select(Membership).filter_by(
        user_id=user.id, evaluation_id=evaluation_id))
    return membership.role if membership else None


def set_role(user: User, evaluation: Evaluation, role: str | None, *,
             actor: User | None = None) -> None:
    """Give, change or (``None``) take away a user's role in an evaluation."""
    if role is not None and role not in ROLES:
        raise AccountError("invalid-role")
    membership = db.session.scalar(select(Membership).filter_by(
        user_id=user.id, evaluation_id=evaluation.id))
    if role is None:
        if membership is not None:
            db.session.delete(membership)
            audit.record("role-revoked", user.email, actor=actor, evaluation_id=evaluation.id,
                         commit=False, role=membership.role)
    elif membership is None:
        db.session.add(Membership(user=user, evaluation=evaluation, role=role))
        audit.record("role-granted", user.email, actor=actor, evaluation_id=evaluation.id,
                     commit=False, role=role)
    elif membership.role != role:
        audit.record("role-changed", user.email, actor=actor, evaluation_id=evaluation.id,
                     commit=False, before=membership.role, role=role)
        membership.role = role
    db.session.commit()


def set_admin(user: User, admin: bool, *, actor: User | None = None) -> None:
    if user.is_admin == admin:
        return
    if not admin and user.active and _last_admin(user):
        raise AccountError("last-admin")
    user.is_admin = admin
    audit.record("admin-granted" if admin else "admin-revoked", user.email, actor=actor,
                 commit=False)
    db.session.commit()


def set_active(user: User, active: bool, *, actor: User | None = None) -> None:
    if user.active == active:
        return
    if not active and user.is_admin and _last_admin(user):
        raise AccountError("last-admin")
    user.active = active
    user.session_token = new_secret(16)  # ends the sessions of a deactivated account
    audit.record("account-activated" if active else "account-deactivated", user.email,
                 actor=actor, commit=False)
    db.session.commit()


def _last_admin(user: User) -> bool:
    others = db.session.scalar(select(func.count(User.id)).where(
        User.is_admin.is_(True), User.active.is_(True), User.id != user.id))
    return not others
