"""The item bank: items of another questionnaire copied into a draft, codes and all.

Sources (:func:`sources`, :func:`source_data`) are the evaluation's other drafts, the
published versions (every evaluation's questionnaire page lists them) and the bundled
questionnaires (``questionnaires/*.yaml``, read by the loader). :func:`bank_items` lists a
source's items with their page, type, texts and scales; :func:`copy_items` copies chosen items
into a draft's ``definition_data`` at a page and position and returns the new data, which the
loader has validated. Reads the database, never writes it; no Flask.

What a copy keeps, so that results stay comparable across questionnaires:

- the items' codes (a matrix's row codes), choices, settings, texts, pictures and sounds;
- the named choice lists, rating lists and rosters they use: copied when the draft has none
  of that name, shared when it has the same one, copied under a new name (``agree5_2``) when
  the draft's list of that name differs;
- their scales: a scale is copied once every one of its items is in the draft (copy the rest
  later and it comes then; a note says which items it waits for); a draft's different scale
  with the same code refuses the copy;
- their skip rules and constraints when the questions they read come before them in the
  draft (copied with them, or already there); otherwise the rule is dropped, with a note
  naming it (the item is then always asked; the researcher adds a rule in the builder). A
  computed item (``calculate``) cannot lose its calculation: that copy is refused.

Refused with a reason: an unknown item, a code the draft already uses, a language of the
draft the source lacks, and anything the loader refuses in the result. Texts in languages
the draft does not have are left out, with a note.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..config import PROJECT_ROOT
from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion
from ..questionnaire import DefinitionError, expressions, load_data, load_file
from ..questionnaire.messages import Text, msg, words
from ..versions.drafts import drafts_of, find_draft

BUNDLED = PROJECT_ROOT / "questionnaires"
SOURCES = ("draft", "version", "bundled")
BUNDLED_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EXPRESSIONS = ("relevant", "constraint", "choice_filter")  # dropped when they cannot hold
TEXT_KEYS = ("text", "help", "constraint_message", "image", "audio", "anchors", "dimension")


# -- sources ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankSource:
    """A questionnaire to copy from: ``source`` is "draft", "version" or "bundled"; ``ref``
    its content hash, or the bundled file's name without ``.yaml``."""

    source: str
    ref: str
    code: str
    title: Mapping[str, str]
    label: str | None = None  # the version's label ("2026.1")


def _source(source: str, ref: str, data: Mapping[str, Any]) -> BankSource:
    title = data.get("title") if isinstance(data.get("title"), Mapping) else {}
    label = data.get("version")
    return BankSource(source, ref, str(data.get("code", "")), dict(title),
                      None if label is None else str(label))


def sources(evaluation_id: int, *, exclude: str | None = None,
            directory: str | Path = BUNDLED) -> list[BankSource]:
    """What the bank offers the evaluation's draft ``exclude`` (a content hash, left out):
    the evaluation's drafts (latest first), the published versions (by questionnaire, the
    newest first), then the bundled questionnaires."""
    found = [_source("draft", d.content_hash, d.definition_data or {})
             for d in drafts_of(evaluation_id) if d.content_hash != exclude]
    versions = db.session.execute(
        select(QuestionnaireVersion.content_hash, QuestionnaireVersion.definition_data)
        .join(Questionnaire).order_by(Questionnaire.code, QuestionnaireVersion.id.desc()))
    found += [_source("version", row.content_hash, row.definition_data or {})
              for row in versions if row.content_hash != exclude]
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            found.append(_source("bundled", path.stem, load_file(path).raw))
        except DefinitionError:
            continue  # a broken file is the operator's to fix; the bank shows the others
    return found


def source_data(evaluation_id: int, source: str, ref: str, *,
                directory: str | Path = BUNDLED) -> dict[str, Any] | None:
    """A source's definition data, or None when it is not one the evaluation may read (a
    draft of another evaluation, an unknown hash or file)."""
    if not isinstance(ref, str):
        return None
    if source == "draft":
        draft = find_draft(evaluation_id, ref)
        return copy.deepcopy(draft.definition_data) if draft is not None else None
    if source == "version":
        if not re.fullmatch(r"[0-9a-f]{64}", ref):
            return None
        data = db.session.scalar(select(QuestionnaireVersion.definition_data)
                                 .where(QuestionnaireVersion.content_hash == ref).limit(1))
        return copy.deepcopy(data) if data is not None else None
    if source == "bundled" and BUNDLED_NAME.match(ref):
        path = Path(directory) / f"{ref}.yaml"
        if path.is_file():
            return copy.deepcopy(dict(load_file(path).raw))
    return None


