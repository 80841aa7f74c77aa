"""XLSForm ``begin repeat`` / ``end repeat``: a top-level repeat is a repeated page
(``repeat:`` in the definition, docs/questionnaire-format.md), read as a group's page is.

``repeat_count`` (a number or an expression on earlier answers) is the page's ``count``;
without it the participant adds occurrences with "Add another". Our extension columns on the
``begin repeat`` row: ``max`` (the most occurrences; 20 when missing, with a note) and
``repeat_label::…`` per language (naming one occurrence: "Person 2 of 3"); without ``max``,
a counted repeat takes the definition's default and an "add another" one 20, with a note.
:func:`write_columns` writes them back, so a definition keeps its content hash through an
XLSForm. A repeat inside
a group or another repeat is refused at its cell: repeats do not nest here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..messages import msg
from ..repeats import MAX_OCCURRENCES
from .workbook import Sheet

BEGIN = ("begin_repeat", "begin repeat", "begin loop", "begin_loop")
DEFAULT_MAX = 20
COLUMNS = {"repeat_count", "max", "repeat_label"}  # read here, on a begin repeat row


def read_row(reader: Any, sheet: Sheet, index: int, row: dict[str, str], lowered: str,
             stack: list[dict[str, Any]], sections: list[dict[str, Any]],
             rows: list[tuple[int, dict[str, str]]], position: int,
             current: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ``begin repeat`` or ``end repeat`` row of the survey sheet (``reader`` is the
    XLSForm reader); returns the page questions now go on."""
    place = sheet.place(index, "type")
    if not lowered.startswith(BEGIN):  # end repeat / end loop
        if not stack or not stack[-1].get("repeat"):
            reader.refuse(place, msg("'end repeat' without a matching 'begin repeat'"))
            return current
        stack.pop()
        return None
    if lowered.startswith(("begin loop", "begin_loop")):
        reader.refuse(place, msg("'%(type)s': loops over a list of choices cannot be "
                                 "expressed here: use begin repeat", type=lowered))
    if stack:
        reader.refuse(place, msg("a repeat inside a group or another repeat cannot be "
                                 "expressed here (repeats do not nest): put it at the top "
                                 "level, as its own page"))
    plain = {k: v for k, v in row.items() if k.split("::")[0].split(":")[0] not in COLUMNS}
    s = len(sections)
    group = reader.begin_group(sheet, index, plain, [], sections, rows, position)
    page = group.get("page")
    if page is None or group.get("matrix_end") is not None:
        reader.refuse(place, msg("a repeat must hold questions, not a table-list"))
        page = page or {"code": f"repeat_{index + 2}", "title": {}, "items": []}
    repeat: dict[str, Any] = {}
    count = str(row.get("repeat_count") or "").strip()
    if count:
        repeat["count"] = reader.expression(count)
        reader.out.places[("sections", s, "repeat", "count")] = sheet.place(index,
                                                                             "repeat_count")
    maximum = str(row.get("max") or "").strip()
    if maximum:
        number = int(maximum) if maximum.isdigit() else None
        if number is None or not 1 <= number <= MAX_OCCURRENCES:
            reader.refuse(sheet.place(index, "max"), msg(
                "'max' of a repeat must be a whole number from 1 to %(most)s",
                most=MAX_OCCURRENCES))
        repeat["max"] = number or 1
    elif not count:
        repeat["max"] = DEFAULT_MAX
        reader.note(msg("repeat '%(name)s' gives no max (our extension column): at most "
                        "%(count)s occurrences", name=row.get("name") or "", count=DEFAULT_MAX),
                    sheet.place(index, "type"))
    reader.out.places[("sections", s, "repeat", "max")] = sheet.place(index, "max")
    label = reader.texts(sheet, row, index, "repeat_label", ("sections", s, "repeat", "label"))
    if label:
        repeat["label"] = label
    page["repeat"] = repeat
    reader.out.places[("sections", s, "repeat")] = place
    sections.append(page)
    stack.append({**group, "repeat": True, "page": page})
    return page


def write_columns(section: Any, row: dict[str, Any],
                  texts: Callable[[dict[str, Any], str, Any], None]) -> str:
    """The ``begin repeat`` row of a repeated page (its columns added to ``row``; ``texts``
    writes a text per language); returns the type that closes it. A page that does not repeat
    is a group."""
    repeat = section.get("repeat")
    if not isinstance(repeat, dict):
        return "end_group"
    row["type"] = "begin_repeat"
    if repeat.get("count") is not None:
        row["repeat_count"] = repeat["count"]
    if repeat.get("max") is not None:
        row["max"] = repeat["max"]
    if repeat.get("label"):
        texts(row, "repeat_label", repeat["label"])
    return "end_repeat"
