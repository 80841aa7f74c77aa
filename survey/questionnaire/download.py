"""A definition written back as a file: YAML (its own data) or XLSForm (.xlsx)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .model import Definition
from .xlsform.writing import write_xlsform

__all__ = ["as_xlsform", "as_yaml"]


def as_yaml(definition: Definition | Mapping[str, Any]) -> str:
    """The definition's data as YAML: loading it gives the same content hash."""
    data = definition.raw if isinstance(definition, Definition) else definition
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


def as_xlsform(definition: Definition | Mapping[str, Any]) -> bytes:
    """The definition as an XLSForm workbook: reading it gives the same content hash."""
    return write_xlsform(definition)
