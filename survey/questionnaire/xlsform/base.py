"""What every part of one XLSForm conversion shares: the workbook, the result being built
(:class:`Converted`), the state read so far, and how refusals and notes are reported."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..loader import Problem
from ..media import MediaFile
from ..messages import Note, Text, msg
from ..yamlsource import Path
from .vocabulary import REFUSED_COLUMNS, SURVEY_COLUMNS_ALL, split_header
from .workbook import Sheet, Workbook


@dataclass
class FileSources:
    """Where choices came from when a CSV file of the ZIP gave them, so that the version
    downloads with the same files: the CSV files read (base name -> content, as uploaded),
    the type cell of each item whose choices a file gave (``select_one_from_file places.csv``),
    and the choice lists those files gave (left out of the downloaded choices sheet). Kept
    beside the definition, never in it: the content hash is that of the choices alone."""

    files: dict[str, bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # item code -> its XLSForm type
    lists: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.types)


@dataclass
class Converted:
    """The definition data of a workbook, where each part came from, and what was refused,
    ignored or assumed."""

    data: dict[str, Any]
    places: dict[Path, str] = field(default_factory=dict)
    refusals: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    media: dict[str, MediaFile] = field(default_factory=dict)  # stored name -> file to store
    sources: FileSources = field(default_factory=FileSources)  # choices from CSVs


class ReaderBase:
    """The state of one conversion. ``name`` is the upload's name, used in problems; the
    readers of each concern (languages, codes, choices, settings, items, groups, scales) are
    mixed into :class:`.reading.Reader` and share this state."""

    def __init__(self, workbook: Workbook, name: str,
                 files: Mapping[str, bytes] | None = None) -> None:
        self.book = workbook
        self.name = name
        self.files = dict(files or {})  # a ZIP upload's files by base name (media, CSV)
        self.loaded_files: dict[str, str] = {}  # file (or external list) -> its list name
        self.external_files: dict[str, str] = {}  # external list -> the CSV file it came from
        self.prepared: dict[tuple[str, str], str | None] = {}  # (medium, file) -> stored name
        self.filter_columns: set[str] = set()  # choice columns that choice_filters read
        self.out = Converted(data={})
        self.languages: list[str] = []
        self.default_code: str | None = None
        # (sheet, column, language, fallback) -> (cells, first place): see fill_missing
        self.missing_texts: dict[tuple[str, str, str, str], tuple[int, str]] = {}
        self.unknown_languages: set[str] = set()
        self.renamed: dict[str, str] = {}  # XLSForm name -> code
        self.choice_renamed: dict[str, str] = {}
        self.lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.list_special: dict[str, list[str]] = {}
        self.ignored_columns: dict[str, str] = {}
        self.settings: dict[str, str] = {}
        self.named_lists: set[str] | None = None
        self.rosters: set[str] = set()
        self.used_lists: set[str] = set()
        self.inline: dict[str, list[dict[str, Any]]] = {}

    # -- reporting -------------------------------------------------------------------------

    def refuse(self, place: str, text: Text) -> None:
        self.out.refusals.append(Problem(self.name, 1, text, place))

    def note(self, text: Text, place: str | None = None) -> None:
        self.out.notes.append(Note(text, place))

    def check_columns(self, sheet: Sheet, row: Mapping[str, str], index: int,
                      known: set[str], refuse: bool = True) -> None:
        for header, value in row.items():
            if value is None or not str(value).strip():
                continue
            base, _lang = split_header(header)
            if base in known:
                continue
            if base in REFUSED_COLUMNS and refuse:
                self.refuse(sheet.place(index, header), msg(
                    "column '%(column)s': %(reason)s", column=header,
                    reason=Text(REFUSED_COLUMNS[base])))
            elif header not in self.ignored_columns and base not in SURVEY_COLUMNS_ALL:
                self.ignored_columns[header] = sheet.place(index, header)