def published_definitions(questionnaire_code: str) -> list[dict[str, Any]]:
    """The data of every published version of a questionnaire: the lineage of its drafts
    (drafts do not record the version they came from), for
    :func:`survey.questionnaire.choice_codes.fixed_codes`."""
    return [dict(data) for data in db.session.scalars(
        select(QuestionnaireVersion.definition_data).join(Questionnaire)
        .where(Questionnaire.code == questionnaire_code).order_by(QuestionnaireVersion.id))]


# -- items --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankItem:
    """An item as the bank lists it."""

    code: str
    itemtype: str
    page: int  # 0-based index of its page
    page_code: str
    page_title: Mapping[str, str]
    text: Mapping[str, str]
    scales: tuple[str, ...] = ()  # the scales it (or a row of it) belongs to
    rows: tuple[str, ...] = ()  # a matrix's row codes
    relevant: str | None = None


def _sections(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    sections = data.get("sections") if isinstance(data, Mapping) else None
    return [s for s in sections if isinstance(s, dict)] if isinstance(sections, list) else []


def _items(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = section.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _scales(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    scales = data.get("scales") if isinstance(data, Mapping) else None
    return [s for s in scales if isinstance(s, dict)] if isinstance(scales, list) else []


def answer_keys(item: Mapping[str, Any]) -> list[str]:
    """The answers an item stores, named by expressions and scales (a matrix: its rows)."""
    if item.get("type") == "note":
        return []
    if item.get("type") == "matrix":
        rows = item.get("rows") if isinstance(item.get("rows"), list) else []
        return [str(r.get("code")) for r in rows if isinstance(r, Mapping)]
    if item.get("type") == "conformity":
        return [str(item.get("code")), f"{item.get('code')}_note"]
    return [str(item.get("code"))]


def _codes(item: Mapping[str, Any]) -> list[str]:
    """Every code an item takes in the questionnaire: its own, its rows', its notes'."""
    return list(dict.fromkeys([str(item.get("code")), *answer_keys(item)]))


def bank_items(data: Mapping[str, Any]) -> list[BankItem]:
    """A source's items in order, with their page, type, texts and scales."""
    member: dict[str, list[str]] = {}
    for scale in _scales(data):
        for key in scale.get("items") or []:
            member.setdefault(str(key), []).append(str(scale.get("code")))
    found = []
    for number, section in enumerate(_sections(data)):
        for item in _items(section):
            keys = answer_keys(item)
            scales = tuple(dict.fromkeys(s for key in keys for s in member.get(key, ())))
            rows = tuple(keys) if item.get("type") == "matrix" else ()
            relevant = item.get("relevant")
            found.append(BankItem(
                str(item.get("code")), str(item.get("type")), number,
                str(section.get("code")), dict(section.get("title") or {}),
                dict(item.get("text") or {}), scales, rows,
                relevant if isinstance(relevant, str) else None))
    return found


# -- copying ------------------------------------------------------------------------------

class CopyRefused(ValueError):
    """Why items cannot be copied: translatable reasons."""

    def __init__(self, reasons: Sequence[Text]) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(str(r) for r in self.reasons))


@dataclass(frozen=True)
class Copied:
    """The draft's new data (validated by the loader) and what the copy did beyond the items."""

    data: dict[str, Any]
    codes: tuple[str, ...]  # the items copied, in order
    notes: tuple[Text, ...] = field(default_factory=tuple)


def copy_items(target: Mapping[str, Any], source: Mapping[str, Any], codes: Iterable[str],
               page: int, position: int | None = None) -> Copied:
    """Copy the items ``codes`` of ``source`` (in the source's order) into the draft data
    ``target`` on its page ``page`` (0-based) before its item ``position`` (None: at the
    end). Raises :class:`CopyRefused` with the reasons; ``target`` is not changed."""
    return _Copy(target, source).run(list(codes), page, position)


class _Copy:
    def __init__(self, target: Mapping[str, Any], source: Mapping[str, Any]) -> None:
        self.data: dict[str, Any] = copy.deepcopy(dict(target))
        self.source = source
        self.notes: list[Text] = []
        self.reasons: list[Text] = []
        self.languages = [str(x) for x in self.data.get("languages") or []]
        self.extra: set[str] = set()  # the source's languages the draft lacks
        self.repeats: dict[str, str] = {}  # an earlier repeated page's answer -> the page

    def run(self, codes: list[str], page: int, position: int | None) -> Copied:
        sections = _sections(self.data)
        if not 0 <= page < len(sections):
            raise CopyRefused([msg("there is no page %(number)s in this questionnaire",
                                   number=page + 1)])
        items = _items(sections[page])
        position = len(items) if position is None else position
        if not 0 <= position <= len(items):
            raise CopyRefused([msg("there is no place %(number)s on that page",
                                   number=position + 1)])
        chosen = self.chosen(codes)
        self.check_codes(chosen)
        self.check_languages()
        if self.reasons:
            raise CopyRefused(self.reasons)
        before = self.keys_before(page, position)
        copied = []
        for item in chosen:
            item = copy.deepcopy(item)
            self.drop_languages(item)
            self.bring_lists(item)
            self.keep_rules(item, before, sections[page].get("repeat") is not None)
            before |= set(answer_keys(item))
            copied.append(item)
        if self.reasons:
            raise CopyRefused(self.reasons)
        section_items = sections[page].setdefault("items", [])
        section_items[position:position] = copied
        self.bring_scales(chosen)
        if self.reasons:
            raise CopyRefused(self.reasons)
        try:
            load_data(self.data, "<draft>")
        except DefinitionError as error:
            raise CopyRefused([p.text for p in error.problems]) from None
        return Copied(self.data, tuple(str(i["code"]) for i in chosen), tuple(self.notes))

    # -- what to copy --------------------------------------------------------------------

    def chosen(self, codes: list[str]) -> list[dict[str, Any]]:
        by_code = {str(i.get("code")): i for s in _sections(self.source) for i in _items(s)}
        for code in codes:
            if code not in by_code:
                self.reasons.append(msg("there is no item '%(code)s' in that questionnaire",
                                        code=code))
        if not codes:
            self.reasons.append(msg("choose at least one item to copy"))
        wanted = set(codes)
        return [i for s in _sections(self.source) for i in _items(s)
                if str(i.get("code")) in wanted]

    def check_codes(self, chosen: list[dict[str, Any]]) -> None:
        taken = {str(s.get("code")) for s in _sections(self.data)}
        for section in _sections(self.data):
            for item in _items(section):
                taken.update(_codes(item))
        for item in chosen:
            for code in _codes(item):
                if code in taken:
                    self.reasons.append(msg(
                        "this questionnaire already has a question coded '%(code)s': copying "
                        "'%(item)s' would give two questions one code", code=code,
                        item=item.get("code")))

    def check_languages(self) -> None:
        theirs = [str(x) for x in self.source.get("languages") or []]
        missing = [lang for lang in self.languages if lang not in theirs]
        if missing:
            self.reasons.append(msg("the items have no text in %(languages)s, a language of "
                                    "this questionnaire", languages=words(*missing)))
        extra = [lang for lang in theirs if lang not in self.languages]
        if extra:
            self.notes.append(msg("their texts in %(languages)s were left out: this "
                                  "questionnaire does not use that language",
                                  languages=words(*extra)))
        self.extra = set(extra)

    def drop_languages(self, item: dict[str, Any]) -> None:
        if not self.extra:
            return
        for key in TEXT_KEYS:
            if isinstance(item.get(key), dict):
                for lang in self.extra:
                    item[key].pop(lang, None)
        for key in ("choices", "rows"):
            if isinstance(item.get(key), list):
                for entry in item[key]:
                    for lang in self.extra if isinstance(entry, dict) else ():
                        entry.pop(lang, None)

    # -- lists and rosters ---------------------------------------------------------------

    def bring_lists(self, item: dict[str, Any]) -> None:
        for key, where in (("choices", "choice_lists"), ("rating", "choice_lists"),
                           ("roster", "rosters"), ("roster_fallback", "rosters")):
            name = item.get(key)
            if not isinstance(name, str) or (where == "rosters" and name == "campaign"):
                continue
            item[key] = self.bring(where, name)

    def bring(self, where: str, name: str) -> str:
        """The name under which the draft has the source's list ``name`` (copied if need be)."""
        theirs = (self.source.get(where) or {}).get(name)
        if theirs is None:
            return name  # the loader says the list is unknown
        theirs = copy.deepcopy(theirs)
        for entry in theirs if isinstance(theirs, list) else []:
            for lang in self.extra if isinstance(entry, dict) else ():
                entry.pop(lang, None)
        ours = self.data.setdefault(where, {})
        candidate, number = name, 1
        while candidate in ours and ours[candidate] != theirs:
            number += 1
            candidate = f"{name}_{number}"
        if candidate not in ours:
            ours[candidate] = theirs
            self.notes.append(msg("the list '%(name)s' was copied too", name=candidate)
                              if candidate == name else
                              msg("the list '%(name)s' was copied as '%(copy)s': this "
                                  "questionnaire has a different list of that name",
                                  name=name, copy=candidate))
        return candidate

    # -- skip rules, constraints, calculations -------------------------------------------

    def keys_before(self, page: int, position: int) -> set[str]:
        """The answers a rule at (page, position) may read; an earlier repeated page's
        items only through count(), sum(), join(), which name the page."""
        keys: set[str] = set()
        for number, section in enumerate(_sections(self.data)):
            if number > page:
                break
            items = _items(section)[:position] if number == page else _items(section)
            if section.get("repeat") is not None and number != page:
                code = str(section.get("code"))
                keys.add(code)
                self.repeats.update({key: code for i in items for key in answer_keys(i)})
                self.repeats[code] = code
                continue
            for item in items:
                keys.update(answer_keys(item))
        return keys

    def keep_rules(self, item: dict[str, Any], before: set[str], on_repeat: bool) -> None:
        for key in EXPRESSIONS:
            missing = self.missing(item.get(key), before, on_repeat, key == "choice_filter")
            if missing:
                self.notes.append(msg(
                    "'%(key)s' of '%(code)s' (%(source)s) was left out: it reads %(names)s, "
                    "not asked before it in this questionnaire", key=key, code=item["code"],
                    source=item[key], names=words(*missing)))
                del item[key]
                if key == "constraint":
                    item.pop("constraint_message", None)
        missing = self.missing(item.get("calculation"), before, on_repeat, False)
        if missing:
            self.reasons.append(msg(
                "'%(code)s' is computed from %(names)s, not asked before it in this "
                "questionnaire: copy those questions too, before it", code=item["code"],
                names=words(*missing)))

    def missing(self, source: Any, before: set[str], on_repeat: bool, choice_names: bool
                ) -> list[str]:
        """The answers an expression reads that are not before it (position() off a
        repeated page)."""
        if not isinstance(source, str):
            return []
        try:
            tree = expressions.parse(source, allow_dot=True, choice_names=choice_names,
                                     repeats=self.repeats)
        except expressions.ExpressionError:
            return []  # the loader names the problem
        names = []
        for name in sorted(expressions.references(tree)):
            if name.startswith(expressions.CHOICE_PREFIX):
                continue
            if name == expressions.POSITION:
                if not on_repeat:
                    names.append("position()")
            elif name not in before:
                names.append(name)
        return names

    # -- scales --------------------------------------------------------------------------

    def bring_scales(self, chosen: list[dict[str, Any]]) -> None:
        copied = {key for item in chosen for key in answer_keys(item)}
        present = {key for s in _sections(self.data) for i in _items(s)
                   for key in answer_keys(i)}
        ours = {str(s.get("code")): s for s in _scales(self.data)}
        for scale in _scales(self.source):
            members = [str(key) for key in scale.get("items") or []]
            if not copied.intersection(members):
                continue
            code = str(scale.get("code"))
            theirs = copy.deepcopy(scale)
            if isinstance(theirs.get("construct"), dict):
                for lang in self.extra:
                    theirs["construct"].pop(lang, None)
            if code in ours:
                if ours[code] != theirs:
                    self.reasons.append(msg(
                        "this questionnaire has a different scale coded '%(code)s': the "
                        "copied items belong to the source's scale '%(code)s'", code=code))
                continue
            waiting = [key for key in members if key not in present]
            if waiting:
                self.notes.append(msg("the scale '%(code)s' will be copied with its last "
                                      "items: it also needs %(names)s", code=code,
                                      names=words(*waiting)))
                continue
            self.data.setdefault("scales", []).append(theirs)
            self.notes.append(msg("the scale '%(code)s' was copied too", code=code))
