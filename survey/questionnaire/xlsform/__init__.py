"""XLSForm spreadsheets in and out: read with pyxform, written with openpyxl, both through
the item-type registry. The columns and sheets are documented in
``docs/questionnaire-format.md`` (XLSForm)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from ..loader import DefinitionError, Problem, load_data, load_file
from ..media import MediaFile
from ..messages import Note, msg
from ..model import Definition
from .archive import ArchiveError, is_zip_upload, read_archive
from .base import FileSources
from .reading import Converted, Reader
from .workbook import WorkbookError, read_workbook

XLSX_SUFFIXES = (".xlsx", ".zip")


@dataclass(frozen=True)
class Imported:
    definition: Definition
    notes: list[Note] = field(default_factory=list)  # what was assumed or ignored
    media: dict[str, MediaFile] = field(default_factory=dict)  # pictures and sounds to store
    sources: FileSources = field(default_factory=FileSources)  # CSV files choices came from


def convert(content: bytes, name: str = "<xlsform>",
            files: Mapping[str, bytes] | None = None) -> Converted:
    """The definition data of a workbook, before validation (refusals in ``refusals``);
    ``files`` are those of a ZIP upload, by base name."""
    try:
        book = read_workbook(content)
    except WorkbookError as error:
        converted = Converted(data={})
        converted.refusals.append(Problem(name, 1, error.text))
        return converted
    return Reader(book, name, files).convert()


def read_upload(content: bytes, name: str = "<xlsform>") -> Imported:
    """An XLSForm, or a ZIP holding one with its media and CSV files (by the name's suffix)."""
    if not is_zip_upload(name):
        return read_xlsform(content, name)
    try:
        archive = read_archive(content)
    except ArchiveError as error:
        raise DefinitionError([Problem(name, 0, error.text)]) from None
    imported = read_xlsform(archive.workbook, name, archive.files)
    if archive.ignored:
        shown = archive.ignored[:5]
        imported.notes.append(Note(msg("files of the ZIP that are not used (only the XLSForm, "
                                       "pictures, sounds and CSV files are read): %(names)s",
                                       names=", ".join(shown)
                                       + (" ..." if len(archive.ignored) > 5 else ""))))
    return imported


def read_xlsform(content: bytes, name: str = "<xlsform>",
                 files: Mapping[str, bytes] | None = None) -> Imported:
    """Validate an XLSForm and build its definition; DefinitionError lists every problem at
    its cell (what our format cannot express is refused there too)."""
    converted = convert(content, name, files)
    problems = list(converted.refusals)
    if not converted.data:
        raise DefinitionError(problems)
    try:
        definition = load_data(converted.data, name, converted.places)
    except DefinitionError as error:
        problems += error.problems
        raise DefinitionError(problems) from None
    if problems:
        raise DefinitionError(problems)
    return Imported(definition, converted.notes, converted.media, converted.sources)


def load_path(path: str | FsPath) -> Imported:
    """A definition from a YAML file, an XLSForm (.xlsx) or a ZIP holding one, by its
    suffix."""
    path = FsPath(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise DefinitionError([Problem(str(path), 1, msg("cannot read the file: "
                                                             "%(reason)s", reason=str(error)))]
                                  ) from None
        return read_upload(content, str(path))
    return Imported(load_file(path))


__all__ = ["FileSources", "Imported", "WorkbookError", "convert", "load_path", "read_upload",
           "read_xlsform"]
