"""Definition -> XLSForm workbook (openpyxl), through the item-type registry.

Written from the definition's own data, so reading the workbook back gives the same content
(and the same content hash): named choice lists and rosters are listed in the settings sheet,
our extensions go in the columns documented in ``docs/questionnaire-format.md``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from ..itemtypes import TYPES
from ..model import Definition
from ..wording import EASY
from . import repeats

LANGUAGE_LABELS = {"fr": "Français", "en": "English", "es": "Español", "de": "Deutsch",
                   "pt": "Português", "it": "Italiano", "ar": "العربية"}
NO_NAMED_LISTS = "-"  # a settings cell pyxform would drop if left empty
YESNO_LABELS = {"yes": {"fr": "Oui", "en": "Yes"}, "no": {"fr": "Non", "en": "No"}}


def language_header(base: str, lang: str) -> str:
    return f"{base}::{LANGUAGE_LABELS.get(lang, lang)} ({lang})"


def flag(value: Any) -> str:
    return "yes" if value else "no"


class _Writer:
    def __init__(self, data: Mapping[str, Any], file_types: Mapping[str, str] | None = None,
                 file_lists: Sequence[str] = ()) -> None:
        self.data = data
        self.file_types = dict(file_types or {})  # item code -> select_one_from_file x.csv
        self.file_lists = set(file_lists)  # lists a CSV file gives: not in the choices sheet
        self.languages: list[str] = list(data.get("languages") or [])
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.list_names = set(data.get("choice_lists") or {}) | set(data.get("rosters") or {})
        self.yesno_written = False

    def texts(self, row: dict[str, Any], base: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for lang, text in value.items():
                if lang == EASY:  # its easy-read wording: easy_label::Français (fr)...
                    self.texts(row, f"{EASY}_{base}", text)
                else:
                    row[language_header(base, str(lang))] = text

    def inline_list(self, code: str, choices: Sequence[Mapping[str, Any]]) -> str:
        name = code
        while name in self.list_names:
            name += "_list"
        self.list_names.add(name)
        self.add_list(name, choices)
        return name

    def add_list(self, name: str, choices: Sequence[Mapping[str, Any]]) -> None:
        for choice in choices:
            row: dict[str, Any] = {"list_name": name, "name": choice.get("code")}
            self.texts(row, "label", {k: v for k, v in choice.items()
                                      if k not in ("code", "attributes")})
            row.update(choice.get("attributes") or {})  # the columns a choice_filter reads
            self.choices.append(row)

    def list_of(self, entry: Mapping[str, Any]) -> str:
        choices = entry.get("choices")
        if isinstance(choices, str):
            return choices
        return self.inline_list(str(entry.get("code")), choices or [])

    def item_rows(self, entry: Mapping[str, Any]) -> list[dict[str, Any]]:
        item_type = TYPES[entry["type"]]
        row: dict[str, Any] = {"name": entry.get("code")}
        self.texts(row, "label", entry.get("text"))
        self.texts(row, "hint", entry.get("help"))
        self.texts(row, "constraint_message", entry.get("constraint_message"))
        for medium in ("image", "audio"):  # stored names: the files come in the same ZIP
            self.texts(row, medium, entry.get(medium))
        for key in ("required", "equity"):
            if key in entry:
                row[key] = flag(entry[key])
        for key in ("relevant", "constraint", "choice_filter"):
            if key in entry:
                row[key] = entry[key]
        if entry.get("special"):
            special = entry["special"]
            row["special"] = " ".join(special) if isinstance(special, list) else special
        if item_type.xlsform_group:
            row["type"] = "begin_group"
            row["appearance"] = "table-list"
            list_name = self.list_of(entry)
            rows = [row]
            for line in entry.get("rows") or []:
                child: dict[str, Any] = {"type": f"select_one {list_name}",
                                         "name": line.get("code")}
                self.texts(child, "label", {k: v for k, v in line.items() if k != "code"})
                rows.append(child)
            rows.append({"type": "end_group", "name": entry.get("code")})
            return rows
        base = item_type.xlsform_types[0]
        if "choices" in item_type.keys and "choices" in entry and \
                entry.get("code") in self.file_types:
            base = self.file_types[entry["code"]]  # its choices come in the CSV file
        elif "choices" in item_type.keys and "choices" in entry:
            base = f"{base} {self.list_of(entry)}"
        elif "choices" in item_type.keys and "points" in entry:  # likert on points with anchors
            anchors = entry.get("anchors") or {}
            points = int(entry["points"])
            generated = [{"code": n, **{lang: (pair[0] if n == 1 else pair[1] if n == points
                                              else str(n))
                                        for lang, pair in anchors.items()
                                        if isinstance(pair, list) and len(pair) == 2}}
                         for n in range(1, points + 1)]
            base = f"{base} {self.inline_list(str(entry.get('code')), generated)}"
        elif item_type.xlsform_list:
            base = f"{base} {item_type.xlsform_list}"
            if not self.yesno_written:
                self.yesno_written = True
                self.add_list(item_type.xlsform_list, [
                    {"code": code, **{lang: labels.get(lang, labels["en"])
                                      for lang in self.languages}}
                    for code, labels in YESNO_LABELS.items()])
        elif item_type.xlsform_marker:
            roster = entry.get("roster_fallback") or entry.get("roster")
            base = f"{base} {roster}"
        row["type"] = base
        appearance = item_type.xlsform_appearance_of(entry)
        if appearance:
            row["appearance"] = appearance
        for key, value_type in item_type.xlsform_columns.items():
            if key not in entry:
                continue
            value = entry[key]
            if isinstance(value, Mapping):  # a text per language: xlsform_extra writes it
                continue
            if value_type == "flag":
                value = flag(value)
            elif value_type == "words" and isinstance(value, list):
                value = " ".join(str(v) for v in value)
            row[key] = value
        for key, value in item_type.xlsform_extra(entry, self.languages).items():
            self.texts(row, key, value)
        row.update(item_type.xlsform_cells(entry))
        return [row]

    def sheets(self) -> dict[str, list[dict[str, Any]]]:
        data = self.data
        for section in data.get("sections") or []:
            group: dict[str, Any] = {"type": "begin_group", "name": section.get("code"),
                                     "appearance": "field-list"}
            self.texts(group, "label", section.get("title"))
            self.texts(group, "hint", section.get("intro"))
            if "relevant" in section:
                group["relevant"] = section["relevant"]
            end = repeats.write_columns(section, group, self.texts)
            self.survey.append(group)
            for entry in section.get("items") or []:
                self.survey.extend(self.item_rows(entry))
            self.survey.append({"type": end, "name": section.get("code")})
        for name, choices in (data.get("choice_lists") or {}).items():
            if name not in self.file_lists:
                self.add_list(str(name), choices)
        for name, entries in (data.get("rosters") or {}).items():
            self.add_list(str(name), entries)
        languages = self.languages
        settings: dict[str, Any] = {
            "form_title": (data.get("title") or {}).get(languages[0]) if languages else None,
            "form_id": data.get("code"),
            "default_language": (f"{LANGUAGE_LABELS.get(languages[0], languages[0])} "
                                 f"({languages[0]})") if languages else None,
            "audience": data.get("audience"), "minutes": data.get("minutes"),
            "choice_lists": " ".join(data.get("choice_lists") or {}) or NO_NAMED_LISTS,
            "rosters": " ".join(data.get("rosters") or {}) or None,
        }
        if "version" in data:
            settings["version"] = str(data["version"])
        for key in ("title", "introduction", "consent"):
            self.texts(settings, key, data.get(key))
        scales = []
        for scale in data.get("scales") or []:
            # an empty list given explicitly (``reverse: []``) is written "-", so it reads back
            row = {key: (" ".join(map(str, value)) or NO_NAMED_LISTS
                         if isinstance(value, list) else value)
                   for key, value in scale.items() if key != "construct"}
            self.texts(row, "construct", scale.get("construct"))
            scales.append(row)
        sheets = {"survey": self.survey, "choices": self.choices, "settings": [settings]}
        if scales:
            sheets["scales"] = scales
        return sheets


def headers_of(rows: Sequence[Mapping[str, Any]], first: Sequence[str]) -> list[str]:
    headers = list(first)
    for row in rows:
        for key, value in row.items():
            if key not in headers and value is not None:
                headers.append(key)
    return headers


def write_xlsform(definition: Definition | Mapping[str, Any],
                  file_types: Mapping[str, str] | None = None,
                  file_lists: Sequence[str] = ()) -> bytes:
    """An .xlsx XLSForm of a definition (or of its data). With ``file_types`` (item code ->
    type cell such as ``select_one_from_file places.csv``), those items name their CSV file
    as the upload did, and the lists such files give (``file_lists``) are left out of the
    choices sheet: the workbook then goes in a ZIP with the files."""
    data = definition.raw if isinstance(definition, Definition) else definition
    sheets = _Writer(data, file_types, file_lists).sheets()
    book = Workbook()
    book.remove(book.active)
    firsts = {"survey": ["type", "name"], "choices": ["list_name", "name"],
              "settings": ["form_title", "form_id", "version", "default_language"],
              "scales": ["code", "items", "reverse", "points", "min_answered"]}
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        headers = headers_of(rows, [h for h in firsts.get(name, [])
                                    if any(r.get(h) is not None for r in rows)])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
