"""Rosters: the people or partner organisations a team's members may nominate.

A roster entry is shown by name and stored in answers by code (``p1``, ``p2``... or a code the
researcher chose). Answers keep codes, so a code must mean the same person for as long as any
answer names it: an entry dropped from a roster is *retired*, never deleted (its code is never
given to anyone else, and its name still labels old answers in exports and results); a name
pasted again gets its old code back; ``p3; New name`` renames entry ``p3``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_ROSTER = 500
ROSTER_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class RosterError(ValueError):
    """A pasted roster is refused; ``code`` is a key of ``design.labels``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RosterEntry:
    code: str
    name: str
    retired: bool = False


def clean_name(value: str | None, limit: int = 200) -> str:
    """One line of text: control characters dropped, spaces collapsed, cut to ``limit``."""
    text = "".join(ch for ch in str(value or "") if ch >= " " or ch == "\t")
    return " ".join(text.split())[:limit]


def parse_roster(text: str, existing: Sequence[RosterEntry] = ()) -> list[RosterEntry]:
    """The roster after pasting ``text`` over ``existing`` (every entry ever, retired ones
    included): the pasted entries in order, then the entries no longer pasted, retired.

    Lines are ``name``, or ``code<TAB or ;>name``. A name already known (retired or not)
    keeps its code; new names get the next free ``pN``, never a code used before."""
    lines = [line for line in str(text or "").replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_ROSTER:
        raise RosterError("roster-too-long")
    by_name = {e.name.casefold(): e.code for e in existing}
    ever = {e.code for e in existing}
    pasted: list[tuple[str, str]] = []
    used: set[str] = set()
    names: set[str] = set()
    for line in lines:
        code, name = "", line
        for separator in ("\t", ";"):
            head, sep, tail = line.partition(separator)
            if sep and ROSTER_CODE_RE.match(head.strip().lower()):
                code, name = head.strip().lower(), tail
                break
        name = clean_name(name)
        if not name:
            continue
        if name.casefold() in names:
            raise RosterError("roster-duplicate")
        names.add(name.casefold())
        code = code or by_name.get(name.casefold(), "")
        if code in used:
            raise RosterError("roster-duplicate")
        if code:
            used.add(code)
        pasted.append((code, name))
    number = 0
    active: list[RosterEntry] = []
    for code, name in pasted:
        while not code:
            number += 1
            candidate = f"p{number}"
            if candidate not in used and candidate not in ever:
                code = candidate
                used.add(code)
        active.append(RosterEntry(code, name))
    retired = [RosterEntry(e.code, e.name, True) for e in existing if e.code not in used]
    return active + retired


def active(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    return [e for e in entries if not e.retired]


def as_json(entries: Iterable[RosterEntry]) -> list[dict[str, object]]:
    """A campaign's own roster as stored (``retired`` only where true)."""
    return [{"code": e.code, "name": e.name, **({"retired": True} if e.retired else {})}
            for e in entries]


def from_json(document: Iterable[dict] | None) -> list[RosterEntry]:
    return [RosterEntry(str(e.get("code", "")), str(e.get("name", "")), bool(e.get("retired")))
            for e in document or [] if isinstance(e, dict)]


def roster_text(entries: Iterable[RosterEntry]) -> str:
    """The active entries as the roster field shows them: ``code<TAB>name`` per line."""
    return "\n".join(f"{e.code}\t{e.name}" for e in active(entries))
