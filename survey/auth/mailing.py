"""One-time links mailed to an account: a new account's, a password reset's."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext

from .. import audit, mail
from ..links import external_url
from ..models import User
from ..models.account import ACCOUNT_INVITATION, PASSWORD_RESET
from . import accounts


def send_reset_link(user: User) -> None:
    secret = accounts.issue_link(PASSWORD_RESET, user)
    link = external_url("auth.one_time", secret=secret)
    audit.record("password-reset-requested", user.email, actor=user)
    mail.send(user.email, gettext("Proximité: choose a new password"),
              render_template("auth/mail_reset.txt", link=link, user=user))


def send_account_link(user: User, actor: User | None) -> str:
    """Mail a new account its one-time link to choose a password; returns the link."""
    secret = accounts.issue_link(ACCOUNT_INVITATION, user)
    link = external_url("auth.one_time", secret=secret)
    mail.send(user.email, gettext("Proximité: your account"),
              render_template("auth/mail_account.txt", link=link, user=user, actor=actor))
    return link
