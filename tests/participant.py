"""A participant driving the pages through the Flask test client, as a browser would:
following redirects, reading the CSRF token from each page, posting what the inputs hold."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from survey.extensions import db
from survey.models import Campaign, Evaluation, Questionnaire, QuestionnaireVersion, Response
from survey.models.types import utcnow
from survey.models.workspace import OPEN
from survey.questionnaire.model import Definition, Item
from survey.secrets import new_secret

Pairs = list[tuple[str, str]]


class _Inputs(HTMLParser):
    """Names of the inputs on the page, and the item wrappers that are there."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.items: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea") and a.get("name"):
            self.names.add(a["name"] or "")
            if a["name"] == "csrf_token":
                self.csrf = a.get("value") or ""
        if a.get("data-item"):
            self.items.append(a["data-item"] or "")


class Participant:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.response: TestResponse | None = None
        self.path = "/"

    # -- plumbing -------------------------------------------------------------------------

    @property
    def html(self) -> str:
        assert self.response is not None
        return self.response.get_data(as_text=True)

    @property
    def status(self) -> int:
        assert self.response is not None
        return self.response.status_code

    def _parse(self) -> _Inputs:
        parser = _Inputs()
        parser.feed(self.html)
        return parser

    @property
    def csrf(self) -> str:
        return self._parse().csrf

    @property
    def items(self) -> list[str]:
        return self._parse().items

    def get(self, path: str) -> TestResponse:
        self.response = self.client.get(path, follow_redirects=True)
        self.path = self.response.request.path
        return self.response

    def post(self, pairs: Pairs, nav: str | None = "next", csrf: bool = True,
             path: str | None = None) -> TestResponse:
        data = list(pairs)
        if csrf:
            data.append(("csrf_token", self.csrf))
        if nav:
            data.append(("nav", nav))
        self.response = self.client.post(path or self.path, data=MultiDict(data),
                                         follow_redirects=True)
        self.path = self.response.request.path
        return self.response

    @property
    def section(self) -> str | None:
        match = re.match(r"^/q/[^/]+/p/([^/]+)$", self.path)
        return match.group(1) if match else None

    # -- steps ----------------------------------------------------------------------------

    def enter(self, code: str, lang: str | None = None) -> TestResponse:
        """Come through an open campaign's link, as a participant must (its welcome page)."""
        path = campaign_path(self.client.application, code)
        return self.get(f"{path}?lang={lang}" if lang else path)

    def start(self, code: str, lang: str = "fr") -> None:
        self.enter(code, lang)
        assert self.status == 200 and self.path == f"/q/{code}", self.html
        self.get(f"/q/{code}/consent")
        token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', self.html)
        assert token, "the consent form carries a start token"
        self.post([("start_token", token.group(1)), ("agree", "y")], nav=None)
        assert self.section is not None, self.html

    def answer_page(self, definition: Definition, overrides: dict[str, Pairs] | None = None,
                    nav: str = "next") -> TestResponse:
        section = definition.section(self.section or "")
        assert section is not None
        pairs: Pairs = []
        for item in section.items:
            if overrides and item.code in overrides:
                pairs += overrides[item.code]
            else:
                pairs += typical_answer(definition, item)
        return self.post(pairs, nav=nav)

    def complete(self, definition: Definition, overrides: dict[str, Pairs] | None = None,
                 limit: int = 50) -> list[str]:
        """Answer page after page until the thank-you page; returns the pages seen."""
        seen = []
        for _ in range(limit):
            if self.section is None:
                break
            seen.append(self.section)
            self.answer_page(definition, overrides)
            assert self.status == 200, (self.section, self.html[:3000])
        assert urlsplit(self.path).path.endswith("/done"), self.path
        return seen


def typical_answer(definition: Definition, item: Item) -> Pairs:
    """A valid, unremarkable answer to any item (yes to yes/no, to open the follow-ups)."""
    return item.itemtype.example(item, definition.roster(item))


TEST_EVALUATION = "Évaluation des tests"


def campaign_path(app: Flask, code: str) -> str:
    """The link (``/c/<slug>``) of an open campaign on the questionnaire's newest version,
    made on first use: a questionnaire is answered only through a campaign."""
    with app.app_context():
        version = db.session.scalar(
            select(QuestionnaireVersion).join(Questionnaire).where(Questionnaire.code == code)
            .order_by(QuestionnaireVersion.id.desc()).limit(1))
        assert version is not None, f"no stored version of {code}"
        campaign = db.session.scalar(select(Campaign).where(
            Campaign.version_id == version.id, Campaign.status == OPEN).order_by(Campaign.id))
        if campaign is None:
            evaluation = (db.session.scalar(select(Evaluation).filter_by(name=TEST_EVALUATION))
                          or Evaluation(name=TEST_EVALUATION))
            campaign = Campaign(evaluation=evaluation, version=version, name=code,
                                audience=version.definition.audience, status=OPEN,
                                opened_at=utcnow(), slug=new_secret(12), roster=[])
            db.session.add(campaign)
            db.session.commit()
        return f"/c/{campaign.slug}"


def responses(app: Flask) -> list[Response]:
    """Every stored response, oldest first, detached so a test can read them after the query."""
    with app.app_context():
        found = list(db.session.scalars(select(Response).order_by(Response.id)))
        for response in found:
            db.session.expunge(response)
        return found
