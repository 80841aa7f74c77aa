"""The ``survey`` command: run the app, validate and load questionnaires, analyse exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from . import create_app
from .auth.cli import users_group
from .config import ConfigurationError
from .design.cli import campaigns_group, evaluations_group
from .exports.cli import export_group
from .extensions import db
from .followup.cli import followup_group
from .invitations.cli import invitations_group, send_due_command
from .jobs.cli import start_embedded, stop_embedded, worker_command
from .links import forget_server, record_server
from .questionnaire import DefinitionError
from .server import serve
from .startup import setup_lock
from .versions.cli import questionnaire_group


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """Proximité: participatory evaluation surveys."""


cli.add_command(shell_command)
cli.add_command(routes_command)
cli.add_command(questionnaire_group)
cli.add_command(users_group)
cli.add_command(evaluations_group)
cli.add_command(campaigns_group)
cli.add_command(send_due_command)
cli.add_command(invitations_group)
cli.add_command(export_group)
cli.add_command(worker_command)
cli.add_command(followup_group)


def main() -> None:
    try:
        cli.main(prog_name="survey", standalone_mode=True)
    except ConfigurationError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
def run_command(host: str, port: int, workers: int) -> None:
    """Upgrade the database, load the bundled questionnaires and serve the app with gunicorn,
    with a worker for background jobs beside it (unless SURVEY_EMBEDDED_WORKER=false)."""
    configured = current_app.config.get("BASE_URL")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base_url = configured or f"http://{shown}:{port}"
    current_app.config["BASE_URL"] = base_url  # the links printed below, and the workers'
    with setup_lock():  # instances started together set up one after the other
        upgrade_database()
        load_bundled()
        first_run()
    db.engine.dispose()  # the workers open their own connections
    click.echo(f"Proximité is served on {base_url}/ (Ctrl+C to stop)")
    if not configured:
        click.echo("Private links start with this address: set SURVEY_BASE_URL to the public "
                   "address participants use.")
    instance = Path(current_app.instance_path)
    record_server(instance, base_url)  # the address the other commands print links with
    worker = start_embedded(base_url)
    try:
        serve(host, port, workers, instance, {"BASE_URL": base_url})
    finally:
        stop_embedded(worker)
        forget_server(instance)


def upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade()


def load_bundled() -> None:
    from .versions import load_directory

    directory = current_app.config["QUESTIONNAIRES_DIR"]
    try:
        stored = load_directory(directory)
    except DefinitionError as error:
        raise click.ClickException(f"a bundled questionnaire is invalid:\n{error}") from None
    for item in stored:
        state = "new version" if item.created else "unchanged"
        definition = item.version.definition
        click.echo(f"questionnaire {definition.code}: {state} {item.version.content_hash[:12]}")


def first_run() -> None:
    """The demonstration evaluation (bundled questionnaires answerable at once) and, while no
    admin exists, a one-time link to create the first one in the browser."""
    from .auth.accounts import first_admin_link, outstanding_first_admin_link
    from .design.services import ensure_demo
    from .links import external_url

    demo = ensure_demo()
    click.echo(f"demonstration evaluation: {len([c for c in demo.campaigns if c.is_open])} "
               "open campaigns, listed on the home page")
    secret = first_admin_link()
    if secret is not None:
        click.echo("No administrator yet. Create the first one in your browser (one-time "
                   "link, valid 24 hours):")
        click.echo(f"    {external_url('auth.one_time', secret=secret)}")
    elif (outstanding := outstanding_first_admin_link()) is not None:
        until = outstanding.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(f"No administrator yet. The one-time link printed earlier is valid until "
                   f"{until}; `survey users first-admin-link` prints a new one.")


@cli.command("deliver-mail")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(1),
              help="Messages sent at most in this run.")
def deliver_mail_command(limit: int) -> None:
    """Send the messages queued in the database (SURVEY_MAIL_QUEUE) to the mail server.

    Run it every minute from cron, on any one instance or several: a message is sent once.
    Exits with status 1 when the server refused a message (it is tried again later)."""
    from .mail import MailError, deliver_queued

    try:
        report = deliver_queued(limit=limit)
    except MailError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{report.sent} sent, {report.failed} refused (tried again later), "
               f"{report.given_up} given up")
    if report.failed or report.given_up:
        sys.exit(1)


@cli.command("analyze", with_appcontext=False, add_help_option=False,
             context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def analyze_command(args: tuple[str, ...]) -> None:
    """Compute the indicators of an export or of outside data (CSV, .sav, .dta, .xlsx; same as
    ``python -m analysis``), with the instance's privacy threshold (``SURVEY_MIN_GROUP_SIZE``)
    unless ``--min-group`` is given. ``survey analyze --help`` lists the options."""
    from analysis.cli import main as analyze

    arguments = list(args)
    if not any(a == "--min-group" or a.startswith("--min-group=") for a in arguments):
        app = create_app()
        arguments += ["--min-group", str(app.config["MIN_GROUP_SIZE"])]
    sys.exit(analyze(arguments, prog="survey analyze"))
