"""A definition written back as a file: YAML (its own data), XLSForm (.xlsx), or a ZIP
holding the XLSForm with the pictures and sounds it shows (under their stored names, so that
uploading the ZIP again gives the same content hash). Choices first read from CSV files are in
the definition, so they are written in the workbook's choices sheet."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import yaml

from .media import names_in
from .model import Definition
from .xlsform.writing import write_xlsform

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
                   files: Mapping[str, bytes]) -> bytes:
    """A ZIP holding the XLSForm (``name``.xlsx) and ``files`` (stored name -> content):
    uploading it gives the same content hash."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.xlsx", as_xlsform(definition))
        for file_name in sorted(files):
            archive.writestr(f"media/{file_name}", files[file_name])
    return out.getvalue()
