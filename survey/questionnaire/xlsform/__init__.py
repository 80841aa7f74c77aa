"""XLSForm spreadsheets in and out: read with pyxform, written with openpyxl, both through
the item-type registry. The columns and sheets are documented in
``docs/questionnaire-format.md`` (XLSForm)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

from ..loader import DefinitionError, Problem, load_data, load_file
from ..messages import Note, msg
from ..model import Definition
from .reading import Converted, Reader
from .workbook import WorkbookError, read_workbook

XLSX_SUFFIXES = (".xlsx",)


@dataclass(frozen=True)
class Imported:
    definition: Definition
    notes: list[Note] = field(default_factory=list)  # what was assumed or ignored


def convert(content: bytes, name: str = "<xlsform>") -> Converted:
    """The definition data of a workbook, before validation (refusals in ``refusals``)."""
    try:
        book = read_workbook(content)
    except WorkbookError as error:
        converted = Converted(data={})
        converted.refusals.append(Problem(name, 1, error.text))
        return converted
    return Reader(book, name).convert()


def read_xlsform(content: bytes, name: str = "<xlsform>") -> Imported:
    """Validate an XLSForm and build its definition; DefinitionError lists every problem at
    its cell (what our format cannot express is refused there too)."""
    converted = convert(content, name)
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
    return Imported(definition, converted.notes)


def load_path(path: str | FsPath) -> Imported:
    """A definition from a YAML file or an XLSForm (.xlsx), by its suffix."""
    path = FsPath(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise DefinitionError([Problem(str(path), 1, msg("cannot read the file: "
                                                             "%(reason)s", reason=str(error)))]
                                  ) from None
        return read_xlsform(content, str(path))
    return Imported(load_file(path))


__all__ = ["Imported", "WorkbookError", "convert", "load_path", "read_xlsform"]
