"""Choices kept outside the choices sheet: ``select_one_from_file places.csv`` and
``select_multiple_from_file`` read a CSV file of the ZIP upload, ``select_one_external`` and
``select_multiple_external`` the ``external_choices`` sheet or the ZIP's ``itemsets.csv``.
The choices are copied into the definition, so the version holds them (its content hash
changes with them); a file that is missing or unreadable refuses the row, saying which file.
"""

from __future__ import annotations

import csv
import io
import posixpath

from openpyxl.utils import get_column_letter

from ..messages import msg
from .choices import ChoiceReader
from .workbook import Sheet, clean_header

FROM_FILE = {"select_one_from_file": "select_one",
             "select_multiple_from_file": "select_multiple"}
EXTERNAL = {"select_one_external": "select_one", "select_multiple_external": "select_multiple"}
MAX_ROWS = 5000


class FileChoiceReader(ChoiceReader):
    def file_list(self, base: str, source: str | None, type_text: str, place: str
                  ) -> tuple[str, str] | None:
        """(the select type, the list name) for a row whose choices are outside the choices
        sheet, or None after a refusal at ``place``."""
        if source is None:
            self.refuse(place, msg("'%(type)s' needs the name of its file or list after it",
                                   type=type_text))
            return None
        if base in FROM_FILE:
            name = self.file_choices(source, type_text, place)
            return (FROM_FILE[base], name) if name is not None else None
        name = self.external_choices(source, type_text, place)
        return (EXTERNAL[base], name) if name is not None else None

    def note_file_source(self, code: str, base: str, source: str) -> None:
        """Remember that ``code``'s choices came from a CSV file (not the external_choices
        sheet), to download the version with that file and this type cell."""
        key = source if base in FROM_FILE else f"external:{source}"
        file = source if base in FROM_FILE else self.external_files.get(key)
        list_name = self.loaded_files.get(key)
        if file is None or list_name is None or file not in self.files:
            return
        sources = self.out.sources
        sources.files[file] = self.files[file]
        sources.types[code] = f"{base} {source}"
        if list_name not in sources.lists:
            sources.lists.append(list_name)

    def file_choices(self, file: str, type_text: str, place: str) -> str | None:
        if not file.lower().endswith(".csv"):
            self.refuse(place, msg("'%(type)s': only CSV files of choices can be used here "
                                   "(a file whose name ends in .csv)", type=type_text))
            return None
        if file in self.loaded_files:
            return self.loaded_files[file]
        sheet = self.csv_sheet(file, type_text, place)
        if sheet is None:
            return None
        name = self.free_list_name(posixpath.splitext(file)[0])
        self.read_choice_rows(sheet, into=name)
        if name not in self.lists:
            self.refuse(place, msg("'%(type)s': %(file)s holds no choices (a name column and "
                                   "a label column, one choice a row)", type=type_text,
                                   file=file))
            return None
        self.loaded_files[file] = name
        return name

    def external_choices(self, list_name: str, type_text: str, place: str) -> str | None:
        key = f"external:{list_name}"
        if key in self.loaded_files:
            return self.loaded_files[key]
        sheet = self.book.get("external_choices")
        if sheet is None and "itemsets.csv" in self.files:
            sheet = self.csv_sheet("itemsets.csv", type_text, place)
            if sheet is None:
                return None
            self.external_files[key] = "itemsets.csv"
        if sheet is None:
            self.refuse(place, msg("'%(type)s': its choices are in neither an external_choices "
                                   "sheet nor an itemsets.csv file: add the sheet, or upload "
                                   "a ZIP holding the XLSForm and itemsets.csv",
                                   type=type_text))
            return None
        name = self.free_list_name(list_name)
        self.read_choice_rows(sheet, only=list_name, into=name)
        if name not in self.lists:
            self.refuse(place, msg("'%(type)s': the list '%(name)s' is not among the external "
                                   "choices", type=type_text, name=list_name))
            return None
        self.loaded_files[key] = name
        return name

    def csv_sheet(self, file: str, type_text: str, place: str) -> Sheet | None:
        """A CSV file of the upload read as a sheet (places such as ``places.csv!B3``)."""
        content = self.files.get(file)
        if content is None:
            if self.files:
                self.refuse(place, msg("'%(type)s': %(file)s is not in the ZIP file: add it "
                                       "next to the XLSForm", type=type_text, file=file))
            else:
                self.refuse(place, msg("'%(type)s': its choices are in %(file)s: upload a ZIP "
                                       "file holding the XLSForm and %(file)s", type=type_text,
                                       file=file))
            return None
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.refuse(f"{file}!1", msg("%(file)s is not UTF-8 text: save it as CSV UTF-8",
                                         file=file))
            return None
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel  # one column, or nothing to guess from: commas
        rows = list(csv.reader(io.StringIO(text), dialect))
        if not rows or "name" not in {clean_header(h) for h in rows[0]}:
            self.refuse(f"{file}!1", msg("%(file)s needs a header row with a name column and a "
                                         "label column", file=file))
            return None
        if len(rows) > MAX_ROWS + 1:
            self.refuse(f"{file}!1", msg("%(file)s holds more than %(most)s choices", file=file,
                                         most=MAX_ROWS))
            return None
        headers = [clean_header(h) for h in rows[0]]
        records = [{h: (cells[n].strip() if n < len(cells) else "") for n, h in
                    enumerate(headers) if h} for cells in rows[1:]]
        letters = {h: get_column_letter(n + 1) for n, h in enumerate(headers) if h}
        return Sheet(name=file, headers=[h for h in headers if h], rows=records,
                     letters=letters)

    def free_list_name(self, wanted: str) -> str:
        """The file's list name, unless a list of the choices sheet has it. A name the settings
        sheet announces without the choices sheet holding it is this file's (a downloaded ZIP
        leaves the lists its CSV files give out of the choices sheet)."""
        name = self.normalise(wanted)
        while name in self.lists:
            name += "_"
        return name
