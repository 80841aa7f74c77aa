"""The choices sheet: named lists, special answers (dont_know, prefer_not) and how an item
takes its list (by name or as an inline copy)."""

from __future__ import annotations

from typing import Any

from .. import expressions
from ..loader import CODE_RE
from ..messages import msg
from ..model import SPECIAL_ANSWERS
from ..yamlsource import Path
from .codes import CodeReader
from .languages import LanguageReader
from .vocabulary import MEDIA_COLUMNS, TYPES_YESNO_LIST, is_number, split_header
from .workbook import Sheet


class ChoiceReader(CodeReader, LanguageReader):
    def find_filter_columns(self, survey: Sheet) -> None:
        """The choice columns the survey's choice_filters read (kept on the choices; other
        extra columns of the choices sheet, such as Kobo's ``$kuid``, are ignored)."""
        for row in survey.rows:
            source = str(row.get("choice_filter") or "").strip()
            if not source:
                continue
            try:
                tree = expressions.parse(source, allow_dot=False, choice_names=True)
            except expressions.ExpressionError:
                continue  # refused at its cell when the item is read
            self.filter_columns |= {name.removeprefix(expressions.CHOICE_PREFIX) for name in
                                    expressions.references(tree)
                                    if name.startswith(expressions.CHOICE_PREFIX)} - {"name"}

    def read_choices(self) -> None:
        sheet = self.book.get("choices")
        if sheet is not None:
            self.read_choice_rows(sheet)
        if self.list_special:
            self.note(msg("choices named dont_know or prefer_not become the special answers "
                          "of the items using their list (labels are the app's own)"))

    def read_choice_rows(self, sheet: Sheet, only: str | None = None,
                         into: str | None = None) -> None:
        """The choices of a sheet (the choices sheet, external_choices, a CSV file); with
        ``only``, the rows of that list; with ``into``, kept under that list name."""
        for index, row in enumerate(sheet.rows):
            row = {("list_name" if k in ("list name", "list_name") else
                    "name" if k == "value" else k): v for k, v in row.items()}
            if into is not None:
                if only is not None and (row.get("list_name") or "").strip() != only:
                    continue
                row["list_name"] = into
            list_name = (row.get("list_name") or "").strip()
            name = (row.get("name") or "").strip()
            if not list_name and not name:
                continue
            self.check_columns(sheet, row, index, {"list_name", "name", "label", "easy_label",
                                                   "anchors", *self.filter_columns},
                               refuse=True)
            for header, value in row.items():
                if split_header(header)[0] in MEDIA_COLUMNS and value and str(value).strip():
                    self.ignored_columns.setdefault(header, sheet.place(index, header))
            if not list_name or not name:
                self.refuse(sheet.place(index, "list_name" if not list_name else "name"),
                            msg("a choice needs both a list_name and a name"))
                continue
            code: Any
            if is_number(name) and str(int(name)) == name.lstrip("+"):
                code = int(name)
            else:
                code = name if CODE_RE.match(name) else self.normalise(name)
                if code != name:
                    self.choice_renamed[name] = code
            if code in SPECIAL_ANSWERS:
                self.list_special.setdefault(list_name, []).append(str(code))
                continue
            labels = self.texts(sheet, row, index, "label") or {}
            attributes = {column: str(row[column]).strip() for column in sorted(
                self.filter_columns) if row.get(column) is not None and str(row[column]).strip()}
            self.lists.setdefault(list_name, []).append(
                (index, {"code": code, **labels, **({"attributes": attributes} if attributes
                                                    else {}),
                         "_place": sheet.place(index, "name")}))

    def list_choices(self, list_name: str, place: str) -> list[dict[str, Any]] | None:
        if list_name not in self.lists:
            self.refuse(place, msg("the choice list '%(name)s' is not in the choices sheet",
                                   name=list_name))
            return None
        return [dict(entry) for _index, entry in self.lists[list_name]]

    def choices_value(self, list_name: str, path: Path, place: str, extra: list[dict] | None
                      ) -> Any:
        """A named list (by name) or an inline copy (placed), as our format takes them."""
        choices = self.list_choices(list_name, place)
        if choices is None:
            return None
        self.used_lists.add(list_name)
        named = (self.named_lists is None or list_name in self.named_lists) and not extra
        if named:
            return list_name
        inline = choices + (extra or [])
        for n, choice in enumerate(inline):
            self.out.places[(*path, "choices", n)] = choice.pop("_place", place)
        return inline

    def finish_lists(self) -> None:
        lists: dict[str, Any] = {}
        rosters: dict[str, Any] = {}
        for name, entries in self.lists.items():
            target = rosters if name in self.rosters else lists
            if target is lists and self.named_lists is not None and name not in self.named_lists:
                continue
            if target is lists and name == TYPES_YESNO_LIST and name not in self.used_lists:
                continue
            key = "rosters" if target is rosters else "choice_lists"
            target[name] = []
            for n, (_index, entry) in enumerate(entries):
                entry = dict(entry)
                self.out.places[(key, name, n)] = entry.pop("_place")
                target[name].append(entry)
        if lists:
            self.out.data["choice_lists"] = lists
        if rosters:
            self.out.data["rosters"] = rosters
