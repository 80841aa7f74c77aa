"""``survey questionnaire ...``: validate, load and describe questionnaire definitions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..questionnaire import DefinitionError, load_file
from ..questionnaire.codebook import codebook
from . import store_definition


@click.group("questionnaire", cls=AppGroup)
def questionnaire_group() -> None:
    """Validate, load and describe questionnaire definitions."""


@questionnaire_group.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths: tuple[str, ...]) -> None:
    """Check definition files: a summary for a good file, every problem for a bad one
    (``file:line: reason``), and exit status 1 if any file has one."""
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
        except Exception as error:  # noqa: BLE001  (a last resort: a message, never a traceback)
            failed = True
            click.echo(f"{path}: the file could not be checked ({error.__class__.__name__}); "
                       "please report it with the file", err=True)
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
