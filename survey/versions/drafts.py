"""Uploaded definitions not yet published: drafts of an evaluation, kept as files in the
instance folder (``drafts/<evaluation id>/<content hash>.json``), never in the versions table.

A draft is content-addressed like a version: uploading the same content again gives the same
draft, a changed file a new one; a draft can be replaced or dropped freely, and publishing
stores it as a version. With several app instances, the instance folder must be shared.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..questionnaire import Definition, load_data

HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Draft:
    content_hash: str
    source_name: str
    data: dict[str, Any]
    notes: tuple[str, ...] = ()  # what the XLSForm conversion assumed or ignored

    @property
    def definition(self) -> Definition:
        return load_data(self.data, self.source_name)


def _folder(instance_path: str, evaluation_id: int) -> Path:
    return Path(instance_path) / "drafts" / str(int(evaluation_id))


def save_draft(instance_path: str, evaluation_id: int, definition: Definition,
               source_name: str, notes: list[str] | tuple[str, ...] = ()) -> Draft:
    folder = _folder(instance_path, evaluation_id)
    folder.mkdir(parents=True, exist_ok=True)
    draft = Draft(definition.content_hash, source_name, dict(definition.raw), tuple(notes))
    path = folder / f"{draft.content_hash}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"source_name": source_name, "data": draft.data,
                                     "notes": list(draft.notes)},
                                    ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    return draft


def find_draft(instance_path: str, evaluation_id: int, content_hash: str) -> Draft | None:
    if not HASH_RE.match(content_hash or ""):
        return None
    path = _folder(instance_path, evaluation_id) / f"{content_hash}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    notes = stored.get("notes") if isinstance(stored.get("notes"), list) else []
    return Draft(content_hash, str(stored.get("source_name") or ""), stored.get("data") or {},
                 tuple(str(n) for n in notes))


def drafts_of(instance_path: str, evaluation_id: int) -> list[Draft]:
    folder = _folder(instance_path, evaluation_id)
    paths = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    return [d for p in paths if (d := find_draft(instance_path, evaluation_id, p.stem))]


def drop_draft(instance_path: str, evaluation_id: int, content_hash: str) -> None:
    if HASH_RE.match(content_hash or ""):
        (_folder(instance_path, evaluation_id) / f"{content_hash}.json").unlink(missing_ok=True)
