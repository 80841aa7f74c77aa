"""Each rule has one home: these guards fail when a second copy of one appears."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in [*(ROOT / "survey").rglob("*.py"), *(ROOT / "analysis").rglob("*.py"),
                             *(ROOT / "survey").rglob("*.html")])


def _found(pattern: str) -> set[str]:
    """Files (relative) whose text matches ``pattern``."""
    regex = re.compile(pattern)
    return {str(p.relative_to(ROOT)) for p in SOURCES
            if regex.search(p.read_text(encoding="utf-8"))}


@pytest.mark.parametrize(("rule", "pattern", "home"), [
    ("the participant's request context is written in one place",
     r"\bg\.(definition|version|campaign|preview_language)\s*=|g\.pop\(\"definition\"",
     set()),
    ("partners' suppression is decided in one place",
     r"== ?(PARTNER|\"partner\")|g\.get\(\"role\"\) ==", set()),
    ("a view never rolls back by hand: survey/refusals.py does",
     r"db\.session\.rollback\(\)",
     {"survey/refusals.py", "survey/storage.py", "survey/participate/services.py",
      "survey/invitations/mailing.py", "survey/versions/__init__.py", "survey/jobs/runner.py",
      "survey/versions/drafts.py", "survey/reconnect.py",
          "survey/jobs/kinds.py",
      "survey/paper/services.py",  # an entry that lost a race to another: undone
      # services that lose a race on a unique key (an evaluation's key pair, a device's
      # idempotency key) and read the winner's row
      "survey/collect/keys.py", "survey/collect/intake.py"}),
    ("special answers are worded in one place",
     r"I don't know|I prefer not to answer|Ne sais pas",
     {"survey/questionnaire/special.py"}),
    ("audiences are named in one place",
     r"Patients and service users|Citizens and community partners",
     {"analysis/i18n.py"}),
    ("a change between versions is worded in one place",
     r"reworded \(%", {"survey/versions/diff.py"}),
    ("bounded caches go through survey/caching.py",
     r"popitem\(last=False\)|if len\(\w+\) >=? ?\w+:\s*\n\s*\w+\.clear\(\)",
     {"survey/caching.py"}),
])
def test_one_home(rule: str, pattern: str, home: set[str]) -> None:
    assert _found(pattern) <= home, rule
