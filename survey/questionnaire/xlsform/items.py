"""One survey row -> one definition item (or more: ``or_other`` adds a text item), of the
item type that claims its XLSForm type, with the keys every item shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..itemtypes import TYPES, ItemType
from ..messages import Text, msg, words
from ..yamlsource import Path
from .files import EXTERNAL, FROM_FILE, FileChoiceReader
from .media import MediaReader
from .vocabulary import (
    KIND_WORDS,
    METADATA,
    REFUSED_TYPES,
    SELECT_ALIASES,
    SURVEY_COLUMNS,
    TYPE_ALIASES,
    cell_value,
    known_types,
    split_header,
    text_of,
    yes_no,
)
from .workbook import Sheet


class ItemReader(FileChoiceReader, MediaReader):
    def pick_type(self, base: str, row: Mapping[str, str], list_name: str | None
                  ) -> list[ItemType]:
        appearance = set((row.get("appearance") or "").lower().split())
        columns = {split_header(h)[0] for h, v in row.items() if v is not None
                   and str(v).strip()}
        scored = [(t.xlsform_match(base, appearance, columns, list_name), n, t)
                  for n, t in enumerate(TYPES.values())]
        return [t for score, _n, t in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= 0]

    def read_item(self, sheet: Sheet, index: int, row: dict[str, str], base: str,
                  kind_text: str, stack: list[dict[str, Any]]) -> list[dict[str, Any]]:
        type_place = sheet.place(index, "type")
        for spelling in (" or specify other", " or_specify_other"):
            if kind_text.lower().endswith(spelling):
                kind_text = kind_text[:-len(spelling)] + " or_other"
        two = " ".join(kind_text.lower().split(" ")[:2])
        if two in TYPE_ALIASES:
            kind_text = TYPE_ALIASES[two] + kind_text[len(two):]
        parts = kind_text.split(" ")
        if parts[0].lower() in TYPE_ALIASES:
            parts[0] = TYPE_ALIASES[parts[0].lower()]
        base = parts[0].lower()
        lowered = [p.lower() for p in parts]
        for size in (5, 4, 3, 2):  # "select one x", "select all that apply from x"
            alias = " ".join(lowered[:size])
            if alias in SELECT_ALIASES:
                base = SELECT_ALIASES[alias]
                parts = [base, *parts[size:]]
                break
        file_source = None
        if base in FROM_FILE or base in EXTERNAL:
            file_source = (base, parts[1]) if len(parts) == 2 else None  # not with or_other
            found = self.file_list(base, parts[1] if len(parts) >= 2 else None, kind_text,
                                   type_place)
            if found is None:
                return []
            base = found[0]
            parts = [base, found[1], *parts[2:]]
        if base in METADATA:
            self.note(msg("'%(type)s' is not collected: %(reason)s", type=base,
                          reason=Text(METADATA[base])), type_place)
            return []
        if base in REFUSED_TYPES and base not in known_types():  # unless a type claims it
            self.refuse(type_place, msg("'%(type)s': %(reason)s", type=kind_text,
                                        reason=Text(REFUSED_TYPES[base])))
            return []
        or_other = len(parts) >= 3 and parts[2].lower() == "or_other"
        list_name = parts[1] if len(parts) >= 2 else None
        if len(parts) > (3 if or_other else 2) or (len(parts) == 3 and not or_other):
            self.refuse(type_place, msg("cannot read the type '%(type)s'", type=kind_text))
            return []
        candidates = self.pick_type(base, row, list_name)
        if not candidates:
            self.refuse(type_place, msg("'%(type)s' is not an XLSForm type that can be used "
                                        "here (known: %(types)s)", type=kind_text,
                                        types=words(*sorted(known_types()))))
            return []
        kind = candidates[0]
        takes_list = "choices" in kind.keys
        if takes_list and list_name is None:
            self.refuse(type_place, msg("'%(type)s' needs the name of a choice list after it",
                                        type=kind_text))
            return []
        if kind.xlsform_scale and takes_list and list_name in self.lists:
            codes = [e["code"] for _i, e in self.lists[list_name]]
            if codes != list(range(1, len(codes) + 1)) and len(candidates) > 1:
                self.note(msg("shown as a single choice, not a likert: the list '%(name)s' "
                              "is not coded 1, 2, ...", name=list_name), type_place)
                kind = candidates[1]
        self.check_columns(sheet, row, index, SURVEY_COLUMNS | set(kind.xlsform_columns))
        name = (row.get("name") or "").strip()
        if not name:
            self.refuse(sheet.place(index, "name"), msg("this question has no name"))
            return []
        code = self.code(name)
        entry: dict[str, Any] = {"code": code, "type": kind.name}
        places: dict[Path, str] = {(): type_place, ("code",): sheet.place(index, "name"),
                                   ("type",): type_place}
        self.common(sheet, index, row, entry, places)
        inherited = self.inherited_relevance(stack)
        if inherited:
            entry["relevant"] = (f"({inherited}) and ({entry['relevant']})"
                                 if entry.get("relevant") else inherited)
        extra = None
        if or_other:
            extra = [{"code": "other", **text_of(self.languages, "other")}]
        if takes_list and list_name is not None:
            choices = self.choices_value(list_name, (), type_place, extra)
            if choices is None:
                return []
            if isinstance(choices, list):
                for n in range(len(choices)):
                    places[("choices", n)] = self.out.places.pop(("choices", n), type_place)
            else:
                places[("choices",)] = type_place
            entry["choices"] = choices
            if list_name in self.list_special and "special" not in entry:
                entry["special"] = list(self.list_special[list_name])
        elif list_name is not None:
            self.used_lists.add(list_name)
        cells = self.extension_cells(sheet, row, index, kind, places)
        for key, value in cells.items():
            if key in kind.xlsform_columns:
                entry[key] = value
        kind.xlsform_read_extra(cells, entry, self.languages)
        if file_source is not None:
            self.note_file_source(code, *file_source)
        entry["_places"] = places
        entries = [entry]
        for group in stack:
            note = group.pop("note", None)
            if note is not None:
                entries.insert(0, note)
        if or_other:
            entries.append({
                "code": f"{code}_other", "type": "text", "text": text_of(self.languages,
                                                                         "specify"),
                "relevant": f"selected(${{{code}}}, 'other')",
                "_places": {(): type_place}})
            other = f"{code}_other"
            self.note(msg("or_other adds the choice 'other' and a text item '%(code)s'",
                          code=other), type_place)
        return entries

    def common(self, sheet: Sheet, index: int, row: dict[str, str], entry: dict[str, Any],
               places: dict[Path, str]) -> None:
        """The keys every item shares: text, help, required, relevant, constraint, special,
        equity, pictures and sounds."""
        self.media_cells(sheet, index, row, entry, places)
        for key, column in (("text", "label"), ("help", "hint"),
                            ("constraint_message", "constraint_message")):
            value = self.texts(sheet, row, index, column)
            if value is not None:
                entry[key] = value
                places[(key,)] = self.text_place(sheet, index, row, column)
            elif key == "text":
                header = self.language_header(sheet, "label", self.languages[0]) \
                    if self.languages else None
                places[(key,)] = sheet.place(index, header or "label")
        for lang_key in ("text", "help", "constraint_message"):
            texts = entry.get(lang_key) or {}
            if any("${" in t for t in texts.values()):
                self.note(msg("answers are not inserted into texts here: ${...} is shown as "
                              "written"), self.text_place(sheet, index, row, "label"))
        for key, column in (("required", "required"), ("equity", "equity")):
            value = row.get(column)
            if value is None or not str(value).strip():
                continue
            flag = yes_no(str(value))
            places[(key,)] = sheet.place(index, column)
            if flag is None:
                self.refuse(sheet.place(index, column), msg(
                    "'%(column)s' must be yes or no here (got '%(value)s'; conditions are not "
                    "supported: use relevant)", column=column, value=value))
            else:
                entry[key] = flag
        for key, column in (("relevant", "relevant"), ("relevant", "relevance"),
                            ("constraint", "constraint"), ("choice_filter", "choice_filter")):
            value = self.expression(row.get(column))
            if value is not None:
                entry[key] = value
                places[(key,)] = sheet.place(index, column)
        if "constraint" in entry and "constraint_message" not in entry:
            entry["constraint_message"] = text_of(self.languages, "constraint_message")
            self.note(msg("no constraint_message: a standard message is shown when the "
                          "answer is refused"), sheet.place(index, "constraint"))
        special = (row.get("special") or "").split()
        if special:
            entry["special"] = special
            places[("special",)] = sheet.place(index, "special")

    def extension_cells(self, sheet: Sheet, row: dict[str, str], index: int, kind: ItemType,
                        places: dict[Path, str]) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for key, value_kind in kind.xlsform_columns.items():
            if value_kind == "text" and any(
                    split_header(h)[0] == key and split_header(h)[1] and str(v or "").strip()
                    for h, v in row.items()):  # a text per language: <key>::<language>
                texts = self.texts(sheet, row, index, key)
                if texts:
                    cells[key] = texts
                    places[(key,)] = self.text_place(sheet, index, row, key)
                continue
            value = row.get(key)
            if value is None or not str(value).strip():
                continue
            parsed = (self.expression(str(value)) if value_kind == "expression"
                      else cell_value(str(value).strip(), value_kind))
            places[(key,)] = sheet.place(index, key)
            if parsed is None:
                self.refuse(sheet.place(index, key), msg(
                    "'%(column)s' must be %(kind)s (got '%(value)s')", column=key,
                    kind=Text(KIND_WORDS[value_kind]), value=value))
                continue
            cells[key] = parsed
        anchors = self.texts(sheet, row, index, "anchors")
        if anchors:
            cells["anchors"] = anchors
            places[("anchors",)] = self.text_place(sheet, index, row, "anchors")
        return cells

    @staticmethod
    def inherited_relevance(stack: list[dict[str, Any]]) -> str | None:
        """The relevance an item takes from the open groups around it (a page's own relevance
        stays on the page)."""
        parts = [g["relevant"] for g in stack if g.get("relevant") and not g.get("page")]
        parts += [g["relevant"] for g in stack if g.get("relevant") and g.get("page")
                  and "relevant" not in g["page"]]
        if not parts:
            return None
        return " and ".join(f"({p})" for p in parts) if len(parts) > 1 else parts[0]
