"""What one tap on "Next" costs a phone at 360 px (issue 22): counted by the server (every request
that reached the app) and by Chromium (bytes as transferred, from its DevTools network events).
A saved page is one POST and one GET; a refused page is one POST, its reasons drawn in place
(focus on the error summary, same address, no new history entry); answers typed offline are
one POST and one GET once the connection is back. Nothing weighs more than 15 KB."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import CDPSession, expect

from bench.page_weight import BUDGET
from survey.design.services import ensure_demo
from survey.questionnaire import Definition

from .conftest import LiveServer, Phone
from .test_participant_enhancements import shot, stored_state

pytestmark = pytest.mark.browser


class Hits:
    """Every request that reached the app (WSGI), static files left out: the server's work."""

    def __init__(self, server: LiveServer) -> None:
        self.seen: list[tuple[str, str]] = []
        inner = server.app.wsgi_app

        def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            path = environ.get("PATH_INFO", "")
            if not path.startswith("/static/"):
                self.seen.append((environ["REQUEST_METHOD"], path))
            return inner(environ, start_response)

        server.app.wsgi_app = counting  # type: ignore[method-assign]

    def take(self) -> list[tuple[str, str]]:
        seen, self.seen = self.seen, []
        return seen


@dataclass
class Transfer:
    method: str
    url: str
    kind: str  # Document, Fetch, Script, Stylesheet...
    status: int = 0
    encoding: str = ""
    cached: bool = False
    size: int = 0  # bytes as transferred: headers and (compressed) body


