"""XLSForm -> definition data, through the item-type registry, with every cell's place.

The workbook is read by pyxform (:mod:`.workbook`); each survey row becomes a definition entry
of the item type that claims its XLSForm type (``ItemType.xlsform_*``), and the result is
validated by the ordinary loader, so a problem is reported at its cell (``survey!C14``).
What our format cannot express is refused with its row and the reason; what is ignored
(metadata, unknown columns) and what was assumed (defaults, renamed codes) is listed in notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..itemtypes import TYPES, ItemType
from ..loader import CODE_RE, LANG_RE, Problem
from ..messages import N_, Note, Text, msg, words
from ..model import SPECIAL_ANSWERS
from ..yamlsource import Path
from . import repeats
from .workbook import Sheet, Workbook

GROUP_BEGIN = {"begin_group", "begin group"}
GROUP_END = {"end_group", "end group"}
REPEAT = {"begin_repeat", "begin repeat", "end_repeat", "end repeat", "begin loop",
          "end loop", "begin_loop", "end_loop"}
TYPE_ALIASES = {"string": "text", "int": "integer", "select1": "select_one",
                "select_all_that_apply": "select_multiple", "imei": "deviceid",
                "phone number": "phonenumber_question", "phone_number": "phonenumber_question"}
SELECT_ALIASES = {"select one": "select_one",
                  "select one from": "select_one", "select all that apply": "select_multiple",
                  "select all that apply from": "select_multiple",
                  "select multiple": "select_multiple"}

REFUSED_TYPES = {
    "repeat": N_("repeats (a group answered several times) cannot be expressed here"),
    "geopoint": N_("GPS locations are not collected here"),
    "geotrace": N_("GPS locations are not collected here"),
    "geoshape": N_("GPS locations are not collected here"),
    "start-geopoint": N_("GPS locations are not collected here"),
    "image": N_("photos cannot be collected here"),
    "photo": N_("photos cannot be collected here"),
    "audio": N_("recordings cannot be collected here"),
    "background-audio": N_("recordings cannot be collected here"),
    "video": N_("videos cannot be collected here"),
    "file": N_("files cannot be collected here"),
    "barcode": N_("barcodes cannot be scanned here"),
    "calculate": N_("calculations are not evaluated here"),
    "hidden": N_("hidden values are not kept here"),
    "xml-external": N_("external data cannot be used here"),
    "csv-external": N_("external data cannot be used here"),
    "select_one_from_file": N_("choices from a file cannot be used here: copy them into "
                               "the choices sheet and use select_one"),
    "select_multiple_from_file": N_("choices from a file cannot be used here: copy them into "
                                    "the choices sheet and use select_multiple"),
    "select_one_external": N_("external choices cannot be used here: copy them into the "
                              "choices sheet and use select_one"),
    "time": N_("times of day are not supported (only dates)"),
    "datetime": N_("times of day are not supported (only dates)"),
    "range": N_("range sliders are not supported: use an integer with min and max, or a "
                "likert"),
    "acknowledge": N_("acknowledge is not supported: use a note"),
    "trigger": N_("acknowledge is not supported: use a note"),
    "osm": N_("maps are not supported here"),
    "phonenumber_question": N_("phone numbers are not collected with the answers here"),
    "include": N_("including other forms is not supported: copy the questions in"),
}
METADATA = {
    "start": N_("answer times are recorded by Proximité itself"),
    "end": N_("answer times are recorded by Proximité itself"),
    "today": N_("answer times are recorded by Proximité itself"),
    "deviceid": N_("Proximité records no device or person identifiers"),
    "imei": N_("Proximité records no device or person identifiers"),
    "subscriberid": N_("Proximité records no device or person identifiers"),
    "simserial": N_("Proximité records no device or person identifiers"),
    "phonenumber": N_("Proximité records no device or person identifiers"),
    "username": N_("Proximité records no device or person identifiers"),
    "email": N_("Proximité records no device or person identifiers"),
    "audit": N_("Proximité records no device or person identifiers"),
}
REFUSED_COLUMNS = {
    "image": N_("pictures in questions are not shown here"),
    "big-image": N_("pictures in questions are not shown here"),
    "audio": N_("sounds in questions are not played here"),
    "video": N_("videos in questions are not shown here"),
    "media": N_("pictures and sounds in questions are not shown here"),
    "choice_filter": N_("choices filtered by earlier answers (cascading selects) cannot be "
                        "expressed here"),
    "calculation": N_("calculations are not evaluated here"),
    "repeat_count": N_("a count is read on a begin repeat row only"),
    "trigger": N_("triggers are not supported here"),
}
# Columns read here or by the item types; anything else with a value is listed as ignored.
SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "relevance",
                  "constraint", "constraint_message", "appearance", "special", "equity",
                  "anchors"}
LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "french": "fr", "français": "fr", "francais": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "german": "de", "deutsch": "de",
    "portuguese": "pt", "português": "pt", "italian": "it", "arabic": "ar", "swahili": "sw",
    "kiswahili": "sw", "dutch": "nl", "chinese": "zh", "hindi": "hi", "bengali": "bn",
    "russian": "ru", "nepali": "ne", "amharic": "am", "hausa": "ha", "somali": "so",
}
DEFAULT_TEXTS = {
    "introduction": {"fr": "Merci de répondre à ce questionnaire.",
                     "en": "Thank you for answering this questionnaire."},
    "consent": {"fr": "Votre participation est libre. Vous pouvez sauter des questions, "
                      "arrêter à tout moment et retirer vos réponses.",
                "en": "Taking part is your choice. You can skip questions, stop at any time "
                      "and withdraw your answers."},
    "constraint_message": {"fr": "Cette réponse n'est pas acceptée.",
                           "en": "This answer is not accepted."},
    "other": {"fr": "Autre", "en": "Other"},
    "specify": {"fr": "Précisez :", "en": "Please specify:"},
}
LANG_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)\)\s*$")
REFERENCE_RE = re.compile(r"\$\{([^}]*)\}")
LITERAL_RE = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass
class Converted:
    """The definition data of a workbook, where each part came from, and what was refused,
    ignored or assumed."""

    data: dict[str, Any]
    places: dict[Path, str] = field(default_factory=dict)
    refusals: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def text_of(languages: Sequence[str], key: str) -> dict[str, str]:
    return {lang: DEFAULT_TEXTS[key].get(lang, DEFAULT_TEXTS[key]["en"]) for lang in languages}


def language_code(label: str) -> str | None:
    """``Français (fr)`` -> ``fr``; ``English`` -> ``en``; ``fr`` -> ``fr``."""
    label = label.strip()
    match = LANG_IN_HEADER.match(label)
    if match:
        return match["code"].split("-")[0].split("_")[0].lower()
    lowered = label.lower()
    if lowered in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[lowered]
    return lowered if LANG_RE.match(lowered) else None


def split_header(header: str) -> tuple[str, str | None]:
    """``label::English (en)`` -> (``label``, ``English (en)``); ``media::image::x`` -> media."""
    base, _, rest = header.partition("::")
    return base.strip().lower(), (rest.strip() or None) if rest else None


def is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+", text))


class Reader:
    """One conversion. ``name`` is the upload's name, used in problems."""

    def __init__(self, workbook: Workbook, name: str) -> None:
        self.book = workbook
        self.name = name
        self.out = Converted(data={})
        self.languages: list[str] = []
        self.unknown_languages: set[str] = set()
        self.renamed: dict[str, str] = {}  # XLSForm name -> code
        self.choice_renamed: dict[str, str] = {}
        self.lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.list_special: dict[str, list[str]] = {}
        self.ignored_columns: dict[str, str] = {}
        self.settings: dict[str, str] = {}
        self.named_lists: set[str] | None = None
        self.rosters: set[str] = set()
        self.used_lists: set[str] = set()
        self.inline: dict[str, list[dict[str, Any]]] = {}

    # -- reporting -------------------------------------------------------------------------

    def refuse(self, place: str, text: Text) -> None:
        self.out.refusals.append(Problem(self.name, 1, text, place))

    def note(self, text: Text, place: str | None = None) -> None:
        self.out.notes.append(Note(text, place))

    # -- entry -----------------------------------------------------------------------------

    def convert(self) -> Converted:
        survey = self.book.get("survey")
        if survey is None or not any(survey.rows):
            self.refuse("survey", msg("the workbook has no survey sheet with questions: an "
                                      "XLSForm needs a sheet named 'survey' (type, name, label "
                                      "columns)"))
            return self.out
        for header in ("type", "name"):
            if header not in {split_header(h)[0] for h in survey.headers}:
                self.refuse(f"{survey.name}!1", msg("the survey sheet has no '%(column)s' "
                                                    "column", column=header))
        if self.out.refusals:
            return self.out
        settings = self.book.get("settings")
        if settings is not None and settings.rows:
            self.settings = {k.strip(): v for k, v in settings.rows[0].items()}
        self.read_languages()
        self.read_choices()
        self.collect_names(survey)
        data = self.out.data
        data["format"] = 1
        self.read_settings(settings)
        data["sections"] = self.read_survey(survey)
        if data.get("minutes") is None:
            questions = sum(1 for s in data["sections"] for i in s["items"]
                            if i.get("type") != "note")
            data["minutes"] = max(1, min(240, round(questions / 4)))
            template = (N_("no minutes column: about %(minutes)s minute assumed for "
                           "%(questions)s questions; give the time it takes in a minutes "
                           "column") if data["minutes"] == 1 else
                        N_("no minutes column: about %(minutes)s minutes assumed for "
                           "%(questions)s questions; give the time it takes in a minutes "
                           "column"))
            self.note(Text(template, {"minutes": data["minutes"], "questions": questions}),
                      "settings")
        self.finish_lists()
        scales = self.read_scales()
        if scales:
            data["scales"] = scales
        for column, place in self.ignored_columns.items():
            self.note(msg("column '%(column)s' is not used here; its values are ignored",
                          column=column), place)
        return self.out

    # -- languages -------------------------------------------------------------------------

    def read_languages(self) -> None:
        default = self.settings.get("default_language")
        default_code = language_code(default) if default else None
        found: list[str] = []
        plain = False
        for key in ("survey", "choices"):
            sheet = self.book.get(key)
            for header in sheet.headers if sheet else ():
                base, lang = split_header(header)
                if base not in ("label", "hint", "constraint_message"):
                    continue
                if lang is None:
                    plain = plain or base == "label"
                    continue
                code = language_code(lang)
                if code is None:
                    example = f"{base}::{lang} (xx)"
                    self.refuse(sheet.header_place(header), msg(
                        "cannot tell the language of column '%(column)s': write it as "
                        "%(example)s with a two-letter code, e.g. label::Français (fr)",
                        column=header, example=example))
                    self.unknown_languages.add(lang)
                elif code not in found:
                    found.append(code)
        if default_code is None and not found:
            default_code = "en"
            self.note(msg("the labels name no language: they are taken as English (en); set "
                          "default_language in the settings sheet, or name columns "
                          "label::Français (fr)"))
        elif plain and default_code is None:
            default_code = found[0]
        if default_code and default_code in found:
            found.remove(default_code)
        self.languages = ([default_code] if default_code else []) + found
        self.default_code = default_code
        self.out.data["languages"] = list(self.languages)

    def texts(self, sheet: Sheet, row: Mapping[str, str], index: int, base: str,
              path: Path | None = None) -> dict[str, str] | None:
        """The per-language text of column ``base`` in one row (None if blank everywhere)."""
        result: dict[str, str] = {}
        first_place = None
        for header, value in row.items():
            column, lang = split_header(header)
            if column != base or value is None or not str(value).strip():
                continue
            code = language_code(lang) if lang else self.default_code
            if code is None:
                continue
            if lang is None and code in result:
                continue  # a translated column wins over the plain one
            result[code] = str(value).strip()
            first_place = first_place or sheet.place(index, header)
        if not result:
            return None
        if path is not None:
            self.out.places[path] = first_place or sheet.place(index)
            for lang in self.languages:
                if lang not in result:
                    self.out.places[path] = sheet.place(index, self.language_header(sheet, base,
                                                                                   lang))
        return result

    def language_header(self, sheet: Sheet, base: str, lang: str) -> str | None:
        for header in sheet.headers:
            column, name = split_header(header)
            if column == base and ((name and language_code(name) == lang)
                                   or (name is None and lang == self.default_code)):
                return header
        return None

    # -- codes -----------------------------------------------------------------------------

    @staticmethod
    def normalise(name: str) -> str:
        code = re.sub(r"[^a-z0-9_]", "_", name.strip().lower())
        if not code or not code[0].isalpha():
            code = f"q_{code}"
        return code[:64]

    def collect_names(self, survey: Sheet) -> None:
        for row in survey.rows:
            name = (row.get("name") or "").strip()
            if name and name not in self.renamed:
                self.renamed[name] = name if CODE_RE.match(name) else self.normalise(name)
        changed = [f"{a} -> {b}" for a, b in self.renamed.items() if a != b]
        if changed:
            self.note(msg("names made into codes (lower case letters, digits and '_'): "
                          "%(names)s", names=words(*changed[:8])
                          + (" ..." if len(changed) > 8 else "")))

    def code(self, name: str) -> str:
        return self.renamed.get(name, self.normalise(name))

    def expression(self, text: str | None) -> str | None:
        """An XLSForm expression with names and choice names made into codes."""
        if text is None or not str(text).strip():
            return None
        text = REFERENCE_RE.sub(lambda m: "${" + self.code(m[1].strip()) + "}", str(text))
        if self.choice_renamed:
            def literal(match: re.Match[str]) -> str:
                quote, inner = match[0][0], match[0][1:-1]
                new = self.choice_renamed.get(inner)
                return f"{quote}{new}{quote}" if new is not None else match[0]
            text = LITERAL_RE.sub(literal, text)
        return text.strip()

    # -- choices ---------------------------------------------------------------------------

    def read_choices(self) -> None:
        sheet = self.book.get("choices")
        if sheet is None:
            return
        for index, row in enumerate(sheet.rows):
            row = {("list_name" if k in ("list name", "list_name") else
                    "name" if k == "value" else k): v for k, v in row.items()}
            list_name = (row.get("list_name") or "").strip()
            name = (row.get("name") or "").strip()
            if not list_name and not name:
                continue
            self.check_columns(sheet, row, index, {"list_name", "name", "label", "anchors"},
                               refuse=True)
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
            self.lists.setdefault(list_name, []).append(
                (index, {"code": code, **labels, "_place": sheet.place(index, "name")}))
        if self.list_special:
            self.note(msg("choices named dont_know or prefer_not become the special answers "
                          "of the items using their list (labels are the app's own)"))

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

    # -- settings --------------------------------------------------------------------------

    def read_settings(self, sheet: Sheet | None) -> None:
        data, s = self.out.data, self.settings
        place = (lambda key: sheet.place(0, key)) if sheet else (lambda key: "settings")
        form_id = (s.get("form_id") or s.get("id_string") or "").strip()
        data["code"] = (form_id if CODE_RE.match(form_id) else
                        self.normalise(form_id) if form_id else
                        self.normalise(self.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]))
        self.out.places[("code",)] = place("form_id")
        if s.get("version"):
            data["version"] = str(s["version"]).strip()
            self.out.places[("version",)] = place("version")
        if s.get("choice_lists") is not None:
            self.named_lists = set(str(s["choice_lists"]).split())
        self.rosters = set(str(s.get("rosters") or "").split())
        audience = (s.get("audience") or "").strip()
        if audience:
            data["audience"] = audience
            self.out.places[("audience",)] = place("audience")
        else:
            data["audience"] = "citizen"
            self.note(msg("no audience column: taken as citizen (patient, professional or "
                          "citizen)"), "settings")
        minutes = (s.get("minutes") or "").strip()
        data["minutes"] = int(minutes) if is_number(minutes) else minutes or None
        self.out.places[("minutes",)] = place("minutes")
        row = dict(s)
        for key in ("title", "introduction", "consent"):
            texts = self.texts(sheet, row, 0, key, (key,)) if sheet else None
            if texts is None and key == "title" and s.get("form_title"):
                texts = {lang: str(s["form_title"]).strip() for lang in self.languages}
            if texts is None and key == "title":
                texts = {lang: data["code"] for lang in self.languages}
            if texts is None:
                texts = text_of(self.languages, key)
                self.note(Text(STANDARD_TEXT_NOTES[key], {"column": f"{key}::Français (fr)"}),
                          "settings")
            data[key] = texts

    # -- survey ----------------------------------------------------------------------------

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

    def inherited_relevance(self, stack: list[dict[str, Any]]) -> str | None:
        parts = [g["relevant"] for g in stack if g.get("relevant") and not g.get("page")]
        parts += [g["relevant"] for g in stack if g.get("relevant") and g.get("page")
                  and "relevant" not in g["page"]]
        if not parts:
            return None
        return " and ".join(f"({p})" for p in parts) if len(parts) > 1 else parts[0]

    def matrix(self, sheet: Sheet, index: int, row: dict[str, str],
               rows: list[tuple[int, dict[str, str]]], position: int, appearance: set[str]
               ) -> tuple[dict[str, Any], int] | None:
        """A table-list or field-list group of selects sharing one list coded 1..n: a matrix
        item (the registry's group type), with the end row's position."""
        kind = next((t for t in TYPES.values() if t.xlsform_group), None)
        if kind is None or not appearance & {"table-list", "field-list"}:
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
        if kind.xlsform_scale and codes != list(range(1, len(codes) + 1)):
            return None
        if any((c.get("relevant") or c.get("constraint") or c.get("required")) for _i, c, _l
               in children):
            return None
        name = (row.get("name") or "").strip()
        code = self.code(name) if name else f"group_{index + 2}"
        places: dict[Path, str] = {(): sheet.place(index, "type"), ("code",):
                                   sheet.place(index, "name")}
        entry: dict[str, Any] = {"code": code, "type": kind.name}
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

    # -- items -----------------------------------------------------------------------------

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
        if base in METADATA:
            self.note(msg("'%(type)s' is not collected: %(reason)s", type=base,
                          reason=Text(METADATA[base])), type_place)
            return []
        if base in REFUSED_TYPES:
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
        equity."""
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
            column = {"text": "label", "help": "hint"}.get(lang_key, lang_key)
            for lang in self.languages:
                if texts and lang not in texts:
                    header = self.language_header(sheet, column, lang)
                    places[(lang_key,)] = (sheet.place(index, header) if header else
                                           self.text_place(sheet, index, row, column))
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
                            ("constraint", "constraint")):
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

    def text_place(self, sheet: Sheet, index: int, row: Mapping[str, str], base: str) -> str:
        header = next((h for h in row if split_header(h)[0] == base), base)
        return sheet.place(index, header)

    def extension_cells(self, sheet: Sheet, row: dict[str, str], index: int, kind: ItemType,
                        places: dict[Path, str]) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for key, value_kind in kind.xlsform_columns.items():
            value = row.get(key)
            if value is None or not str(value).strip():
                continue
            parsed = cell_value(str(value).strip(), value_kind)
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

    def check_columns(self, sheet: Sheet, row: Mapping[str, str], index: int,
                      known: set[str], refuse: bool = True) -> None:
        for header, value in row.items():
            if value is None or not str(value).strip():
                continue
            base, _lang = split_header(header)
            if base in known:
                continue
            if base in REFUSED_COLUMNS and refuse:
                self.refuse(sheet.place(index, header), msg(
                    "column '%(column)s': %(reason)s", column=header,
                    reason=Text(REFUSED_COLUMNS[base])))
            elif header not in self.ignored_columns and base not in SURVEY_COLUMNS_ALL:
                self.ignored_columns[header] = sheet.place(index, header)

    # -- scales ----------------------------------------------------------------------------

    def read_scales(self) -> list[dict[str, Any]]:
        sheet = self.book.get("scales")
        scales: list[dict[str, Any]] = []
        for index, row in enumerate(sheet.rows if sheet else ()):
            if not (row.get("code") or "").strip():
                continue
            n = len(scales)
            scale: dict[str, Any] = {"code": row["code"].strip()}
            self.out.places[("scales", n)] = sheet.place(index, "code")
            for key, kind in (("items", "words"), ("reverse", "words"), ("points", "int"),
                              ("min_answered", "int"), ("reference", "text")):
                value = (row.get(key) or "").strip()
                if not value:
                    continue
                parsed = cell_value(value, kind)
                self.out.places[("scales", n, key)] = sheet.place(index, key)
                if parsed is None:
                    self.refuse(sheet.place(index, key), msg(
                        "'%(column)s' must be %(kind)s (got '%(value)s')", column=key,
                        kind=Text(KIND_WORDS[kind]), value=value))
                    continue
                if kind == "words":
                    parsed = [self.code(str(v)) for v in parsed]
                scale[key] = parsed
            construct = self.texts(sheet, row, index, "construct", ("scales", n, "construct"))
            if construct:
                scale["construct"] = construct
            scales.append(scale)
        return scales


TYPES_YESNO_LIST = next((t.xlsform_list for t in TYPES.values() if t.xlsform_list), None)
SURVEY_COLUMNS_ALL = SURVEY_COLUMNS | {k for t in TYPES.values() for k in t.xlsform_columns}
KIND_WORDS = {"int": N_("a whole number"), "number": N_("a number"), "text": N_("a text"),
              "words": N_("codes separated by spaces"), "flag": N_("yes or no")}
STANDARD_TEXT_NOTES = {
    "introduction": N_("no introduction column: a standard introduction was used; write your "
                       "own (%(column)s, ...) before publishing"),
    "consent": N_("no consent column: a standard consent text was used; write your own "
                  "(%(column)s, ...) before publishing"),
}


def known_types() -> set[str]:
    return {name for t in TYPES.values() for name in t.xlsform_types} | {"begin group",
                                                                          "end group"}


def yes_no(text: str) -> bool | None:
    from pyxform.aliases import yes_no as aliases

    text = text.strip()
    if text in aliases:
        return aliases[text]
    return {"1": True, "0": False, "oui": True, "non": False}.get(text.lower())


def cell_value(text: str, kind: str) -> Any:
    """A cell's text as the definition key wants it, or None when it cannot be."""
    if kind == "text":
        return text
    if kind == "flag":
        return yes_no(text)
    if kind == "words":
        return [int(w) if is_number(w) else w for w in text.split()]
    if kind == "int":
        return int(text) if is_number(text) else None
    if kind == "number":
        if is_number(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return None
    raise ValueError(kind)

