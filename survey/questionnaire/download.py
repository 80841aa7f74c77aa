"""A definition written back as a file: YAML (its own data), XLSForm (.xlsx), or a ZIP
holding the XLSForm with the pictures and sounds it shows (under their stored names, so that
uploading the ZIP again gives the same content hash) and the CSV files its choices came from.

Choices read from CSV files are in the definition; when the upload's CSV files are stored with
the version (:class:`~.xlsform.FileSources`), the ZIP holds them as uploaded and their items
name them again (``select_one_from_file places.csv``), so a team gets back the files it
edits. Otherwise (a version stored before the files were kept, or an .xlsx alone) the choices
are written in the workbook's choices sheet."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Mapping
from typing import Any

import yaml

from .loader import DefinitionError, content_hash
from .media import names_in
from .model import Definition
from .xlsform import FileSources, read_upload
from .xlsform.writing import write_xlsform

log = logging.getLogger(__name__)

__all__ = ["as_xlsform", "as_xlsform_zip", "as_yaml", "media_names"]


def media_names(definition: Definition | Mapping[str, Any]) -> set[str]:
    """The stored pictures and sounds the definition shows (none: the .xlsx alone will do)."""
    return names_in(definition.raw if isinstance(definition, Definition) else definition)


def as_yaml(definition: Definition | Mapping[str, Any]) -> str:
    """The definition's data as YAML: loading it gives the same content hash."""
    data = definition.raw if isinstance(definition, Definition) else definition
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


def as_xlsform(definition: Definition | Mapping[str, Any]) -> bytes:
    """The definition as an XLSForm workbook: reading it gives the same content hash."""
    return write_xlsform(definition)


def as_xlsform_zip(definition: Definition | Mapping[str, Any], name: str,
                   files: Mapping[str, bytes], sources: FileSources | None = None) -> bytes:
    """A ZIP holding the XLSForm (``name``.xlsx), ``files`` (stored name -> content) under
    ``media/`` and the CSV files of ``sources`` next to the XLSForm, as uploaded: uploading
    it gives the same content hash. That is checked when CSV files are in it (reading them
    back depends on the workbook around them); should it not hold, the ZIP is made with the
    choices in the workbook, as for a version stored without its CSV files."""
    data = definition.raw if isinstance(definition, Definition) else definition
    if sources:
        zipped = _zip(write_xlsform(data, sources.types, sources.lists), name, files,
                      sources.files)
        expected = definition.content_hash if isinstance(definition, Definition) else None
        if _same_content(zipped, name, data, expected):
            return zipped
        log.warning("questionnaire %s: the ZIP with its CSV files does not read back the same; "
                    "its choices are written in the workbook instead", name)
    return _zip(as_xlsform(data), name, files, {})


def _zip(workbook: bytes, name: str, media: Mapping[str, bytes], csv_files: Mapping[str, bytes]
         ) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.xlsx", workbook)
        for file_name in sorted(csv_files):
            archive.writestr(file_name, csv_files[file_name])
        for file_name in sorted(media):
            archive.writestr(f"media/{file_name}", media[file_name])
    return out.getvalue()


def _same_content(zipped: bytes, name: str, data: Mapping[str, Any], expected: str | None
                  ) -> bool:
    try:
        again = read_upload(zipped, f"{name}.zip").definition
    except DefinitionError:
        return False
    return again.content_hash == (expected or content_hash(dict(data)))
