"""An uploaded definition (YAML or XLSForm) checked into a validation report (no Flask).

Everything in an upload is hostile: the name only chooses the reader and names the problems,
the bytes must be UTF-8 YAML or an .xlsx workbook, and nothing is stored here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..questionnaire import Definition, DefinitionError, Problem, load_text
from ..questionnaire.media import MediaFile
from ..questionnaire.messages import Note, msg
from ..questionnaire.xlsform import FileSources, read_upload
from ..questionnaire.xlsform.archive import MAX_ZIP_BYTES, is_zip_upload
from ..questionnaire.xlsform.workbook import MAX_BYTES

MAX_UPLOAD_BYTES = MAX_ZIP_BYTES  # a ZIP with its media; a lone file is held to MAX_BYTES

SAFE_NAME = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Report:
    """What a researcher reads after an upload: the definition, or every problem placed
    (line 0: the whole file)."""

    name: str
    definition: Definition | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    media: dict[str, MediaFile] = field(default_factory=dict)  # to store with the draft
    sources: FileSources | None = None  # the CSV files its choices came from, to store too

    @property
    def spreadsheet(self) -> bool:
        """An XLSForm: its problems are placed by cell (``survey!C14``), not by line."""
        return self.name.lower().endswith((".xlsx", ".zip"))

    @property
    def ok(self) -> bool:
        return self.definition is not None and not self.problems


def clean_name(filename: str | None) -> str:
    """The file's own name, without folders or odd characters, for messages only."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return SAFE_NAME.sub("_", base).strip()[:100] or "upload"


def check_upload(filename: str | None, content: bytes) -> Report:
    name = clean_name(filename)
    lowered = name.lower()
    limit = MAX_UPLOAD_BYTES if is_zip_upload(name) else MAX_BYTES
    if len(content) > limit:
        return Report(name, problems=[Problem(name, 0, msg(
            "the file is larger than %(size)s MB", size=limit // (1024 * 1024)))])
    try:
        if lowered.endswith((".xlsx", ".zip")):
            imported = read_upload(content, name)
            return Report(name, imported.definition, notes=imported.notes,
                          media=imported.media, sources=imported.sources or None)
        if lowered.endswith((".yaml", ".yml")):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                return Report(name, problems=[Problem(name, 0, msg(
                    "the file is not UTF-8 text: save it as UTF-8 YAML"))])
            return Report(name, load_text(text, name))
    except DefinitionError as error:
        return Report(name, problems=list(error.problems))
    return Report(name, problems=[Problem(name, 0, msg(
        "upload a YAML definition (.yaml), an XLSForm spreadsheet (.xlsx) or a ZIP file "
        "holding an XLSForm and its media (.zip)"))])
