"""The codebook of an export, readable by people: one row per column (code, text in each
language, type, choices with codes, scales, reverse keying, versions), as CSV, HTML or rows for
the XLSX codebook sheet. The JSON codebook (the analysis library's schema) is
:meth:`Schema.codebook`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from analysis.output import neutralise_formula

from .delimited import CsvOptions, csv_chunks
from .repeats import RepeatTable, repeat_tables, sheet_names
from .repeats import codebook as repeat_codebook
from .schema import EXPORT_METADATA, WORDING_VALUES, Schema, pick


def codebook_header(schema: Schema) -> list[str]:
    return ["column", *(f"text_{lang}" for lang in schema.languages), "type", "choices",
            "scales", "reverse_keyed", "versions"]


def codebook_rows(schema: Schema, header: bool = True) -> Iterator[list[Any]]:
    if header:
        yield codebook_header(schema)
    scales_of: dict[str, list[str]] = {}
    reverse: set[str] = set()
    for scale in schema.scales:
        for item in scale["items"]:
            scales_of.setdefault(item, []).append(scale["code"])
        reverse.update(scale["reverse"])
    blanks = [""] * (len(schema.languages) + 1)
    for column in EXPORT_METADATA:
        values = "; ".join(WORDING_VALUES) if column == "wording" else ""
        yield [column, *blanks, values, "", "", ""]
    lang = schema.languages[0]
    for column in schema.columns:
        entry = schema.entries[column]
        choices = [f"{c['code']}={pick(c.get('label') or {}, lang, str(c['code']))}"
                   for key in ("choices", "roster") for c in entry.get(key, ())]
        texts = [(entry.get("text") or {}).get(lang, "") for lang in schema.languages]
        yield [neutralise_formula(v) for v in (
            column, *texts, entry.get("type", ""), "; ".join(choices),
            " ".join(scales_of.get(column, [])), "yes" if column in reverse else "",
            " ".join(schema.versions_of[column]))]


def roster_rows(schema: Schema, header: bool = True) -> Iterator[list[Any]]:
    """Each team's roster, for the nominations that name its members: team, code, name, and
    whether the entry has since left the roster (its code still labels earlier answers)."""
    if header:
        yield ["team", "code", "name", "retired"]
    lang = schema.languages[0]
    for team, entries in schema.team_rosters.items():
        for entry in entries:
            yield [neutralise_formula(v) for v in (
                team, str(entry["code"]), pick(entry.get("label") or {}, lang, ""),
                "yes" if entry.get("retired") else "")]


def codebook_csv(schema: Schema, options: CsvOptions | None = None) -> Iterator[bytes]:
    rows = codebook_rows(schema)
    return csv_chunks(next(rows), rows, options or CsvOptions())


def codebook_json(schema: Schema) -> str:
    """The analysis codebook, with ``repeats``: each repeated page's long table and wide block
    (an addition the library ignores)."""
    document = schema.codebook()
    tables = repeat_tables(schema.versions)
    if tables:
        document["repeats"] = repeat_codebook(tables)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def repeat_rows(schema: Schema, tables: Sequence[RepeatTable] | None = None,
                header: bool = True) -> Iterator[list[Any]]:
    """The long table of each repeated page: page, the XLSX sheet holding it, its column,
    text, where it is in the wide export."""
    if header:
        yield ["repeat", "sheet", "column", "text", "type", "wide_columns"]
    lang = schema.languages[0]
    tables = repeat_tables(schema.versions) if tables is None else tables
    sheets = sheet_names(tables)
    for table in tables:
        for column in table.columns:
            entry = table.entries.get(column, {})
            wide = f"{column}_1 … {column}_{table.maximum}"
            yield [neutralise_formula(v) for v in (
                table.code, sheets[table.code], column, pick(entry.get("text") or {}, lang, ""),
                entry.get("type", ""), wide)]


def codebook_html(schema: Schema, lang: str = "fr") -> str:
    """A standalone page (no script, no external resource), every value escaped."""
    rows = codebook_rows(schema)
    head = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in next(rows))
    body = "\n".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                     for row in rows)
    title = escape(pick(schema.title, lang, schema.questionnaire))
    repeated = list(repeat_rows(schema))
    if len(repeated) > 1:  # the repeated pages' long tables
        body += ("\n</tbody></table><h2>repeats</h2><table><thead><tr>" + "".join(
            f"<th scope='col'>{escape(str(c))}</th>" for c in repeated[0])
            + "</tr></thead><tbody>\n" + "\n".join(
                "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                for row in repeated[1:]))
    if schema.team_rosters:
        rosters = roster_rows(schema)
        head_r = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in next(rosters))
        body += ("\n</tbody></table><h2>rosters</h2><table><thead><tr>" + head_r
                 + "</tr></thead><tbody>\n" + "\n".join(
                     "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                     for row in rosters))
    return (f"<!doctype html>\n<html lang='{escape(lang)}'><head><meta charset='utf-8'>"
            f"<title>{title}: codebook</title><style>table{{border-collapse:collapse}}"
            "td,th{border:1px solid #999;padding:2px 6px;vertical-align:top;text-align:left}"
            f"</style></head><body><h1>{title}</h1><table><thead><tr>{head}</tr></thead>"
            f"<tbody>\n{body}\n</tbody></table></body></html>\n")
