"""A change refused by a service, shown on its form page: the one place where a view's
unfinished changes are rolled back (so rendering the page never flushes them) and the
refusal becomes the reader's sentence.

    with refusal(services.DesignError, design_error) as outcome:
        services.update_site(site, ...)
    if outcome.error is None:
        return redirect(...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .extensions import db


@dataclass
class Outcome:
    error: str | None = None  # the refusal in the reader's words; None when the change passed


@contextmanager
def refusal(refused_as: type[Exception] | tuple[type[Exception], ...],
            message: Callable[[Exception], str]) -> Iterator[Outcome]:
    """Run a change; a refusal (``refused_as``) rolls the session back and is put into words."""
    outcome = Outcome()
    try:
        yield outcome
    except refused_as as refused:
        db.session.rollback()
        outcome.error = message(refused)
