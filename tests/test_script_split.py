"""The page's expression script in two parts (relevance.js on every page of questions,
relevance-more.js with regex(), dates, mathematics, count(), sum() and join() only on the pages
whose expressions call one of those, loaded before relevance.js), and the assets at the best
compression without page-only headers: what leaves room in a participant page's 15 KB."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import brotli
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import load_file
from survey.questionnaire.navigation import needs_more_functions, page_functions
from survey.versions import store_definition

from .participant import Participant

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).parent / "data" / "expression_functions.yaml"
MORE = 'src="/static/relevance-more.js?v='
CORE = 'src="/static/relevance.js?v='


def test_the_server_knows_which_functions_each_page_calls(bundled: dict) -> None:
    definition = load_file(SOURCE)
    start, people, end = (definition.section(c) for c in ("start", "people", "end"))
    assert start and people and end
    assert page_functions(end) >= {"count", "sum"} and needs_more_functions(end)
    assert not needs_more_functions(people)  # position() is a reference, not a function
    for code, questionnaire in bundled.items():  # the bundled ones call selected() at most
        for section in questionnaire.sections:
            assert not needs_more_functions(section), (code, section.code)


def test_only_the_pages_that_call_them_load_the_rarer_functions(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    person = Participant(client)
    person.start("expression_functions", lang="en")
    assert person.section == "start" and CORE in person.html and MORE not in person.html
    person.post([("birth", "1990-06-02"), ("visit", "2024-06-01")])
    assert person.section == "people" and MORE not in person.html
    person.post([("name-1", "Ana"), ("age-1", "34"), ("head-1", "nurse")])
    assert person.section == "end"
    assert person.html.index(MORE) < person.html.index(CORE)  # before: relevance.js uses it


def test_relevance_js_alone_leaves_the_rarer_functions_out() -> None:
    """The browser's relevance.js without relevance-more.js: sqrt() is unknown (empty), the
    common functions work; with it loaded first, sqrt() answers."""
    node = shutil.which("node")
    assert node, "node is needed to test survey/static/relevance.js"
    static = ROOT / "survey" / "static"
    core, more = (json.dumps(str(static / name)) for name in ("relevance.js", "relevance-more.js"))
    script = f"""
const vm = require('vm'), fs = require('fs');
const run = (files) => {{
  const window = {{}};
  const document = {{ readyState: 'complete', querySelector: () => null }};
  const context = vm.createContext({{ window, document }});
  for (const f of files) vm.runInContext(fs.readFileSync(f, 'utf8'), context);
  return context.window;
}};
const sqrt = ['fn', 'sqrt', [['num', 16]]];
const ifs = ['fn', 'if', [['num', 1], ['num', 2], ['num', 3]]];
const alone = run([{core}]);
const both = run([{more}, {core}]);
console.log(JSON.stringify([alone.ProximiteRelevance, both.ProximiteRelevance].map(
  (api) => api ? [api.evaluate(sqrt, {{}}), api.evaluate(ifs, {{}})] : null)));
"""
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30,
                         check=True)
    assert json.loads(run.stdout) == [[None, 2], [4, 2]]


def test_scripts_and_stylesheets_travel_at_the_best_compression_without_page_headers(
        client: FlaskClient) -> None:
    """An asset is compressed at brotli's best level once (a page's weight is mostly its
    assets), without the page-only headers, and still answers a revalidation with 304."""
    source = (ROOT / "survey" / "static" / "relevance.js").read_bytes()
    packed = client.get("/static/relevance.js", headers={"Accept-Encoding": "br, gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == source
    assert len(packed.data) == len(brotli.compress(source, quality=11))
    assert len(packed.data) < len(brotli.compress(source, quality=4))
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Disposition", "Expires"):
        assert name not in packed.headers, name
    assert packed.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get("/static/relevance.js", headers={"Accept-Encoding": "br, gzip",
                                                         "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    zipped = client.get("/static/survey.css", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == (ROOT / "survey" / "static" / "survey.css").read_bytes()
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]  # pages keep theirs
    assert page.headers["X-Frame-Options"] == "DENY"
