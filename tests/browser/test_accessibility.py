"""axe-core on every kind of participant page, as a phone shows it, in French and in English.

Violations of impact "serious" or "critical" fail the test; every page is also checked for
sideways scrolling, text size and tap targets, since those are accessibility too (WCAG 1.4.10).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.questionnaire import Definition, load_file
from survey.questionnaire.itemtypes import TYPES

from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
# Section pages that between them show every item type of the bundled questionnaires (checked by
# test_the_section_pages_cover_every_item_type), each with its follow-ups opened.
SECTIONS = [
    ("patients", "your_visit"),  # single, integer, multiple, required, special answers
    ("patients", "access"),  # yesno opening a text, matrix with "don't know"
    ("patients", "coordination"),  # follow-ups: multiple, single, likert
    ("patients", "health"),  # textarea, note
    ("patients", "about_you"),  # equity descriptors with "prefer not to say"
    ("citizens", "awareness"),  # ranking, multiple with an exclusive choice, likert follow-up
    ("citizens", "influence"),  # matrix and a constrained integer
    ("professionals", "team_context"),  # note, required single, text follow-up
    ("professionals", "work"),  # three matrices on one page, textarea follow-up
    ("professionals", "leadership_network"),  # nominations: self pick, rated leaders
]


def private_link(server: LiveServer, definition: Definition, section: str | None = None,
                 lang: str = "fr", answer: bool = False) -> str:
    """Path of a resume link whose bookmark is ``section`` (first page by default). The pages
    before it are answered in-process with typical answers, and that page too if ``answer``."""
    participant = server.participant()
    participant.start(definition.code, lang)
    while section is not None and participant.section != section:
        assert participant.section is not None, participant.path
        participant.answer_page(definition)
    if answer:
        participant.answer_page(definition, nav="later")
    else:
        participant.post([], nav="later")
    return resume_path(participant.html)


def resume_path(later_page: str) -> str:
    """The path of the private link shown on the continue-later page."""
    found = re.search(r'id="resume-link" href="([^"]+)"', later_page)
    assert found, later_page
    return urlsplit(found.group(1)).path


# -- how to reach each page ----------------------------------------------------------------------

def section_page(code: str, section: str, lang: str = "fr") -> Callable[..., None]:
    """A section page showing typical answers (so follow-ups are open and options ticked)."""
    def reach(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
        phone.goto(private_link(server, bundled[code], section, lang, answer=True))
        assert phone.section == section, phone.page.url
        expect(phone.page.locator("form input:checked").first).to_be_visible()
    return reach


def consent_error(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Continuer").click()
    expect(phone.page.locator("#e-agree")).to_be_visible()


def page_errors(phone: Phone, server: LiveServer, bundled: dict[str, Definition],
                lang: str = "fr") -> None:
    """Required choice left out and a number above its maximum (a response started in
    ``lang``: its private link opens in the response's language)."""
    phone.goto(private_link(server, bundled["patients"], lang=lang))
    phone.page.locator("#i-visits").fill("150")
    phone.submit("next")
    expect(phone.page.locator("#e-service_type")).to_be_visible()
    expect(phone.page.locator("#e-visits")).to_be_visible()


def nomination_errors(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
    """A leader chosen without saying how much."""
    professionals = bundled["professionals"]
    phone.goto(private_link(server, professionals, "leadership_network"))
    leaders = professionals.item("leaders")
    assert leaders is not None
    phone.give(leaders, "leaders", professionals.roster(leaders)[0].key)
    phone.submit("next")
    expect(phone.page.locator("#e-leaders")).to_be_visible()


def later(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    phone.submit("later")
    expect(phone.page.locator("#resume-link")).to_be_visible()


def done(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
    """A finished participant opening their private link again."""
    participant = server.participant()
    participant.start("patients")
    participant.post([], nav="later")
    link = resume_path(participant.html)
    participant.get("/q/patients/p/your_visit")
    participant.complete(bundled["patients"])
    phone.goto(link)
    expect(phone.page.locator("h1")).to_have_text("Merci !")


def visit(path: str, heading: str | None = None, enter: str | None = None
          ) -> Callable[..., None]:
    def reach(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
        if enter:  # through the questionnaire's campaign, as participants come
            phone.enter(enter)
        phone.goto(path)
        if heading:
            expect(phone.page.locator("h1")).to_have_text(heading)
    return reach


def in_english(reach: Callable[..., None]) -> Callable[..., None]:
    """The same page after the participant chose English."""
    def english(phone: Phone, server: LiveServer, bundled: dict[str, Definition]) -> None:
        phone.goto("/?lang=en")
        reach(phone, server, bundled)
    return english


PAGES: dict[str, Callable[..., None]] = {
    "home": visit("/", "Questionnaires"),
    "welcome": visit("/q/patients", enter="patients"),
    "consent": visit("/q/patients/consent", enter="patients"),
    "by-invitation-only": visit("/q/citizens", "Ce questionnaire s’ouvre par son invitation"),
    "consent-error": consent_error,
    **{f"{code}-{section}": section_page(code, section) for code, section in SECTIONS},
    "errors-required-and-range": page_errors,
    "errors-nomination-rating": nomination_errors,
    "continue-later": later,
    "thank-you": done,
    "not-found": visit("/q/nothing", "Page introuvable"),
    "en-welcome": visit("/q/professionals?lang=en", enter="professionals"),
    "en-nomination-page": section_page("professionals", "leadership_network", "en"),
    "en-errors": in_english(lambda phone, server, bundled: page_errors(
        phone, server, bundled, lang="en")),
}


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} [{v.get('helpUrl', '')}]\n"
        + "\n".join(f"    {node.get('target')}: {node.get('failureSummary', '')!r}"
                    for node in v.get("nodes", []))
        for v in violations)


def test_the_section_pages_cover_every_item_type(bundled: dict[str, Definition]) -> None:
    """Every type the bundled questionnaires use is checked here; every type the app registers
    is used by them, by the flow tests' questionnaire or by the new types' questionnaires, whose
    pages test_new_itemtypes_browser and test_time_browser check with axe."""
    present = {item.type for d in bundled.values() for item in d.items()}
    covered = {item.type for code, section in SECTIONS
               for item in (bundled[code].section(section) or pytest.fail(section)).items}
    assert present <= covered, present - covered
    data = Path(__file__).parent.parent / "data"
    fixture = load_file(data / "every_type.yaml")
    new_types = load_file(data / "new_types.yaml")
    times = load_file(data / "time_type.yaml")  # checked with axe by test_time_browser
    criteria = load_file(data / "conformity_type.yaml")  # with axe by test_assess_browser
    assert set(TYPES) <= present | {item.type for d in (fixture, new_types, times, criteria)
                                    for item in d.items()}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_serious_accessibility_violation(
        kind: str, phone: Phone, live_server: LiveServer, bundled: dict[str, Definition],
        axe: Axe) -> None:
    PAGES[kind](phone, live_server, bundled)
    lang = "en" if kind.startswith("en-") else "fr"
    expect(phone.page.locator("html")).to_have_attribute("lang", lang)
    violations = axe.run(phone.page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, f"{phone.page.url}\n{describe(blocking)}"
    phone.check_phone_layout()
