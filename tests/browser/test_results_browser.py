"""An evaluator in a desktop browser reads the results of an evaluation with two sites (one a
comparison site) and two waves: the response counts, the impact and shared-leadership sections,
charts drawn by the static script under the page's CSP (no refused script), and the filter by
an equity descriptor."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from ..test_results import two_sites_two_waves
from ..workspace import PASSWORD, build_world
from .conftest import LiveServer

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


def test_evaluator_reads_impact_with_its_charts(browser: Browser,
                                                live_server: LiveServer) -> None:
    app = live_server.app
    world = build_world(app)
    two_sites_two_waves(app, world)
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(120_000)  # a cold page computes its indicators
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _refused(m) else None)
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("evaluator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/results/e/{world.a.evaluation}?q=patients")
    counts = page.locator("table.counts")
    expect(counts).to_contain_text("Comparison clinic")
    expect(page.get_by_role("heading", name="Impact", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Shared leadership")).to_be_visible()
    impact = page.locator("section[aria-labelledby=section-impact]")
    expect(impact.locator("figure.chart .plot svg.main-svg").first).to_be_visible()
    expect(impact).to_contain_text("(n = 26 responses)")
    # wide tables scroll in their own region: the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["viewport"]["width"]
    page.get_by_label("Equity descriptor").select_option(label="A woman")
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Show").click(no_wait_after=True)
    expect(page.locator("p.count")).to_contain_text("12 completed responses", timeout=120_000)
    assert not problems, problems
    context.close()


def _refused(message: ConsoleMessage) -> bool:
    """A script the CSP refused. (plotly.js also injects its base rules as a <style> element,
    which the CSP refuses too: workspace.css carries those rules.)"""
    return message.type == "error" and "script-src" in message.text


def test_question_summaries_at_desktop_width_in_both_languages(
        browser: Browser, live_server: LiveServer, tmp_path) -> None:  # noqa: ANN001
    """The per-question summaries of an evaluator's and a partner's results page at 1280 px,
    in English and French: every table within the page's width (screenshots in tmp_path)."""
    from ..test_question_summaries import stored_with_campaign

    app = live_server.app
    world = build_world(app)
    stored_with_campaign(app, world)
    for role, lang, heading in (("evaluator", "en", "Questions"), ("partner", "fr", "Questions"),
                                ("evaluator", "fr", "Questions")):
        context = browser.new_context(**{**DESKTOP, "locale": "fr-FR" if lang == "fr"
                                         else "en-GB"})
        context.set_default_navigation_timeout(120_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/login?lang={lang}")
        page.locator("input[type=email]").fill(f"{role}@example.org")
        page.locator("input[type=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").click()
        page.goto(f"{live_server.url}/results/e/{world.a.evaluation}?q=question_summaries")
        section = page.locator("section[aria-labelledby=section-questions]")
        expect(section.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(section.locator("table.question-numbers").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        section.screenshot(path=str(tmp_path / f"questions-{role}-{lang}.png"))
        context.close()


def test_an_evaluator_filters_the_results_by_a_hidden_value(
        browser: Browser, live_server: LiveServer, tmp_path) -> None:  # noqa: ANN001
    """The filter form offers each value a campaign link gave a hidden item, with its count;
    choosing one narrows the page and its downloads to those responses."""
    from ..test_results_hidden_filter import responses, store

    app = live_server.app
    world = build_world(app)
    store(app, world, responses())
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    context.set_default_navigation_timeout(120_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("evaluator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/results/e/{world.a.evaluation}?q=question_summaries")
    expect(page.locator("p.count")).to_contain_text("20 completed responses", timeout=120_000)
    page.get_by_label("Hidden value").select_option(label="north (9)")
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Show").click(no_wait_after=True)
    expect(page.locator("p.count")).to_contain_text("9 completed responses", timeout=120_000)
    assert "hidden=site_code%3Anorth" in page.url or "hidden=site_code:north" in page.url
    download = page.get_by_role("link", name="CSV").first.get_attribute("href") or ""
    assert "hidden=site_code" in download
    page.screenshot(path=str(tmp_path / "hidden-filter.png"), full_page=False)
    context.close()
