"""Exports of a questionnaire's responses across all its versions: frames and streamed writers
with no Flask (CSV wide and long, XLSX, SPSS, codebooks, indicators and report); the
``survey export`` commands (``cli.py``) and, later, the results pages' download routes are thin
layers on top.

No export ever holds contact details, tokens or IP addresses: :mod:`.source` selects only the
response columns an export shows.
"""

from .delimited import CsvOptions, csv_long, csv_wide
from .frames import Export
from .schema import EXPORT_METADATA, Schema, StoredVersion, build_schema
from .source import Selection

__all__ = ["EXPORT_METADATA", "CsvOptions", "Export", "Schema", "Selection", "StoredVersion",
           "build_schema", "csv_long", "csv_wide"]