@dataclass
class Network:
    """Chromium's own account of the page's requests (DevTools Network domain)."""

    cdp: CDPSession
    transfers: dict[str, Transfer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        key = event["requestId"]
        redirected = event.get("redirectResponse")
        if redirected and key in self.transfers:  # a redirect followed: the same id goes on
            transfer = self.transfers.pop(key)
            transfer.status = redirected["status"]
            transfer.size = int(redirected.get("encodedDataLength") or 0)
            self.transfers[f"{key}:{len(self.transfers)}"] = transfer
        request = event["request"]
        self.transfers[key] = Transfer(request["method"], request["url"], event.get("type", ""))

    def _cached(self, event: dict[str, Any]) -> None:
        if event["requestId"] in self.transfers:
            self.transfers[event["requestId"]].cached = True

    def _received(self, event: dict[str, Any]) -> None:
        transfer = self.transfers.get(event["requestId"])
        if transfer is not None:
            response = event["response"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            transfer.status = response["status"]
            transfer.encoding = headers.get("content-encoding", "")
            transfer.cached = transfer.cached or bool(response.get("fromDiskCache"))
            transfer.size = int(response.get("encodedDataLength") or 0)  # the headers

    def _data(self, event: dict[str, Any]) -> None:  # counted even if the body is abandoned
        transfer = self.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.size += int(event.get("encodedDataLength") or 0)

    def _finished(self, event: dict[str, Any]) -> None:
        transfer = self.transfers.get(event["requestId"])
        if transfer is not None:
            transfer.size = max(transfer.size, int(event["encodedDataLength"]))

    def take(self) -> list[Transfer]:
        """What went over the network since the last call (cache hits left out)."""
        done = [t for t in self.transfers.values()
                if t.url.startswith("http") and t.status and not t.cached]
        self.transfers = {}
        return done


@dataclass
class Meter:
    phone: Phone
    hits: Hits
    network: Network

    def reset(self) -> None:
        self.phone.page.wait_for_load_state()
        self.hits.take()
        self.network.take()

    def cycle(self) -> tuple[list[tuple[str, str]], list[Transfer], int]:
        """Requests the server saw, transfers Chromium made, and their bytes, since the reset."""
        transfers = self.network.take()
        return self.hits.take(), transfers, sum(t.size for t in transfers)


@pytest.fixture
def meter(phone: Phone, live_server: LiveServer) -> Iterator[Meter]:
    hits = Hits(live_server)
    network = Network(phone.context.new_cdp_session(phone.page))
    yield Meter(phone, hits, network)


def through_campaign(phone: Phone, server: LiveServer, code: str) -> None:
    """Open the questionnaire by its demonstration campaign's link and consent."""
    with server.app.app_context():
        slug = next(c.slug for c in ensure_demo().campaigns
                    if c.is_open and c.version.questionnaire.code == code)
    phone.goto(f"/c/{slug}")
    assert phone.path == f"/q/{code}"
    phone.goto(f"/q/{code}/consent")
    phone.consent()


def page_path(phone: Phone) -> str:
    return urlsplit(phone.page.url).path


def test_a_saved_page_costs_one_post_and_one_get(
        phone: Phone, live_server: LiveServer, meter: Meter,
        bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    through_campaign(phone, live_server, "patients")
    first = page_path(phone)
    phone.answer_page(patients)
    meter.reset()
    phone.submit("next")
    after = page_path(phone)
    assert after != first
    seen, transfers, size = meter.cycle()
    print(f"\nsaved page: {seen}, {size} bytes transferred")  # noqa: T201  (the report's figures)
    assert seen == [("POST", first), ("GET", after)], seen  # not a second GET of the same page
    post, get = ([t for t in transfers if t.method == m] for m in ("POST", "GET"))
    assert [t.kind for t in post] == ["Fetch"] and post[0].status == 204
    assert [(t.kind, t.status, t.encoding) for t in get] == [("Document", 200, "br")]
    assert not [t for t in transfers if "/static/" in t.url]  # scripts and style: cached
    assert size <= BUDGET
    assert phone.page.evaluate("sessionStorage.length") == 0  # saved: no draft left
    phone.page.go_back()  # history as with ordinary pages: back to the first page
    phone.page.wait_for_url(re.compile(re.escape(first) + "$"))


def test_a_refused_page_costs_one_post_and_is_shown_in_place(
        phone: Phone, live_server: LiveServer, meter: Meter,
        bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    through_campaign(phone, live_server, "patients")
    first = page_path(phone)
    page = phone.page
    given = phone.answer_page(patients)
    page.locator("#i-visits").fill("150")  # above its maximum: refused
    history = page.evaluate("history.length")
    meter.reset()
    phone.submit("next")
    seen, transfers, size = meter.cycle()
    print(f"\nrefused page: {seen}, {size} bytes transferred")  # noqa: T201
    assert seen == [("POST", first)], seen  # refused once, not posted a second time
    assert [(t.method, t.kind, t.status, t.encoding) for t in transfers] == [
        ("POST", "Fetch", 422, "br")]
    assert size <= 5 * 1024  # the whole page with its messages, compressed

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator('a[href="#q-visits"]')).to_be_visible()
    expect(page.locator("#e-visits")).to_be_visible()
    expect(page.locator("#i-visits")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#i-visits")).to_have_value("150")
    expect(page).to_have_title(re.compile(r"^Erreur"))
    assert page_path(phone) == first and page.evaluate("history.length") == history
    phone.shows(patients, {code: pairs for code, pairs in given.items() if code != "visits"})
    phone.check_phone_layout()
    shot(phone, "refused-in-place-fr")

    # The page drawn in place has its scripts: conditions still show and hide, and the next
    # tap goes through fetch again.
    service = patients.item("service_type")
    assert service is not None
    phone.give(service, "service_type", "other")
    expect(page.locator("#q-service_other")).to_be_visible()
    typical = given["service_type"][0][1]
    phone.give(service, "service_type", typical)
    if typical != "other":
        expect(page.locator("#q-service_other")).to_be_hidden()
    page.locator("#i-visits").fill("4")
    meter.reset()
    phone.submit("next")
    after = page_path(phone)
    seen, transfers, _size = meter.cycle()
    assert seen == [("POST", first), ("GET", after)] and after != first, seen
    assert [t.kind for t in transfers if t.method == "POST"] == ["Fetch"]
    assert stored_state(live_server)[0]["visits"] == 4
    assert page.evaluate("sessionStorage.length") == 0


def test_answers_typed_offline_cost_one_post_and_one_get_once_back(
        phone: Phone, live_server: LiveServer, meter: Meter,
        bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    through_campaign(phone, live_server, "patients")
    first = page_path(phone)
    given = phone.answer_page(patients)
    meter.reset()
    phone.context.set_offline(True)
    next_button = phone.page.locator('form button[name="nav"][value="next"]')
    next_button.click()
    expect(phone.page.locator("[data-offline-note]")).to_be_visible()
    next_button.click()  # an impatient second tap
    assert meter.hits.take() == []  # nothing reached the server

    phone.context.set_offline(False)  # the "online" event sends the page, once
    phone.page.wait_for_url(re.compile(r"/p/(?!" + re.escape(first.rsplit("/", 1)[1]) + r"$)"))
    phone.page.wait_for_load_state()
    after = page_path(phone)
    seen, transfers, size = meter.cycle()
    print(f"\noffline, then online: {seen}, {size} bytes transferred")  # noqa: T201
    assert seen == [("POST", first), ("GET", after)], seen
    assert size <= BUDGET
    answers, _revision = stored_state(live_server)
    assert set(given) <= set(answers)
