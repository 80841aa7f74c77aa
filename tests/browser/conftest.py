"""Real-browser fixtures: the app served over HTTP on 127.0.0.1, a headless Chromium, phone pages.

The server runs in a thread of the test process, on a copy of the migrated SQLite template, so a
test can read what the participant's taps stored (``live_server.app.app_context()``).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect, sync_playwright
from werkzeug.serving import make_server

from survey.extensions import db
from survey.questionnaire import Definition
from survey.questionnaire.model import Item

from ..conftest import make_app, missing
from ..participant import Pairs, Participant, campaign_path, typical_answer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH, HEIGHT = 360, 740
PHONE: dict[str, Any] = {"viewport": {"width": WIDTH, "height": HEIGHT}, "is_mobile": True,
                         "has_touch": True, "device_scale_factor": 2, "locale": "fr-FR"}
TAP = 44  # smallest tap target, CSS pixels
TYPED = ("integer", "decimal", "text", "textarea", "date")

expect.set_options(timeout=15_000)  # CI machines are shared: be patient, never flaky

# Elements a thumb has to hit: the language switch, button-like links, every option box, button
# and text field of the form. Links inside running text (error summary) are WCAG's inline exception.
_MEASURE = """() => {
  const wanted = '.bar a, main a.button, .card a, form .option, form button, '
    + 'form input[type=text], form input[type=date], form textarea';
  const shown = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  return {
    scrollWidth: document.documentElement.scrollWidth,
    fontSize: parseFloat(getComputedStyle(document.body).fontSize),
    small: Array.from(document.querySelectorAll(wanted)).filter(shown)
      .map((el) => [el.getBoundingClientRect().height, el.outerHTML.slice(0, 120)])
      .filter(([height]) => height < TAP),
  };
}""".replace("TAP", str(TAP))


# After a tap: the tapped form is gone (a new page, or the refused one drawn in place) and the
# page shown is loaded, its keep.js (if it has a form to keep) ready.
_SHOWN = """() => document.readyState === 'complete'
  && !document.querySelector('form[data-keep="tapped"]')
  && (!document.querySelector('form[data-keep]')
      || !!document.querySelector('form[data-keep="ready"]'))"""


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:PORT, no trailing slash

    def participant(self) -> Participant:
        """A participant driving this app in-process (fast set-up of earlier pages)."""
        return Participant(self.app.test_client())


class Phone:
    """One device: a browser context at 360x740 and its page, watching every request it makes."""

    def __init__(self, context: BrowserContext, server: LiveServer) -> None:
        self.context = context
        self.server = server
        self.foreign: list[str] = []
        context.on("request", self._seen)
        self.page: Page = context.new_page()

    def _seen(self, request: Request) -> None:
        if urlsplit(request.url).scheme in ("data", "blob", "about"):
            return
        if not request.url.startswith(self.server.url + "/"):
            self.foreign.append(request.url)

    # -- navigation -----------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def enter(self, code: str, lang: str | None = None) -> None:
        """Come through an open campaign's link, as participants do (its welcome page)."""
        path = campaign_path(self.server.app, code)
        self.goto(f"{path}?lang={lang}" if lang else path)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    @property
    def section(self) -> str | None:
        match = re.fullmatch(r"/q/[^/]+/p/([^/]+)", self.path)
        return match.group(1) if match else None

    def submit(self, nav: str = "next") -> None:
        """Tap one of the page's buttons (next, back, later) and wait for the new page: the next
        one, or the refused one (keep.js draws it in place, without a navigation)."""
        button = self.page.locator(f'form button[name="nav"][value="{nav}"]')
        if not self.page.locator('form[data-keep="ready"]').count():  # no script: a plain post
            with self.page.expect_navigation():
                button.click()
            return
        self.page.locator("form[data-keep]").evaluate("(form) => form.dataset.keep = 'tapped'")
        button.click()
        self.page.wait_for_function(_SHOWN)

    def consent(self) -> None:
        """From the consent page: tick the box and continue to the first page."""
        self.page.locator('label[for="agree"]').click()
        expect(self.page.locator("#agree")).to_be_checked()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=re.compile("Continuer|Continue")).click()
        assert self.section is not None, self.page.url

    # -- answering ------------------------------------------------------------------------------

    def give(self, item: Item, name: str, value: str) -> None:
        """Type into the item's field, or tap the label of the option with this value."""
        if item.type in TYPED and name == item.code and value not in item.special:
            self.page.locator(f"#i-{item.code}").fill(value)
            return
        select = self.page.locator(f'form select[name="{name}"]')
        if select.count():  # a ranking's "rank" select
            select.select_option(value)
            expect(select).to_have_value(value)
            return
        option = self.page.locator(f'form input[name="{name}"][value="{value}"]')
        if not option.is_checked():  # a second tap would untick a checkbox
            self.page.locator(f'label[for="{option.get_attribute("id")}"]').click()
        expect(option).to_be_checked()

    def answer(self, definition: Definition, item: Item) -> Pairs:
        """The typical answer, given through the inputs when the item is shown."""
        if not item.answerable or not self.page.locator(f"#q-{item.code}").is_visible():
            return []
        pairs = typical_answer(definition, item)
        for name, value in pairs:
            self.give(item, name, value)
        return pairs

    def answer_page(self, definition: Definition) -> dict[str, Pairs]:
        """Answer every shown item of the current page, in order (a yes opens its follow-ups)."""
        section = definition.section(self.section or "")
        assert section is not None, self.page.url
        given = {item.code: self.answer(definition, item) for item in section.items}
        return {code: pairs for code, pairs in given.items() if pairs}

    def shows(self, definition: Definition, given: dict[str, Pairs]) -> None:
        """The page shows these answers again: options ticked, fields filled."""
        section = definition.section(self.section or "")
        assert section is not None, self.page.url
        for item in section.items:
            for name, value in given.get(item.code, []):
                if item.type in TYPED and name == item.code and value not in item.special:
                    expect(self.page.locator(f"#i-{item.code}")).to_have_value(value)
                else:
                    expect(self.page.locator(f'input[name="{name}"][value="{value}"]')
                           ).to_be_checked()

    # -- what every page must be on a phone -----------------------------------------------------

    def check_phone_layout(self) -> None:
        """No sideways scrolling, readable text, targets a thumb can hit, nothing from elsewhere."""
        found = self.page.evaluate(_MEASURE)
        where = self.page.url
        assert found["scrollWidth"] <= WIDTH, f"{where}: scrolls sideways ({found['scrollWidth']})"
        assert found["fontSize"] >= 16, f"{where}: body text {found['fontSize']}px"
        assert not found["small"], f"{where}: tap targets under {TAP}px: {found['small']}"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"


