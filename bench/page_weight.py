"""Weight of the participant pages: HTML + CSS + JS, uncompressed and as transferred.

    python bench/page_weight.py

Serves the app in-process on a temporary SQLite database, opens each bundled questionnaire
through its demonstration campaign's link (``/c/<slug>``) and walks every page as a participant
would: the welcome and consent pages (and the consent refused), each page of questions, each
page refused (every answer given a value it cannot take: the page comes back, status 422, with
its messages), the continue-later page and the thank-you page. For each it prints the bytes a
browser that accepts brotli or gzip receives (status line, headers and body of the page and of
the stylesheet and scripts it links, none of them cached yet) and the same uncompressed. The
budget is 15 KB transferred per page; ``tests/test_page_weight.py`` asserts it. Also checks
that no page refers to another host.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402
from werkzeug.test import TestResponse  # noqa: E402

from survey import create_app  # noqa: E402
from survey.design.services import ensure_demo  # noqa: E402
from survey.versions import load_directory  # noqa: E402
from tests.participant import Participant  # noqa: E402

BUDGET = 15 * 1024
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
EXTERNAL_RE = re.compile(r'(?:href|src|action)="(?:https?:)?//', re.I)
PACKED = {"Accept-Encoding": "br, gzip"}
PLAIN = {"Accept-Encoding": "identity"}


@dataclass(frozen=True)
class Weight:
    label: str
    status: int
    plain: int  # bytes: HTML + assets, uncompressed
    sent: int  # bytes as transferred: status line, headers and compressed bodies


def wire_size(response: TestResponse) -> int:
    """Status line, headers and body, as HTTP/1.1 sends them."""
    head = len(f"HTTP/1.1 {response.status}\r\n\r\n")
    head += sum(len(f"{name}: {value}\r\n") for name, value in response.headers.items())
    return head + len(response.data)


class Scale:
    """Weighs pages with one client; each asset is fetched once and counted on every page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.rows: list[Weight] = []
        self._assets: dict[str, tuple[int, int]] = {}

    def asset(self, path: str) -> tuple[int, int]:
        if path not in self._assets:
            plain, packed = (self.client.get(path, headers=h) for h in (PLAIN, PACKED))
            self._assets[path] = (wire_size(plain), wire_size(packed))
        return self._assets[path]

    def weigh(self, label: str, plain: TestResponse, packed: TestResponse) -> None:
        """The same page fetched twice: uncompressed, then as a browser would."""
        assert plain.status_code == packed.status_code, label
        html = plain.get_data(as_text=True)
        assert not EXTERNAL_RE.search(html), f"{label} refers to another host"
        raw, sent = wire_size(plain), wire_size(packed)
        for path in ASSET_RE.findall(html):
            asset_raw, asset_sent = self.asset(path)
            raw += asset_raw
            sent += asset_sent
        self.rows.append(Weight(label, plain.status_code, raw, sent))

    def get(self, label: str, path: str) -> None:
        self.weigh(label, self.client.get(path, headers=PLAIN),
                   self.client.get(path, headers=PACKED))

    def refused(self, label: str, path: str, data: MultiDict) -> None:
        """A post the server refuses (nothing stored, so it can be sent twice)."""
        plain = self.client.post(path, data=data, headers=PLAIN)
        packed = self.client.post(path, data=data, headers={**PACKED, "X-Keep": "1"})
        assert plain.status_code == 422, (label, plain.status_code)
        self.weigh(label, plain, packed)


def wrong_answers(participant: Participant) -> MultiDict:
    """Every input of the page given "?": no choice, number or date takes it."""
    names = sorted(participant._parse().names - {"csrf_token"})
    return MultiDict([(name, "?") for name in names]
                     + [("csrf_token", participant.csrf), ("nav", "next")])


OPTIONS = ("larger_text", "faces")  # the display options (survey/participate/presentation.py)


def measure(app: Flask, options: tuple[str, ...] = ()) -> list[Weight]:
    """Every participant page of every bundled questionnaire, reached through a campaign;
    ``options``: the display options turned on from the first page (each label says so)."""
    with app.app_context():
        demo = ensure_demo()
        campaigns = {c.version.questionnaire.code: (c.slug, c.version.definition)
                     for c in demo.campaigns if c.is_open}
    client = app.test_client()
    scale = Scale(client)
    turned_on = False
    for code, (slug, definition) in sorted(campaigns.items()):
        label = f"{code} ({', '.join(options)})" if options else code
        participant = Participant(client)
        participant.get(f"/c/{slug}?lang=fr")
        assert participant.path == f"/q/{code}", participant.path
        scale.get(f"{label}: welcome", participant.path)
        participant.get(f"/q/{code}/consent")
        scale.get(f"{label}: consent", participant.path)
        start = re.search(r'name="start_token" type="hidden" value="([^"]+)"', participant.html)
        assert start, "the consent form carries a start token"
        scale.refused(f"{label}: consent refused", participant.path,  # the box left unticked
                      MultiDict([("csrf_token", participant.csrf), ("start_token", start[1])]))
        participant.start(code)
        for option in options if not turned_on else ():  # the session keeps them on
            participant.post([], nav=option)  # a button of the first page, as a participant
        turned_on = True
        scale.get(f"{label}: continue later", f"/q/{code}/later")
        while participant.section:
            section = participant.section
            scale.get(f"{label}: page {section}", participant.path)
            scale.refused(f"{label}: page {section} refused", participant.path,
                          wrong_answers(participant))
            participant.answer_page(definition)
        scale.get(f"{label}: thank you", participant.path)
    return scale.rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            load_directory(app.config["QUESTIONNAIRES_DIR"])
        rows = measure(app) + measure(app, OPTIONS)
    width = max(len(row.label) for row in rows)
    print(f"{'page (HTML + CSS + JS)':<{width}}  status  {'uncompressed':>12}  {'transferred':>11}")
    for row in rows:
        print(f"{row.label:<{width}}  {row.status:>6}  {row.plain:>12,}  {row.sent:>11,}")
    heaviest = max(rows, key=lambda row: row.sent)
    print(f"\nheaviest page: {heaviest.label}: {heaviest.sent:,} bytes transferred "
          f"({heaviest.plain:,} uncompressed); budget {BUDGET:,}: "
          f"{'within' if heaviest.sent <= BUDGET else 'OVER'}")


if __name__ == "__main__":
    main()
