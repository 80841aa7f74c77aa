"""The ``survey`` command: run the app, validate and load questionnaires, analyse exports."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from . import create_app
from .questionnaire import DefinitionError, load_file


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """Proximité: participatory evaluation surveys."""


cli.add_command(shell_command)
cli.add_command(routes_command)


def main() -> None:
    cli.main(prog_name="survey")


@cli.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
def run_command(host: str, port: int, workers: int) -> None:
    """Upgrade the database, load the bundled questionnaires and serve the app with gunicorn."""
    upgrade_database()
    load_bundled()
    click.echo(f"Proximité is served on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(host, port, workers)


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


def serve(host: str, port: int, workers: int) -> None:
    # Gunicorn's documented "custom application" pattern: serve our factory in-process.
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                "threads": 4, "timeout": 60, "accesslog": None,  # no access log: no IPs kept
                "errorlog": "-",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202
            return create_app()

    Server().run()


@cli.group("questionnaire")
def questionnaire_group() -> None:
    """Validate, load and describe questionnaire definitions."""


@questionnaire_group.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_command(paths: tuple[str, ...]) -> None:
    """Check definition files: a summary for a good file, every problem for a bad one."""
    failed = False
    for path in paths:
        try:
            definition = load_file(path)
        except DefinitionError as error:
            failed = True
            click.echo(f"{path}: {len(error.problems)} problem(s)", err=True)
            for problem in error.problems:
                click.echo(str(problem), err=True)
            continue
        items = [i for i in definition.items() if i.answerable]
        click.echo(
            f"{path}: OK: questionnaire '{definition.code}'"
            f"{f' version {definition.version_label}' if definition.version_label else ''}, "
            f"audience {definition.audience}, languages {', '.join(definition.languages)}, "
            f"{len(definition.sections)} sections, {len(items)} questions "
            f"({len(definition.columns())} data columns), {len(definition.scales)} scales, "
            f"about {definition.minutes} minutes; content hash {definition.content_hash[:12]}")
    if failed:
        sys.exit(1)


@questionnaire_group.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def load_command(paths: tuple[str, ...]) -> None:
    """Store definition files as versions (a changed file makes a new version)."""
    from .versions import store_definition

    for path in paths:
        try:
            stored = store_definition(load_file(path), Path(path).name)
        except DefinitionError as error:
            raise click.ClickException(str(error)) from None
        state = "new version" if stored.created else "unchanged"
        click.echo(f"{path}: {state} {stored.version.content_hash[:12]}")


@questionnaire_group.command("codebook", with_appcontext=False)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="Write the codebook to this file instead of the standard output.")
def codebook_command(path: str, out: str | None) -> None:
    """Write the codebook (the analysis library's input contract) of a definition, as JSON."""
    from .questionnaire.codebook import codebook

    try:
        document = codebook(load_file(path))
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"codebook of '{document['questionnaire']}' written to {out}")
    else:
        click.echo(text, nl=False)


@cli.command("analyze", with_appcontext=False, add_help_option=False,
             context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def analyze_command(args: tuple[str, ...]) -> None:
    """Compute the indicators of an exported CSV (same as ``python -m analysis``)."""
    from analysis.cli import main as analyze

    sys.exit(analyze(list(args)))
