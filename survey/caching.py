"""The one in-process cache helper: a bounded, thread-safe LRU map, one per worker process.

Used for what is costly to build and never changes under its key: a stored version's
Definition (versions are immutable), a blank page's questions, a condition's words, and the
results' indicators (their key carries the data revision). Not ``functools.lru_cache``: these
keys are not the computation's arguments (a Definition, an export: not hashable, or not all
of the key).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Cache(Generic[Value]):
    """At most ``size`` entries; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Value] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value under ``key``, computed (outside the lock) when missing."""
        found = self.find(key)
        if found is not None:
            return found
        value = compute()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def find(self, key: Hashable) -> Value | None:
        """The value under ``key`` if it is there (nothing is computed)."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)
