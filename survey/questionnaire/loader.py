"""Validate a questionnaire file and build its :class:`Definition`.

Every problem is collected, so a researcher sees all of them at once, each as
``file:line: what is wrong``. The format is documented in ``docs/questionnaire-format.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

from . import repeats
from .itemtypes import TYPES
from .loading.choices import ChoiceReader
from .loading.logic import LogicReader
from .loading.media import MediaReader
from .loading.problems import DefinitionError, Problem
from .loading.reader import CODE_RE, LANG_RE
from .loading.scales import ScaleReader
from .messages import msg, words
from .model import AUDIENCES, SPECIAL_ANSWERS, Definition, Item, Section
from .yamlsource import Path, Source, YamlSyntaxError, read_yaml

__all__ = [
    "CODE_RE", "LANG_RE", "DefinitionError", "Problem", "content_hash", "load_data",
    "load_file", "load_text", "rebuild",
]

FORMAT = 1
MAX_BYTES = 1_000_000  # the bundled questionnaires are 25 to 30 KB

TOP_KEYS = {
    "format", "code", "version", "audience", "languages", "minutes", "title", "introduction",
    "consent", "choice_lists", "rosters", "sections", "scales",
}
SECTION_KEYS = {"code", "title", "intro", "relevant", "items", "repeat"}
COMMON_ITEM_KEYS = {
    "code", "type", "text", "help", "required", "special", "relevant", "constraint",
    "constraint_message", "equity", "image", "audio", "choice_filter",
}


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


class _Builder(ChoiceReader, LogicReader, MediaReader, ScaleReader):
    """One reading of a definition: the top level, its sections and their items (each item
    type reads its own keys); the other parts come from :mod:`.loading`."""


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
        self.check_repeated_codes([item for section in sections for item in section.items])
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
        type_name = entry.get("type")
        item_type = TYPES.get(type_name) if isinstance(type_name, str) else None
        if item_type is None:
            self.problem((*path, "type"), msg("unknown item type %(type)s for '%(code)s' "
                                              "(known: %(types)s)", type=repr(type_name), code=code,
                                              types=words(*TYPES)))
            return None
        self.unknown_keys(entry, path, COMMON_ITEM_KEYS | item_type.keys,
                          msg("for a %(type)s item ('%(code)s')", type=type_name, code=code))
        fields: dict[str, Any] = {
            "code": code, "type": type_name, "section": section_code,
            "text": self.text(entry, (*path, "text"), required=item_type.shown) or {},
            "help": self.text(entry, (*path, "help"), required=False),
            "required": self.flag(entry, path, "required"),
            "equity": self.flag(entry, path, "equity"),
            "special": self.special(entry, path),
            "relevant": self.expression(entry, (*path, "relevant"), allow_dot=False),
            "choice_filter": self.expression(entry, (*path, "choice_filter"), allow_dot=False,
                                             choice_names=True),
            "image": self.media(entry, path, "image"),
            "audio": self.media(entry, path, "audio"),
        }
        fields.update(self.constraint(entry, path, code))
        fields["settings"] = item_type.read(self, entry, path, code)
        item = Item(**fields)
        self.check_item(item, path)
        return item

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

    def check_item(self, item: Item, path: Path) -> None:
        item.itemtype.check(self, item, path)
        if item.choice_filter is not None:
            self.check_choice_filter(item, (*path, "choice_filter"))
        if item.equity:
            if item.required:
                self.problem((*path, "required"), msg("equity descriptor '%(code)s' must stay "
                                                      "optional", code=item.code))
            if "prefer_not" not in item.special:
                self.problem((*path, "special"), msg("equity descriptor '%(code)s' must offer "
                                                     "special: [prefer_not]", code=item.code))
