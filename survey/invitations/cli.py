"""Commands: ``survey send-due`` (for cron or a systemd timer) and ``survey invitations ...``
(the CLI twins of the invitation pages)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db


@click.command("send-due")
@with_appcontext
def send_due_command() -> None:
    """Send the invitations and reminders that are due (run it every few minutes from cron).

    Safe to run again or twice at once: a contact never gets the same message twice."""
    from .mailing import send_due

    reports = send_due()
    for report in reports:
        click.echo(f"mailing {report.mailing_id} ({report.kind}): {report.sent} sent, "
                   f"{report.failed} failed")
        _say_waiting(report)
    if not reports:
        click.echo("nothing due")
    if any(report.failed for report in reports):
        sys.exit(1)


def _say_waiting(report) -> None:  # noqa: ANN001  (a mailing.Report)
    if report.waiting and report.resume_at is not None:
        click.echo(f"  {report.waiting} contacts had a message too recently: they wait until "
                   f"{report.resume_at.isoformat(timespec='minutes')} (UTC)")


@click.group("invitations", cls=AppGroup)
def invitations_group() -> None:
    """Single-use invitations of a campaign: generate, import contacts, export links."""


def _campaign(campaign_id: int):  # noqa: ANN202
    from ..models import Campaign

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"no campaign {campaign_id}")
    return campaign


@invitations_group.command("generate")
@click.argument("campaign_id", type=int)
@click.argument("count", type=click.IntRange(1, 5000))
def generate_command(campaign_id: int, count: int) -> None:
    """Create COUNT anonymous single-use links for CAMPAIGN_ID."""
    from .services import generate

    generate(_campaign(campaign_id), count)
    click.echo(f"{count} invitations created for campaign {campaign_id}")


@invitations_group.command("import")
@click.argument("campaign_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(campaign_id: int, path: Path) -> None:
    """Import a contact CSV (email, name, language) and invite each contact to CAMPAIGN_ID."""
    from .contacts import parse_contacts
    from .services import import_contacts

    campaign = _campaign(campaign_id)
    definition = campaign.version.definition
    parsed = parse_contacts(path.read_bytes(), definition.languages)
    for problem in parsed.problems:
        where = f"{path}:{problem.row}" if problem.row else str(path)
        column = f" [{problem.column}]" if problem.column else ""
        click.echo(f"{where}{column}: {problem.reason}", err=True)
    if not parsed.contacts:
        raise click.ClickException("no contact imported")
    result = import_contacts(campaign, parsed.contacts)
    click.echo(f"{result.invited} contacts added (no message sent yet: survey invitations send "
               f"{campaign_id} invitation), {result.already} already in the campaign, "
               f"{len(parsed.problems)} lines refused")


@invitations_group.command("links")
@click.argument("campaign_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CSV here (default: standard output).")
def links_command(campaign_id: int, output: Path | None) -> None:
    """Export the personalised links of CAMPAIGN_ID as CSV (for a mail merge)."""
    from .services import links_csv

    text = links_csv(_campaign(campaign_id))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        output.chmod(0o600)
        click.echo(f"links written to {output}")


@invitations_group.command("send")
@click.argument("campaign_id", type=int)
@click.argument("kind", type=click.Choice(["invitation", "reminder"]))
def send_command(campaign_id: int, kind: str) -> None:
    """Send the invitation (or a reminder) to the contacts of CAMPAIGN_ID now."""
    from .mailing import run, schedule

    report = run(schedule(_campaign(campaign_id), kind))
    click.echo(f"{report.sent} sent, {report.failed} failed")
    _say_waiting(report)
