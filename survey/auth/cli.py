"""``survey users ...``: accounts and roles from a script (each change audited, as in the
browser; the actor of a command is empty: the log says ``cli``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..links import external_url
from ..models import Evaluation, User
from ..models.account import ACCOUNT_INVITATION, PASSWORD_RESET, ROLES
from . import accounts


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Create accounts, give roles, send one-time links."""


def _user(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"no account with the email {email!r}")
    return user


def _evaluation(ident: int) -> Evaluation:
    evaluation = db.session.get(Evaluation, ident)
    if evaluation is None:
        raise click.ClickException(f"no evaluation with the id {ident}")
    return evaluation


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", *ROLES]), default=None,
              help="admin (the whole instance), or a role in --evaluation.")
@click.option("--evaluation", "evaluation_id", type=int, help="Evaluation id for the role.")
@click.option("--name", default=None, help="The person's name.")
def create_command(email: str, role: str | None, evaluation_id: int | None,
                   name: str | None) -> None:
    """Create an account and print its one-time link to choose a password."""
    if role in ROLES and evaluation_id is None:
        raise click.ClickException(f"--role {role} needs --evaluation ID")
    evaluation = _evaluation(evaluation_id) if evaluation_id is not None else None
    try:
        user = accounts.create_user(email, name=name, admin=role == "admin")
        if evaluation is not None and role in ROLES:
            accounts.set_role(user, evaluation, role)
    except accounts.AccountError as error:
        raise click.ClickException(_message(error)) from None
    secret = accounts.issue_link(ACCOUNT_INVITATION, user)
    click.echo(f"account {user.email} created{' (admin)' if user.is_admin else ''}.")
    click.echo("One-time link to choose the password (valid 3 days):")
    click.echo(external_url("auth.one_time", secret=secret))


@users_group.command("list")
def list_command() -> None:
    """Accounts, their state and roles (tab-separated)."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "inactive"
        if user.active and not user.password_hash:
            state = "no-password"
        roles = ",".join(f"{m.evaluation_id}:{m.role}" for m in user.memberships)
        click.echo("\t".join([user.email, "admin" if user.is_admin else "-", state,
                              roles or "-"]))


@users_group.command("grant")
@click.argument("email")
@click.argument("evaluation_id", type=int)
@click.argument("role", type=click.Choice([*ROLES, "none"]))
def grant_command(email: str, evaluation_id: int, role: str) -> None:
    """Give, change or (none) take away a role in an evaluation."""
    user, evaluation = _user(email), _evaluation(evaluation_id)
    accounts.set_role(user, evaluation, None if role == "none" else role)
    click.echo(f"{user.email}: {role} in evaluation {evaluation.id}")


@users_group.command("admin")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the admin right away.")
def admin_command(email: str, revoke: bool) -> None:
    """Make an account administrator (or --revoke)."""
    try:
        accounts.set_admin(_user(email), not revoke)
    except accounts.AccountError as error:
        raise click.ClickException(_message(error)) from None
    click.echo(f"{email}: {'not ' if revoke else ''}admin")


@users_group.command("deactivate")
@click.argument("email")
@click.option("--reactivate", is_flag=True)
def deactivate_command(email: str, reactivate: bool) -> None:
    """Stop an account from signing in (its sessions end at once), or --reactivate it."""
    try:
        accounts.set_active(_user(email), reactivate)
    except accounts.AccountError as error:
        raise click.ClickException(_message(error)) from None
    click.echo(f"{email}: {'active' if reactivate else 'deactivated'}")


@users_group.command("reset-link")
@click.argument("email")
def reset_link_command(email: str) -> None:
    """Print a one-time link to choose a new password (valid 2 hours)."""
    user = _user(email)
    purpose = PASSWORD_RESET if user.password_hash else ACCOUNT_INVITATION
    click.echo(external_url("auth.one_time", secret=accounts.issue_link(purpose, user)))


@users_group.command("first-admin-link")
def first_admin_link_command() -> None:
    """Print a new one-time link that creates the first administrator (valid 24 hours); any
    earlier one stops working. ``survey run`` prints one only while none is outstanding."""
    if accounts.has_admin():
        raise click.ClickException("an administrator exists: sign in, or use "
                                   "`survey users create --role admin EMAIL`")
    secret = accounts.first_admin_link(again=True)
    click.echo(external_url("auth.one_time", secret=secret))


def _message(error: accounts.AccountError) -> str:
    return {"invalid-email": "this email address is not valid",
            "email-taken": "an account already uses this email address",
            "last-admin": "the instance needs at least one active administrator",
            }.get(str(error), str(error))
