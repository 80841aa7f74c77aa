"""Weight of the participant pages: HTML + CSS + JS, uncompressed and as transferred.

    python bench/page_weight.py

Serves the app in-process on a temporary SQLite database, walks every page of each bundled
questionnaire as a participant would, and prints the bytes each page transfers: the page's HTML
plus the stylesheet and script it links, as the app sends them to a browser that accepts
brotli or gzip (the budget is 30 KB), and uncompressed. Also checks that no page refers to
another host.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from survey import create_app  # noqa: E402
from survey.versions import load_directory  # noqa: E402
from tests.participant import Participant  # noqa: E402

BUDGET = 30 * 1024
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
EXTERNAL_RE = re.compile(r'(?:href|src|action)="(?:https?:)?//', re.I)


ACCEPT = {"Accept-Encoding": "br, gzip"}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            definitions = {s.version.definition.code: s.version.definition
                           for s in load_directory(app.config["QUESTIONNAIRES_DIR"])}
        client = app.test_client()
        rows: list[tuple[str, int, int]] = []
        assets: dict[str, tuple[int, int]] = {}

        def sizes(path: str) -> tuple[int, int]:
            sent = client.get(path, headers=ACCEPT).data
            plain = client.get(path, headers={"Accept-Encoding": "identity"}).data
            return len(plain), len(sent)

        def record(label: str, path: str) -> None:
            html = client.get(path, headers={"Accept-Encoding": "identity"}).get_data(True)
            assert not EXTERNAL_RE.search(html), f"{label} refers to another host"
            raw, packed = sizes(path)
            for path in ASSET_RE.findall(html):
                if path not in assets:
                    assets[path] = sizes(path)
                raw += assets[path][0]
                packed += assets[path][1]
            rows.append((label, raw, packed))

        for code, definition in definitions.items():
            participant = Participant(client)
            participant.enter(code)  # through a campaign, as participants come
            record(f"{code}: welcome", participant.path)
            participant.start(code)
            while participant.section:
                record(f"{code}: page {participant.section}", participant.path)
                participant.answer_page(definition)
            record(f"{code}: thank you", participant.path)

    width = max(len(label) for label, *_ in rows)
    print(f"{'page (HTML + CSS + JS)':<{width}}  {'uncompressed':>12}  {'transferred':>11}")
    for label, raw, packed in rows:
        print(f"{label:<{width}}  {raw:>12,}  {packed:>11,}")
    heaviest = max(rows, key=lambda r: r[2])
    print(f"\nheaviest page: {heaviest[0]}: {heaviest[2]:,} bytes transferred "
          f"({heaviest[1]:,} uncompressed); budget {BUDGET:,}: "
          f"{'within' if heaviest[2] <= BUDGET else 'OVER'}")
    for path, (raw, packed) in sorted(assets.items()):
        print(f"asset {path.split('?')[0]}: {raw:,} bytes, {packed:,} transferred")


if __name__ == "__main__":
    main()
