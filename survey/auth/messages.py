"""Account refusals in the reader's language, shared by the account and workspace pages."""

from __future__ import annotations

from flask_babel import gettext

from . import accounts


def weakness_message(reason: str | None) -> str | None:
    return {
        "short": gettext("Choose a password of at least 10 characters."),
        "long": gettext("This password is too long."),
        "email": gettext("Your password may not be your email address."),
    }.get(reason or "")


def account_error_message(error: accounts.AccountError) -> str:
    return {
        "invalid-email": gettext("This email address is not valid."),
        "email-taken": gettext("An account already uses this email address."),
        "last-admin": gettext("The instance needs at least one active administrator."),
        "invalid-role": gettext("This role does not exist."),
    }.get(str(error), gettext("This change was refused."))
