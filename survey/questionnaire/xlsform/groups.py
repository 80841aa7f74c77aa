"""The survey sheet row by row: groups become pages (top level) or notes (nested), table-list
groups of one scale become matrix items, loose questions get pages of their own."""

from __future__ import annotations

from typing import Any

from ..itemtypes import TYPES
from ..messages import msg
from ..yamlsource import Path
from . import repeats
from .items import ItemReader
from .vocabulary import (
    GROUP_BEGIN,
    GROUP_END,
    REPEAT,
    SELECT_ALIASES,
    SURVEY_COLUMNS,
)
from .workbook import Sheet


class GroupReader(ItemReader):
    def read_survey(self, sheet: Sheet) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = []
        rows = list(enumerate(sheet.rows))
        position = 0
        stack: list[dict[str, Any]] = []  # open groups: {"row", "relevant", "section"}
        current: dict[str, Any] | None = None
        loose = 0
        while position < len(rows):
            index, row = rows[position]
            position += 1
            kind_text = " ".join(str(row.get("type") or "").split())
            if not kind_text:
                if any(str(v).strip() for v in row.values()):
                    self.refuse(sheet.place(index, "type"), "this row has no type")
                continue
            lowered = kind_text.lower()
            base = lowered.split(" ")[0]
            if lowered in GROUP_BEGIN or base in ("begin_group",) or lowered.startswith(
                    "begin group"):
                group = self.begin_group(sheet, index, row, stack, sections, rows, position)
                if group.get("matrix_end") is not None:
                    matrix, end = group["matrix"], group["matrix_end"]
                    if group.get("page"):
                        current = group["page"]
                        sections.append(current)
                    elif current is None:
                        loose += 1
                        current = self.loose_section(loose, sections, sheet, index)
                    self.add_item(current, matrix, sections)
                    position = end + 1
                    if group.get("page"):
                        current = None
                    continue
                if group.get("page"):
                    current = group["page"]
                    sections.append(current)
                stack.append(group)
                continue
            if lowered in GROUP_END or lowered.startswith("end group") or base == "end_group":
                if not stack:
                    self.refuse(sheet.place(index, "type"), msg(
                        "'end group' without a matching 'begin group'"))
                    continue
                group = stack.pop()
                if group.get("page"):
                    current = None
                continue
            if lowered.startswith(tuple(REPEAT)):  # a repeated page (xlsform/repeats.py)
                current = repeats.read_row(self, sheet, index, row, lowered, stack, sections,
                                           rows, position, current)
                continue
            entries = self.read_item(sheet, index, row, base, kind_text, stack)
            if not entries:
                continue
            if current is None:
                loose += 1
                current = self.loose_section(loose, sections, sheet, index)
            for entry in entries:
                self.add_item(current, entry, sections)
        for group in stack:
            self.refuse(sheet.place(group["row"], "type"), msg(
                "'begin group' without a matching 'end group'"))
        return sections

    def loose_section(self, number: int, sections: list[dict[str, Any]], sheet: Sheet,
                      index: int) -> dict[str, Any]:
        """Questions outside any group go on a page of their own."""
        code = f"page_{number}"
        while code in self.renamed.values():
            code += "_"
        section = {"code": code, "title": dict(self.out.data.get("title") or {}), "items": []}
        self.out.places[(("sections", len(sections)))] = sheet.place(index)
        sections.append(section)
        if number == 1:
            self.note(msg("questions outside any group are put on pages titled with the form "
                          "title: use begin group / end group to make pages"))
        return section

    def add_item(self, section: dict[str, Any], entry: dict[str, Any],
                 sections: list[dict[str, Any]]) -> None:
        s = next(n for n, candidate in enumerate(sections) if candidate is section)
        i = len(section["items"])
        places = entry.pop("_places", {})
        for sub, place in places.items():
            self.out.places[("sections", s, "items", i, *sub)] = place
        section["items"].append(entry)

    def begin_group(self, sheet: Sheet, index: int, row: dict[str, str],
                    stack: list[dict[str, Any]], sections: list[dict[str, Any]],
                    rows: list[tuple[int, dict[str, str]]], position: int) -> dict[str, Any]:
        self.check_columns(sheet, row, index, SURVEY_COLUMNS)
        name = (row.get("name") or "").strip()
        appearance = set((row.get("appearance") or "").lower().split())
        relevant = self.expression(row.get("relevant") or row.get("relevance"))
        group: dict[str, Any] = {"row": index, "relevant": relevant}
        code = self.code(name) if name else f"group_{index + 2}"
        matrix = self.matrix(sheet, index, row, rows, position, appearance)
        top = not stack
        if top:
            s = len(sections)
            page: dict[str, Any] = {"code": code, "items": []}
            self.out.places[("sections", s)] = sheet.place(index, "type")
            self.out.places[("sections", s, "code")] = sheet.place(index, "name")
            title = self.texts(sheet, row, index, "label", ("sections", s, "title"))
            if title is None:
                title = {lang: name or code for lang in self.languages}
                self.note(msg("group '%(name)s' has no label: its name is used as the page "
                              "title", name=name), sheet.place(index, "label"))
            page["title"] = title
            intro = self.texts(sheet, row, index, "hint", ("sections", s, "intro"))
            if intro:
                page["intro"] = intro
            if relevant and matrix is None:
                page["relevant"] = relevant
                self.out.places[("sections", s, "relevant")] = sheet.place(index, "relevant")
            if matrix is not None:
                page["code"] = f"{code}_page"
            group["page"] = page
        if matrix is not None:
            entry, end = matrix
            inherited = self.inherited_relevance(stack)
            if inherited:
                entry["relevant"] = (f"({inherited}) and ({entry['relevant']})"
                                     if entry.get("relevant") else inherited)
            group["matrix"], group["matrix_end"] = entry, end
            return group
        if not top:
            label = self.texts(sheet, row, index, "label")
            if label:  # a heading inside a page: shown as a note
                group["note"] = {"code": code, "type": "note", "text": label}
                self.note(msg("the group '%(name)s' inside a page is shown as a note above "
                              "its questions", name=name), sheet.place(index, "type"))
        return group

    def matrix(self, sheet: Sheet, index: int, row: dict[str, str],
               rows: list[tuple[int, dict[str, str]]], position: int, appearance: set[str]
               ) -> tuple[dict[str, Any], int] | None:
        """A table-list or field-list group of selects sharing one list coded 1..n: a matrix
        item (the registry's group type), with the end row's position."""
        item_type = next((t for t in TYPES.values() if t.xlsform_group), None)
        if item_type is None or not appearance & {"table-list", "field-list"}:
            return None
        children: list[tuple[int, dict[str, str], str]] = []
        end = None
        for offset, (child_index, child) in enumerate(rows[position:]):
            text = " ".join(str(child.get("type") or "").split()).lower()
            if not text:
                continue
            if text in GROUP_END or text.startswith("end group") or text.startswith("end_group"):
                end = position + offset
                break
            parts = text.split(" ")
            base = SELECT_ALIASES.get(" ".join(parts[:-1]), parts[0])
            if base != "select_one" or len(parts) != 2 or (child.get("appearance") or "").strip() \
                    not in ("", "list-nolabel", "label"):
                return None
            children.append((child_index, child, parts[1]))
        if end is None or not children or len({c[2] for c in children}) != 1:
            return None
        list_name = children[0][2]
        codes = [entry["code"] for _i, entry in self.lists.get(list_name, [])]
        if item_type.xlsform_scale and codes != list(range(1, len(codes) + 1)):
            return None
        if any((c.get("relevant") or c.get("constraint") or c.get("required")) for _i, c, _l
               in children):
            return None
        name = (row.get("name") or "").strip()
        code = self.code(name) if name else f"group_{index + 2}"
        places: dict[Path, str] = {(): sheet.place(index, "type"), ("code",):
                                   sheet.place(index, "name")}
        entry: dict[str, Any] = {"code": code, "type": item_type.name}
        self.common(sheet, index, row, entry, places)
        rows_value = []
        for n, (child_index, child, _l) in enumerate(children):
            self.check_columns(sheet, child, child_index, SURVEY_COLUMNS)
            labels = self.texts(sheet, child, child_index, "label") or {}
            rows_value.append({"code": self.code((child.get("name") or "").strip()
                                                 or f"row_{child_index + 2}"), **labels})
            places[("rows", n)] = sheet.place(child_index, "label")
        choices = self.choices_value(list_name, (), sheet.place(children[0][0], "type"), None)
        if choices is None:
            return None
        if isinstance(choices, list):
            for n in range(len(choices)):
                places[("choices", n)] = self.out.places.pop(("choices", n), "")
        entry["choices"] = choices
        entry["rows"] = rows_value
        if list_name in self.list_special:
            entry.setdefault("special", list(self.list_special[list_name]))
        entry["_places"] = places
        return entry, end
