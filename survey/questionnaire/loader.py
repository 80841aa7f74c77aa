"""Validate a questionnaire file and build its :class:`Definition`.

Every problem is collected, so a researcher sees all of them at once, each as
``file:line: what is wrong``. The format is documented in ``docs/questionnaire-format.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from . import expressions, repeats
from .itemtypes import TYPES
from .messages import N_, Text, msg, words
from .model import AUDIENCES, SPECIAL_ANSWERS, Choice, Definition, Expression, Item, Scale, Section
from .yamlsource import Path, Source, YamlSyntaxError, read_yaml

FORMAT = 1
MAX_BYTES = 1_000_000  # the bundled questionnaires are 25 to 30 KB
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")

TOP_KEYS = {
    "format", "code", "version", "audience", "languages", "minutes", "title", "introduction",
    "consent", "choice_lists", "rosters", "sections", "scales",
}
SECTION_KEYS = {"code", "title", "intro", "relevant", "items", "repeat"}
COMMON_ITEM_KEYS = {
    "code", "type", "text", "help", "required", "special", "relevant", "constraint",
    "constraint_message", "equity",
}
SCALE_KEYS = {"code", "items", "reverse", "points", "min_answered", "construct", "reference"}


@dataclass(frozen=True)
class Problem:
    """One problem, placed as the researcher wrote it: a YAML line, or a spreadsheet cell
    (``survey!C14``, in ``place``). ``text`` is translatable; ``message`` is its English."""

    file: str
    line: int
    text: Text
    place: str | None = None  # a spreadsheet cell, ``survey!C14``, instead of a line

    def __post_init__(self) -> None:
        if not isinstance(self.text, Text):
            raise TypeError("a problem's text is a messages.Text, so it can be translated")

    @property
    def message(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        if self.place:
            return f"{self.file}: {self.place}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class DefinitionError(ValueError):
    """A definition with problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_file(path: str | FsPath) -> Definition:
    """Read and validate a definition file; it is refused unread beyond :data:`MAX_BYTES`."""
    path = FsPath(path)
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            raise DefinitionError([Problem(str(path), 1, msg(
                "the file is larger than %(size)s MB: a questionnaire is a few hundred KB at "
                "most", size=MAX_BYTES // 1_000_000))])
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise DefinitionError([Problem(str(path), line, msg(
            "the file is not UTF-8 text: save it as UTF-8"))]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise DefinitionError([Problem(str(path), 1, msg("cannot read the file: %(reason)s",
                                                         reason=reason))]) from None
    return load_text(text, str(path))


def load_text(text: str, name: str = "<definition>") -> Definition:
    try:
        source = read_yaml(text)
    except YamlSyntaxError as error:
        raise DefinitionError([Problem(name, error.line, error.text)]) from None
    return _Builder(source, name).build()


def load_data(data: Mapping[str, Any], name: str = "<definition>",
              places: Mapping[Path, str] | None = None) -> Definition:
    """Validate a definition given as data (an upload, a converted XLSForm): strict.
    ``places`` names where each path came from (spreadsheet cells), for the problems."""
    return _Builder(Source(data=json.loads(json.dumps(data)), places=dict(places or {})),
                    name).build()


def rebuild(data: Mapping[str, Any], name: str = "<stored definition>") -> Definition:
    """Rebuild a stored version's definition: trusted data, validated when it was published.

    Problems are not raised here: a rule tightened after a version was published must never
    refuse that version (its participants' pages and exports keep working). What cannot be
    built at all is left out rather than refused.
    """
    return _Builder(Source(data=json.loads(json.dumps(data))), name, strict=False).build()


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON of the parsed content: formatting and comments don't count."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Builder:
    def __init__(self, source: Source, name: str, strict: bool = True) -> None:
        self.source = source
        self.strict = strict
        self.name = name
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("fr", "en")
        self.choice_lists: dict[str, tuple[Choice, ...]] = {}
        self.rosters: dict[str, tuple[Choice, ...]] = {}
        self.columns: dict[str, Item] = {}  # answer key -> its item, in file order
        self.codes: set[str] = set()  # every item, row and section code seen
        self.repeated: dict[str, str] = {}  # answer key of a repeated item -> its section
        self.in_repeat: str | None = None  # the repeated section being read

    # -- reporting -------------------------------------------------------------------------

    def problem(self, path: Path, text: Text) -> None:
        """A problem at ``path``, placed at its line or cell (never shown as a path)."""
        self.problems.append(Problem(self.name, self.source.line(path), text,
                                     self.source.place(path)))

    # -- entry -----------------------------------------------------------------------------

    def build(self) -> Definition:
        for line, key in self.source.duplicate_keys:
            self.problems.append(Problem(self.name, line, msg("key '%(key)s' appears twice",
                                                              key=key)))
        data = self.source.data
        if not isinstance(data, dict):
            self.problem((), msg("the file must be a mapping with keys such as format, code, "
                                 "sections"))
            raise DefinitionError(self.problems)
        self.unknown_keys(data, (), TOP_KEYS, msg("at the top level"))
        if data.get("format") != FORMAT:
            self.problem(("format",), msg("'format' must be %(format)s", format=FORMAT))
        code = self.code(data, ("code",), msg("questionnaire code"))
        audience = data.get("audience")
        if audience not in AUDIENCES:
            self.problem(("audience",), msg("'audience' must be one of %(audiences)s",
                                            audiences=words(*AUDIENCES)))
        self.languages = self.read_languages(data)
        minutes = data.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
            self.problem(("minutes",), msg("'minutes' must be a whole number of minutes (1 to "
                                           "240)"))
        version = data.get("version")
        if version is not None and not isinstance(version, str | int | float):
            self.problem(("version",), msg("'version' must be a short label such as "
                                           "\"2026.1\""))
        title = self.text(data, ("title",))
        introduction = self.text(data, ("introduction",))
        consent = self.text(data, ("consent",))
        self.read_choice_lists(data)
        self.read_rosters(data)
        sections = self.read_sections(data)
        scales = self.read_scales(data)
        if self.problems and self.strict:
            raise DefinitionError(self.problems)
        return Definition(
            code=code, audience=str(audience), languages=self.languages,
            minutes=minutes if isinstance(minutes, int) else 0,
            title=title, introduction=introduction, consent=consent, sections=tuple(sections),
            scales=tuple(scales), rosters=dict(self.rosters),
            version_label=None if version is None else str(version),
            content_hash=content_hash(data), raw=data,
        )

    # -- small readers ---------------------------------------------------------------------

    def mappings(self, data: dict, key: str, allowed: set[str], not_mapping: Text,
                 where: Text, required: bool) -> Iterator[tuple[Path, dict]]:
        """The entries of a top-level list of mappings (sections, scales), with their paths;
        entries that are not mappings are reported (``not_mapping``) and skipped."""
        value = data.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value):
            self.problem((key,), msg("'%(key)s' must be a non-empty list", key=key) if required
                         else msg("'%(key)s' must be a list", key=key))
            return
        for n, entry in enumerate(value):
            path = (key, n)
            if not isinstance(entry, dict):
                self.problem(path, not_mapping)
                continue
            self.unknown_keys(entry, path, allowed, where)
            yield path, entry

    def unknown_keys(self, data: dict, path: Path, allowed: set[str], where: Text) -> None:
        for key in data:
            if key not in allowed:
                self.problem((*path, key), msg(
                    "unknown key '%(key)s' %(where)s (expected one of: %(keys)s)",
                    key=key, where=where, keys=words(*sorted(allowed))))

    def code(self, data: dict, path: Path, what: Text) -> str:
        value = data.get(path[-1])
        if not isinstance(value, str) or not CODE_RE.match(value):
            self.problem(path, msg("%(what)s must be lower case letters, digits and '_', "
                                   "starting with a letter (got %(value)s)", what=what,
                                   value=repr(value)))
            return str(value)
        return value

    def read_languages(self, data: dict) -> tuple[str, ...]:
        value = data.get("languages")
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and LANG_RE.match(v) for v in value)):
            self.problem(("languages",), msg("'languages' must be a list of language codes, "
                                             "the default first, e.g. [fr, en]"))
            return ("fr", "en")
        if len(set(value)) != len(value):
            self.problem(("languages",), msg("'languages' lists a language twice"))
        return tuple(dict.fromkeys(value))

    def text(self, data: dict, path: Path, required: bool = True) -> dict[str, str] | None:
        value = data.get(path[-1])
        if value is None:
            if required:
                self.problem(path, msg("'%(key)s' is missing here: give a text per language "
                                       "(%(languages)s)", key=path[-1],
                                       languages=words(*self.languages)))
            return None
        if isinstance(value, str):
            self.problem(path, msg("'%(key)s' must give a text per language, e.g. %(example)s",
                                   key=path[-1], example=self.language_example()))
            return None
        if not isinstance(value, dict):
            self.problem(path, msg("'%(key)s' must be a mapping of language to text",
                                   key=path[-1]))
            return None
        return self.language_map(value, path)

    def language_map(self, value: dict, path: Path) -> dict[str, str]:
        result = {}
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str | int | float) or not str(text).strip():
                self.problem(path, msg("the %(language)s text is missing", language=lang))
            else:
                result[lang] = str(text).strip()
        for key in value:
            if key not in self.languages:
                self.problem((*path, key), msg("'%(key)s' is not one of the questionnaire's "
                                               "languages (%(languages)s)", key=key,
                                               languages=words(*self.languages)))
        return result

    def language_example(self, code: bool = False) -> str:
        """``{fr: ..., en: ...}``, or ``{code: ..., fr: ..., en: ...}`` for a choice."""
        keys = (["code"] if code else []) + list(self.languages)
        return "{" + ", ".join(f"{key}: ..." for key in keys) + "}"

    def choices(self, value: Any, path: Path, integer: bool = False) -> tuple[Choice, ...]:
        if not isinstance(value, list) or not value:
            self.problem(path, msg("choices must be a non-empty list of %(example)s",
                                   example=self.language_example(code=True)))
            return ()
        result: list[Choice] = []
        seen: set[str] = set()
        for n, entry in enumerate(value):
            where = (*path, n)
            if not isinstance(entry, dict):
                self.problem(where, msg("a choice must be a mapping %(example)s",
                                        example=self.language_example(code=True)))
                continue
            code = entry.get("code")
            if code is None:
                self.problem(where, msg("this choice has no code"))
                continue
            if isinstance(code, bool) or not (
                    isinstance(code, int) or (isinstance(code, str) and CODE_RE.match(code))):
                self.problem(where, msg("choice code %(code)s must be a whole number or lower "
                                        "case letters, digits and '_'", code=repr(code)))
                if self.strict or not isinstance(code, str | int):
                    continue
            if integer and not isinstance(code, int):
                self.problem(where, msg("choice code %(code)s must be a whole number here",
                                        code=repr(code)))
            if code in SPECIAL_ANSWERS:
                self.problem(where, msg("'%(code)s' is reserved: use special: [%(code)s] on "
                                        "the item", code=code))
            if str(code) in seen:
                self.problem(where, msg("choice code %(code)s appears twice in this list",
                                        code=repr(code)))
            seen.add(str(code))
            label_source = {k: v for k, v in entry.items() if k != "code"}
            label = self.language_map(label_source, where)
            result.append(Choice(code=code, label=label))
        return tuple(result)

    def choice_ref(self, item: dict, path: Path, integer: bool = False) -> tuple[Choice, ...]:
        value = item.get("choices")
        if value is None:
            self.problem(path, msg("item '%(code)s' needs choices (a list, or the name of a "
                                   "list in choice_lists)", code=item.get("code")))
            return ()
        if isinstance(value, str):
            if value not in self.choice_lists:
                self.problem((*path, "choices"), msg(
                    "unknown choice list '%(name)s' (defined: %(names)s)", name=value,
                    names=words(*sorted(self.choice_lists)) or msg("none")))
                return ()
            choices = self.choice_lists[value]
            if integer and not all(isinstance(c.code, int) for c in choices):
                self.problem((*path, "choices"), msg("choice list '%(name)s' must have "
                                                     "whole-number codes for this item type",
                                                     name=value))
            return choices
        return self.choices(value, (*path, "choices"), integer)

    # -- lists -----------------------------------------------------------------------------

    def read_choice_lists(self, data: dict) -> None:
        lists = data.get("choice_lists", {})
        if not isinstance(lists, dict):
            self.problem(("choice_lists",), msg("'choice_lists' must map list names to "
                                                "choices"))
            return
        for name, value in lists.items():
            self.choice_lists[str(name)] = self.choices(value, ("choice_lists", name))

    def read_rosters(self, data: dict) -> None:
        rosters = data.get("rosters", {})
        if not isinstance(rosters, dict):
            self.problem(("rosters",), msg("'rosters' must map roster names to entries"))
            return
        for name, value in rosters.items():
            if name == "campaign":
                self.problem(("rosters", name), msg("'campaign' is reserved for campaign "
                                                    "rosters"))
            self.rosters[str(name)] = self.choices(value, ("rosters", name))

    # -- sections and items ----------------------------------------------------------------

    def read_sections(self, data: dict) -> list[Section]:
        sections = []
        for path, entry in self.mappings(
                data, "sections", SECTION_KEYS,
                msg("a section must be a mapping with code, title and items"),
                msg("in a section"), required=True):
            code = self.unique_code(entry, (*path, "code"), msg("section code"))
            title = self.text(entry, (*path, "title")) or {}
            intro = self.text(entry, (*path, "intro"), required=False)
            relevant = self.expression(entry, (*path, "relevant"), allow_dot=False)
            repeat = repeats.read_repeat(self, entry, path)
            self.in_repeat = code if repeat is not None else None
            items = self.read_items(entry, path, code)
            self.in_repeat = None
            section = Section(code=code, title=title, items=tuple(items), intro=intro,
                              relevant=relevant, repeat=repeat)
            repeats.check_repeated(self, section, path)
            sections.append(section)
        return sections

    def unique_code(self, data: dict, path: Path, what: Text) -> str:
        code = self.code(data, path, what)
        if code in self.codes:
            self.problem(path, msg("code '%(code)s' is used twice: codes must be unique across "
                                   "sections, items and matrix rows", code=code))
        self.codes.add(code)
        return code

    def read_items(self, section: dict, path: Path, section_code: str) -> list[Item]:
        value = section.get("items")
        if not isinstance(value, list) or not value:
            self.problem((*path, "items"), msg("section '%(code)s' needs a non-empty list of "
                                               "items", code=section_code))
            return []
        items = []
        for n, entry in enumerate(value):
            item = self.read_item(entry, (*path, "items", n), section_code)
            if item is not None:
                items.append(item)
                for key in item.answer_keys:
                    self.columns[key] = item
                for column in set(item.data_columns) - set(item.answer_keys):
                    if column in self.codes:
                        self.problem((*path, "items", n, "code"), msg(
                            "'%(code)s' fills data column '%(column)s', which is already the "
                            "code of an item", code=item.code, column=column))
                    self.codes.add(column)
        return items

    def read_item(self, entry: Any, path: Path, section_code: str) -> Item | None:
        if not isinstance(entry, dict):
            self.problem(path, msg("an item must be a mapping with code, type and text"))
            return None
        code = self.unique_code(entry, (*path, "code"), msg("item code"))
        kind = entry.get("type")
        item_type = TYPES.get(kind) if isinstance(kind, str) else None
        if item_type is None:
            self.problem((*path, "type"), msg("unknown item type %(type)s for '%(code)s' "
                                              "(known: %(types)s)", type=repr(kind), code=code,
                                              types=words(*TYPES)))
            return None
        self.unknown_keys(entry, path, COMMON_ITEM_KEYS | item_type.keys,
                          msg("for a %(type)s item ('%(code)s')", type=kind, code=code))
        fields: dict[str, Any] = {
            "code": code, "type": kind, "section": section_code,
            "text": self.text(entry, (*path, "text")) or {},
            "help": self.text(entry, (*path, "help"), required=False),
            "required": self.flag(entry, path, "required"),
            "equity": self.flag(entry, path, "equity"),
            "special": self.special(entry, path),
            "relevant": self.expression(entry, (*path, "relevant"), allow_dot=False),
        }
        fields.update(self.constraint(entry, path, code))
        fields["settings"] = item_type.read(self, entry, path, code)
        item = Item(**fields)
        self.check_item(item, path)
        return item

    def flag(self, entry: dict, path: Path, key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem((*path, key), msg("'%(key)s' must be true or false", key=key))
            return False
        return value

    def special(self, entry: dict, path: Path) -> tuple[str, ...]:
        value = entry.get("special", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(v in SPECIAL_ANSWERS for v in value):
            self.problem((*path, "special"), msg("'special' must list some of: %(answers)s",
                                                 answers=words(*SPECIAL_ANSWERS)))
            return ()
        return tuple(dict.fromkeys(value))

    def constraint(self, entry: dict, path: Path, code: str) -> dict[str, Any]:
        constraint = self.expression(entry, (*path, "constraint"), allow_dot=True)
        message = self.text(entry, (*path, "constraint_message"), required=False)
        if constraint is not None and message is None:
            self.problem((*path, "constraint"), msg("item '%(code)s' has a constraint but no "
                                                    "constraint_message to show when it fails",
                                                    code=code))
        if constraint is None and message is not None:
            self.problem((*path, "constraint_message"), msg("constraint_message without "
                                                            "constraint"))
        return {"constraint": constraint, "constraint_message": message}

    def expression(self, entry: dict, path: Path, allow_dot: bool) -> Expression | None:
        source = entry.get(path[-1])
        if source is None:
            return None
        if not isinstance(source, str) or not source.strip():
            self.problem(path, msg("'%(key)s' must be an expression in quotes", key=path[-1]))
            return None
        try:
            tree = expressions.parse(source, allow_dot=allow_dot)
        except expressions.ExpressionError as error:
            self.problem(path, msg("%(key)s \"%(source)s\": %(reason)s (at character "
                                   "%(position)s)", key=path[-1], source=source,
                                   reason=error.text, position=error.position + 1))
            return None
        for name in sorted(expressions.references(tree)):
            if name not in self.columns:
                later = name in self.codes or self.defined_later(name)
                template = (N_("%(key)s \"%(source)s\" names ${%(name)s}, an item defined "
                               "later: expressions may only use earlier items") if later else
                            N_("%(key)s \"%(source)s\" names ${%(name)s}, an unknown item"))
                self.problem(path, Text(template, {"key": path[-1], "source": source,
                                                   "name": name}))
            elif self.repeated.get(name, self.in_repeat) != self.in_repeat:
                self.problem(path, msg(
                    "%(key)s \"%(source)s\" names ${%(name)s}, a question of the repeated "
                    "page '%(page)s': only questions of that page may use it", key=path[-1],
                    source=source, name=name, page=self.repeated[name]))
        return Expression(source=source, tree=tree, json=expressions.to_json(tree))

    def defined_later(self, name: str) -> bool:
        sections = self.source.data.get("sections")
        for section in sections if isinstance(sections, list) else []:
            items = section.get("items") if isinstance(section, dict) else None
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                rows = item.get("rows") if isinstance(item.get("rows"), list) else []
                if item.get("code") == name or any(
                        isinstance(r, dict) and r.get("code") == name for r in rows):
                    return True
        return False

    def count(self, entry: dict, path: Path, key: str) -> int | None:
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem((*path, key), msg("'%(key)s' must be a whole number of at least 1",
                                           key=key))
            return None
        return value

    def check_item(self, item: Item, path: Path) -> None:
        item.itemtype.check(self, item, path)
        if item.equity:
            if item.required:
                self.problem((*path, "required"), msg("equity descriptor '%(code)s' must stay "
                                                      "optional", code=item.code))
            if "prefer_not" not in item.special:
                self.problem((*path, "special"), msg("equity descriptor '%(code)s' must offer "
                                                     "special: [prefer_not]", code=item.code))

    # -- scales ----------------------------------------------------------------------------

    def read_scales(self, data: dict) -> list[Scale]:
        scales, seen = [], set()
        for path, entry in self.mappings(
                data, "scales", SCALE_KEYS,
                msg("a scale must be a mapping with code, items and points"),
                msg("in a scale"), required=False):
            code = self.code(entry, (*path, "code"), msg("scale code"))
            if code in seen:
                self.problem((*path, "code"), msg("scale code '%(code)s' is used twice",
                                                  code=code))
            seen.add(code)
            scale = self.read_scale(entry, path, code)
            if scale is not None:
                scales.append(scale)
        return scales

    def read_scale(self, entry: dict, path: Path, code: str) -> Scale | None:
        items = entry.get("items")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.problem((*path, "items"), msg("scale '%(code)s' needs a list of item codes",
                                               code=code))
            return None
        if len(items) < 3:
            self.problem((*path, "items"), msg("scale '%(code)s' needs at least 3 items",
                                               code=code))
        if len(set(items)) != len(items):
            self.problem((*path, "items"), msg("scale '%(code)s' lists an item twice",
                                               code=code))
        points = self.count(entry, path, "points")
        if points is None:
            self.problem(path, msg("scale '%(code)s' needs points (the number of answer "
                                   "points)", code=code))
        for name in items:
            item = self.columns.get(name)
            if item is None:
                self.problem((*path, "items"), msg("scale '%(code)s' names '%(name)s', an "
                                                   "unknown item", code=code, name=name))
            elif name in self.repeated:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' names '%(name)s', a question of the repeated page "
                    "'%(page)s': scales are built from questions answered once per "
                    "respondent", code=code, name=name, page=self.repeated[name]))
            elif not item.itemtype.scored:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' names '%(name)s', a %(type)s item: scales take likert "
                    "items and matrix rows", code=code, name=name, type=item.type))
            elif points is not None and len(item.choices) != points:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' has %(points)s points but '%(name)s' has %(count)s "
                    "choices", code=code, points=points, name=name, count=len(item.choices)))
        reverse = entry.get("reverse", [])
        if not isinstance(reverse, list) or any(r not in items for r in reverse):
            self.problem((*path, "reverse"), msg("'reverse' of scale '%(code)s' must list some "
                                                 "of its items", code=code))
            reverse = []
        min_answered = self.count(entry, path, "min_answered") or 1
        if min_answered > len(items):
            self.problem((*path, "min_answered"), msg("min_answered of '%(code)s' is more "
                                                      "than its number of items", code=code))
        construct = self.text(entry, (*path, "construct")) or {}
        reference = entry.get("reference")
        if reference is not None and not isinstance(reference, str):
            self.problem((*path, "reference"), msg("'reference' must be a text"))
            reference = None
        return Scale(code=code, items=tuple(items), reverse=tuple(reverse),
                     points=points or 0, min_answered=min_answered, construct=construct,
                     reference=reference)
