"""``survey followup process``: enrol the baselines completed, invite the steps due by email and
send what is due (what the worker's minute round does; for cron when no worker runs)."""

from __future__ import annotations

import click
from flask.cli import AppGroup


@click.group("followup", cls=AppGroup)
def followup_group() -> None:
    """Follow-up series: each person asked again at set intervals after their baseline."""


@followup_group.command("process")
@click.option("--no-send", is_flag=True, help="Schedule the invitations only; `survey send-due` "
              "or the worker sends them.")
def process_command(no_send: bool) -> None:
    """Enrol new baselines and invite every step now due (safe to run again: a due step is
    emailed once); people without an address go to the navigators' list."""
    from ..invitations.mailing import send_due
    from .due import process_due

    done = process_due()
    click.echo(f"{done.enrolled} people enrolled, {done.invited} due steps invited by email, "
               f"{done.mailings} mailings scheduled")
    if not no_send:
        reports = send_due()
        sent = sum(r.sent + r.queued for r in reports)
        failed = sum(r.failed for r in reports)
        click.echo(f"{sent} messages sent, {failed} refused")