def stored(definition: Definition, item: Item, pairs: Pairs) -> dict[str, Any]:
    """What the database should hold for an item answered with these input values."""
    if not pairs:
        return {}
    codes = {c.key: c.code for c in item.choices}
    if item.type == "matrix":
        return {name: codes.get(value, value) for name, value in pairs}
    values = [value for name, value in pairs if name == item.code]
    if item.type == "ranking":  # "<code>__<choice>" -> rank: the codes in rank order
        ranked = sorted((int(value), name.split("__", 1)[1]) for name, value in pairs)
        return {item.code: [codes.get(key, key) for _rank, key in ranked]}
    if item.type in ("single", "likert"):
        return {item.code: codes.get(values[0], values[0])}
    if item.type == "multiple":
        return {item.code: [codes.get(v, v) for v in values]}
    if item.type == "integer" and values[0] not in item.special:
        return {item.code: int(values[0])}
    if item.type == "decimal" and values[0] not in item.special:
        return {item.code: float(values[0])}
    if item.type == "nomination":
        if item.settings.rating:
            ratings = {c.key: c.code for c in item.settings.rating}
            rated = dict(pairs)
            return {item.code: {v: ratings[rated[f"{item.code}__{v}"]] for v in values}}
        return {item.code: values}
    return {item.code: values[0]}


# -- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    """The app on a clean SQLite database, served over real HTTP on a free local port."""
    path = tmp_path / "survey.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", SERVER_NAME=None)
    app.instance_path = str(tmp_path / "instance")  # its own outbox
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # as `survey run` sets it
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test process (Debian's; nothing is downloaded)."""
    if not CHROMIUM.exists():
        missing(f"Chromium not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_phone(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Phone]]:
    """Make another device (browser context); keyword arguments go to ``new_context``."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Phone:
        context = browser.new_context(**{**PHONE, **options})
        context.set_default_timeout(15_000)  # shared machines: be patient, never flaky
        contexts.append(context)
        return Phone(context, live_server)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone: Callable[..., Phone]) -> Phone:
    return new_phone()
