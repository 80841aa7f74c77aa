"""The last indicators computed for a selection, kept in the jobs folder so that every process
(the web workers, the background worker that recomputes them) reads the same figures.

A snapshot is a pickle of :class:`survey.results.services.Computed` (DataFrames: no text
format keeps them whole), written only by this app into its private folder (0700), and read
back only from there; beside it, a JSON file of what it was computed for (the selection and
settings), which the minute's round reads to refresh stale snapshots; and, per evaluation
and questionnaire whose results someone viewed, an empty marker file, which a participant's
completion checks before starting the job that counts the new answers, and another while that
job is queued (the completions of a burst join it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

from ..exports import Selection
from ..jobs.runner import jobs_folder

KEEP_DAYS = 7  # a snapshot nobody asked for since is no longer refreshed


@dataclasses.dataclass(frozen=True)
class Spec:
    """What indicators are computed for: a selection and the settings of the computation."""

    selection: Selection
    min_group: int
    equity: tuple[str, str] | None = None
    comparison_sites: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spec:
        selection = {k: tuple(tuple(e) if isinstance(e, list) else e for e in v)
                     if isinstance(v, list) else v for k, v in data["selection"].items()}
        equity = data.get("equity")
        return cls(Selection(**selection), int(data["min_group"]),
                   tuple(equity) if equity else None,  # type: ignore[arg-type]
                   tuple(data.get("comparison_sites") or ()))

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()


def folder() -> Path:
    path = jobs_folder() / "results"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def load(spec: Spec) -> Any | None:
    """The last Computed for this spec, or None."""
    path = folder() / f"{spec.digest}.pickle"
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # noqa: S301 - our own file, in our private folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def save(spec: Spec, computed: Any) -> None:
    """Written under a temporary name, then renamed: a reader never sees half a file."""
    base = folder() / spec.digest
    for suffix, data in ((".json", json.dumps(spec.to_json()).encode()),
                         (".pickle", pickle.dumps(computed, protocol=pickle.HIGHEST_PROTOCOL))):
        part = base.with_name(f"{base.name}{suffix}.{os.getpid()}.part")
        part.write_bytes(data)
        os.replace(part, base.with_suffix(suffix))


def known() -> list[Spec]:
    """The specs of the snapshots asked for within :data:`KEEP_DAYS` (their JSON is touched
    at each view)."""
    out = []
    for path in folder().glob("*.json"):
        try:
            if time.time() - path.stat().st_mtime > KEEP_DAYS * 86400:
                continue
            out.append(Spec.from_json(json.loads(path.read_text())))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def forget(spec: Spec) -> None:
    for suffix in (".json", ".pickle"):
        (folder() / f"{spec.digest}{suffix}").unlink(missing_ok=True)


def touch(spec: Spec) -> None:
    """A reader asked for this spec: keep refreshing it, and its questionnaire's new answers
    start a job (:func:`watched`)."""
    path = folder() / f"{spec.digest}.json"
    if path.exists():
        os.utime(path)
    if spec.selection.evaluation_id is not None:
        _marker(spec.selection.evaluation_id, spec.selection.questionnaire).touch()


def watched(evaluation_id: int, questionnaire: str) -> bool:
    """Whether a reader asked for results of this evaluation and questionnaire within
    :data:`KEEP_DAYS`."""
    try:
        age = time.time() - _marker(evaluation_id, questionnaire).stat().st_mtime
    except OSError:
        return False
    return age < KEEP_DAYS * 86400


PENDING_SECONDS = 600  # a pending mark older than this is ignored (its job was lost)


def pending(evaluation_id: int, questionnaire: str) -> bool:
    """Whether a job counting this questionnaire's new answers is queued and not started."""
    try:
        age = time.time() - _marker(evaluation_id, questionnaire, "pending").stat().st_mtime
    except OSError:
        return False
    return age < PENDING_SECONDS


def set_pending(evaluation_id: int, questionnaire: str, value: bool) -> None:
    path = _marker(evaluation_id, questionnaire, "pending")
    if value:
        path.touch()
    else:
        path.unlink(missing_ok=True)


def _marker(evaluation_id: int, questionnaire: str, kind: str = "watched") -> Path:
    name = hashlib.sha256(f"{evaluation_id}:{questionnaire}".encode()).hexdigest()[:32]
    return folder() / f"{name}.{kind}"
