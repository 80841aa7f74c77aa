"""``survey questionnaire ...``: validate, load and describe questionnaire definitions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..questionnaire import DefinitionError
from ..questionnaire import wording as wordings
from ..questionnaire.codebook import codebook
from ..questionnaire.xlsform import load_path
from . import store_definition
from .media import files_of, store_media, store_sources


@click.group("questionnaire", cls=AppGroup)
def questionnaire_group() -> None:
    """Validate, load and describe questionnaire definitions."""


@questionnaire_group.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths: tuple[str, ...]) -> None:
    """Check definition files (YAML or XLSForm .xlsx): a summary for a good file, every problem
    for a bad one (``file:line: reason``, or ``sheet!cell``), and exit status 1 if any file has
    one."""
    failed = False
    for path in paths:
        try:
            imported = load_path(path)
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
        definition = imported.definition
        for note in imported.notes:
            click.echo(f"{path}: note: {note}")
        items = [i for i in definition.items() if i.answerable]
        click.echo(
            f"{path}: OK: questionnaire '{definition.code}'"
            f"{f' version {definition.version_label}' if definition.version_label else ''}, "
            f"audience {definition.audience}, languages {', '.join(definition.languages)}, "
            f"{len(definition.sections)} sections, {len(items)} questions "
            f"({len(definition.columns())} data columns), {len(definition.scales)} scales, "
            f"about {definition.minutes} minutes; content hash {definition.content_hash[:12]}")
        if wordings.easy_languages(definition):
            counts = wordings.coverage(definition)
            click.echo(f"{path}: easy-read wording: " + "; ".join(
                f"{lang} {missing} of {total} texts without one"
                for lang, (missing, total) in counts.items()))
        else:
            click.echo(f"{path}: easy-read wording: none (participants see the standard one)")
    if failed:
        sys.exit(1)


@questionnaire_group.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def load_command(paths: tuple[str, ...]) -> None:
    """Store definition files (YAML or XLSForm .xlsx) as versions (a changed file makes a new
    version)."""
    for path in paths:
        try:
            imported = load_path(path)
            store_media(imported.media.values())
            stored = store_definition(imported.definition, Path(path).name,
                                      store_sources(imported.sources))
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
        document = codebook(load_path(path).definition)
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


@questionnaire_group.command("convert", with_appcontext=False)
@click.argument("source", type=click.Path(dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False))
def convert_command(source: str, target: str) -> None:
    """Write a definition (YAML, XLSForm or a ZIP holding one) as YAML, XLSForm or a ZIP with
    the XLSForm, its pictures, sounds and CSV files, by TARGET's suffix (.yaml, .xlsx, .zip);
    the content hash stays the same."""
    from ..questionnaire.download import as_xlsform, as_xlsform_zip, as_yaml

    try:
        imported = load_path(source)
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    definition = imported.definition
    lowered = target.lower()
    if lowered.endswith(".xlsx"):
        Path(target).write_bytes(as_xlsform(definition))
    elif lowered.endswith(".zip"):
        media = {name: file.data for name, file in imported.media.items()}
        Path(target).write_bytes(as_xlsform_zip(definition, Path(target).stem, media,
                                                imported.sources))
    elif lowered.endswith((".yaml", ".yml")):
        Path(target).write_text(as_yaml(definition), encoding="utf-8")
    else:
        raise click.UsageError("TARGET must end in .yaml, .xlsx or .zip")
    click.echo(f"{source} -> {target} (content hash {definition.content_hash[:12]})")


@questionnaire_group.command("diff", with_appcontext=False)
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
def diff_command(old: str, new: str) -> None:
    """What changed from OLD to NEW (YAML or XLSForm), in plain words, with a warning where
    comparability across waves breaks."""
    from .diff import diff

    definitions = []
    for path in (old, new):
        try:
            definitions.append(load_path(path).definition)
        except DefinitionError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
    echo_changes(diff(*definitions))


EXPORT_FORMATS = ("yaml", "xlsform")


@questionnaire_group.command("export")
@click.argument("code")
@click.option("--version", "prefix", help="The start of the version's content hash (default: "
              "the newest version).")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS),
              help="yaml, or xlsform: a .zip holding the XLSForm with its pictures, sounds and "
                   "CSV files when the version has any, the .xlsx otherwise (default: by "
                   "--out's suffix, yaml without it).")
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="File to write: .yaml, .xlsx or .zip (YAML goes to the standard output "
                   "without it).")
def export_command(code: str, prefix: str | None, fmt: str | None, out: str | None) -> None:
    """Download a stored version back as YAML or XLSForm (same content hash)."""
    from ..questionnaire.download import as_xlsform, as_xlsform_zip, as_yaml
    from . import find_version

    lowered = (out or "").lower()
    if fmt is None:
        fmt = "xlsform" if lowered.endswith((".xlsx", ".zip")) else "yaml"
    if fmt == "xlsform" and out is None:
        raise click.UsageError("--format xlsform needs --out FILE (.zip or .xlsx)")
    if out is not None and not lowered.endswith(
            (".yaml", ".yml") if fmt == "yaml" else (".xlsx", ".zip")):
        raise click.UsageError("--out must end in .yaml" if fmt == "yaml" else
                               "--out must end in .zip or .xlsx for --format xlsform")
    version = find_version(code, prefix)
    if version is None:
        raise click.ClickException(f"no single version of '{code}' matches "
                                   f"{prefix or 'the newest'}")
    if fmt == "yaml":
        text = as_yaml(version.definition_data)
        if out is None:
            click.echo(text, nl=False)
            return
        Path(out).write_text(text, encoding="utf-8")
    else:
        media, sources = files_of(version)
        if (media or sources) and lowered.endswith(".xlsx"):
            raise click.UsageError(
                f"version {version.content_hash[:12]} of '{code}' has pictures, sounds or CSV "
                "files of choices: its XLSForm is a ZIP holding them; give --out NAME.zip")
        if lowered.endswith(".zip"):
            Path(out).write_bytes(as_xlsform_zip(
                version.definition, f"{code}-{version.content_hash[:12]}", media, sources))
        else:
            Path(out).write_bytes(as_xlsform(version.definition_data))
    click.echo(f"version {version.content_hash[:12]} of '{code}' written to {out}")


@questionnaire_group.command("compare")
@click.argument("code")
@click.argument("old")
@click.argument("new", required=False)
def compare_command(code: str, old: str, new: str | None) -> None:
    """The diff between two stored versions of CODE (starts of content hashes; NEW defaults to
    the newest), warning where a removed choice was already answered."""
    from . import find_version
    from .answered import StoredAnswers
    from .diff import diff

    versions = [find_version(code, old), find_version(code, new)]
    if None in versions:
        raise click.ClickException(f"no single version of '{code}' matches "
                                   f"{old if versions[0] is None else new or 'the newest'}")
    changes = diff(versions[0].definition, versions[1].definition, StoredAnswers(code))
    echo_changes(changes)


def echo_changes(changes: list) -> None:  # list[Change]
    if not changes:
        click.echo("No change.")
        return
    for change in changes:
        click.echo(f"- {change.message}")
        if change.warning_text:
            click.echo(f"  WARNING: {change.warning_text}.")
    breaking = sum(1 for c in changes if c.breaks)
    click.echo(f"{len(changes)} change(s), {breaking} breaking comparability across waves.")
