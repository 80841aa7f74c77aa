"""A participant over real HTTP, for a real server (``survey run``): the kill test and the
throughput benchmark drive gunicorn with it.

One keep-alive connection, the session cookie, no redirect following: a redirect received after
a post is the acknowledgement that the page is stored.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from survey.questionnaire.model import Definition

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
START_RE = re.compile(r'name="start_token" type="hidden" value="([^"]+)"')
SECTION_RE = re.compile(r"^/q/[^/]+/p/([^/?]+)")
RESUME_RE = re.compile(r"/r/([A-Za-z0-9_-]+)")
Pairs = list[tuple[str, str]]


class Unacknowledged(Exception):
    """The server did not answer a request (down, killed, or reset the connection)."""


@dataclass
class Reply:
    status: int
    location: str
    html: str


@dataclass
class HttpClient:
    host: str
    port: int
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, pairs: Pairs | None = None) -> Reply:
        body = urlencode(pairs).encode() if pairs is not None else None
        headers = {"Accept-Encoding": "identity"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port,
                                                             timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            reply = self.connection.getresponse()
            html = reply.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unacknowledged(f"{method} {path}: {error!r}") from error
        for header in reply.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if reply.getheader("Connection", "").lower() == "close":
            self.close()
        return Reply(reply.status, urlsplit(reply.getheader("Location") or "").path, html)

    def fire(self, method: str, path: str, pairs: Pairs) -> None:
        """Send a request on its own connection and drop it without reading the answer: the
        first of a double tap, which the browser abandons for the second."""
        body = urlencode(pairs).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


CAMPAIGN_RE = re.compile(r'href="(/c/[A-Za-z0-9_-]+)"')
_LINKS: dict[tuple[str, int], dict[str, str]] = {}  # the server's public campaigns, by code


def campaign_link(client: HttpClient, code: str, fresh: bool = False) -> str:
    """The link of the public campaign (``survey run``'s demonstration) answering ``code``,
    found on the home page: a questionnaire is answered only through a campaign. Remembered
    per address unless ``fresh`` (another server on the same port)."""
    key = (client.host, client.port)
    if fresh or code not in _LINKS.get(key, {}):
        links: dict[str, str] = {}
        for path in CAMPAIGN_RE.findall(client.request("GET", "/").html):
            match = re.match(r"^/q/([^/?]+)$", client.request("GET", path).location)
            if match:
                links[match.group(1)] = path
        _LINKS[key] = links
    if code not in _LINKS[key]:
        raise AssertionError(f"no public campaign answers {code} on the home page")
    return _LINKS[key][code]


def typical_pairs(definition: Definition, section_code: str) -> Pairs:
    """Valid answers to every item of one page (``ItemType.example``)."""
    section = definition.section(section_code)
    assert section is not None, section_code
    pairs: Pairs = []
    for item in section.items:
        pairs += item.itemtype.example(item, definition.roster(item))
    return pairs


def section_of(path: str) -> str | None:
    match = SECTION_RE.match(path)
    return match.group(1) if match else None


@dataclass
class HttpParticipant:
    """Walks one questionnaire with valid answers; remembers the pages acknowledged."""

    client: HttpClient
    definition: Definition
    path: str = ""
    html: str = ""
    acknowledged: list[str] = field(default_factory=list)  # sections stored, in order
    resume_code: str | None = None
    double_taps: int = 0
    retries: int = 0  # requests sent again after getting no answer

    def get(self, path: str) -> Reply:
        reply = self.client.request("GET", path)
        while reply.status in (301, 302, 303) and reply.location:
            path = reply.location
            reply = self.client.request("GET", path)
        if reply.status != 200:
            raise AssertionError(f"GET {path}: {reply.status}\n{reply.html[:2000]}")
        self.path, self.html = path, reply.html
        return reply

    def csrf(self) -> str:
        match = CSRF_RE.search(self.html)
        assert match, f"no CSRF token on {self.path}"
        return match.group(1)

    def start(self, twice: bool = False) -> None:
        code = self.definition.code
        try:
            self.get(campaign_link(self.client, code))
        except AssertionError:
            self.path = ""
        if self.path != f"/q/{code}":  # a link of another server once on this port
            self.get(campaign_link(self.client, code, fresh=True))
        self.get(f"/q/{code}/consent")
        token = START_RE.search(self.html)
        assert token, self.html[:2000]
        pairs = [("csrf_token", self.csrf()), ("start_token", token.group(1)), ("agree", "y")]
        self.post(pairs, twice=twice)

    def post(self, pairs: Pairs, twice: bool = False) -> Reply:
        """Post to the current page (twice in a row for a double tap) and follow to the next;
        a redirect received is the acknowledgement."""
        path = self.path
        if twice:
            self.double_taps += 1
            self.client.fire("POST", path, pairs)
        reply = self.client.request("POST", path, pairs)
        if reply.status not in (302, 303) or not reply.location:
            raise AssertionError(f"POST {path}: {reply.status}\n{reply.html[:2000]}")
        section = section_of(path)
        if section is not None:
            self.acknowledged.append(section)
        self.get(reply.location)
        return reply

    @property
    def section(self) -> str | None:
        return section_of(self.path)

    @property
    def done(self) -> bool:
        return self.path.endswith("/done")

    def answer_page(self, twice: bool = False) -> None:
        section = self.section
        assert section is not None, self.path
        pairs = [*typical_pairs(self.definition, section), ("csrf_token", self.csrf()),
                 ("nav", "next")]
        self.post(pairs, twice=twice)
        if self.done:
            match = RESUME_RE.search(self.html)
            self.resume_code = match.group(1) if match else None
