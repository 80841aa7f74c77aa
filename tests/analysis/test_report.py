"""The HTML report as a reader meets it: words not column names, labels not codes, translated
audience names, colours with 3:1 contrast, a caption and a data table per chart, plotly.js
embedded or beside the report, axe-core clean and no sideways scrolling at 1280 and 390 px."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from analysis.charts import PALETTE
from analysis.cli import main
from analysis.synthetic import generate
from tests.analysis.conftest import bundled_codebook_dict, write_export
from tests.conftest import missing

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def contrast_on_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour against white."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_every_category_colour_has_3_to_1_contrast_on_white():
    assert all(contrast_on_white(c) >= 3 for c in PALETTE), [
        (c, round(contrast_on_white(c), 2)) for c in PALETTE]
    assert "#F0E442" not in PALETTE  # Okabe & Ito's yellow: 1.3:1


@pytest.fixture(scope="module")
def reports(tmp_path_factory, codebooks):
    folder = tmp_path_factory.mktemp("report")
    raw_codebook = bundled_codebook_dict("patients")
    raw = generate(codebooks["patients"], 500, seed=9, sites=["nord", "sud"])
    csv_path, codebook_path = write_export(folder, "patients", raw, raw_codebook)
    out = {}
    for lang, plotlyjs in (("fr", "embed"), ("en", "external")):
        target = folder / f"{lang}-{plotlyjs}"
        assert main([str(csv_path), "--codebook", str(codebook_path), "--out", str(target),
                     "--by", "site", "--lang", lang, f"--plotlyjs={plotlyjs}"]) == 0
        out[lang] = target
    return out


def test_tables_use_words_and_labels_not_column_names_and_codes(reports):
    report = (reports["en"] / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r'<th scope="col">([^<]*)</th>', report)
    for name in ("ci_low", "top_box_pct", "n_categories", "alpha_ci_low", "item_total_r"):
        assert name not in headings
    assert "95% CI low" in headings and "% in the two highest answers" in headings
    # Equity gaps name their highest and lowest groups by label ("A woman"), not code.
    equity = report[report.index("Equity gaps</h3>"):]
    equity = equity[:equity.index("</table>")]
    assert "woman" in equity.lower() and ">woman<" not in equity
    assert "(Patients and service users)" in report  # the audience's name, as the app shows it


def test_french_report_translates_the_audience(reports):
    report = (reports["fr"] / "report.html").read_text(encoding="utf-8")
    assert "(Patients et usagers)" in report and "(patient)" not in report
    assert "Moyenne" in report and "IC 95 % bas" in report


def test_each_chart_has_a_caption_and_its_data_table(reports):
    report = (reports["en"] / "report.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure.*?</figure>", report, flags=re.S)
    assert len(figures) >= 5
    for figure in figures:
        assert "<figcaption>" in figure and "<details><summary>Chart data</summary>" in figure
        assert "<td>" in figure


def test_reliability_says_how_missing_answers_were_handled(reports):
    report = (reports["en"] / "report.html").read_text(encoding="utf-8")
    assert "pairwise (every answer) covariances" in report
    assert "McDonald&#x27;s omega [95% CI]" in report


def test_plotlyjs_embedded_or_external(reports):
    embedded = (reports["fr"] / "report.html").read_text(encoding="utf-8")
    external = (reports["en"] / "report.html").read_text(encoding="utf-8")
    assert embedded.count("plotly.js v") == 1 and not re.search(r"<script[^>]+src=", embedded)
    assert '<script src="plotly.min.js"></script>' in external and "plotly.js v" not in external
    assert (reports["en"] / "plotly.min.js").stat().st_size > 1_000_000
    assert len(external) < len(embedded) / 10
    assert not (reports["fr"] / "plotly.min.js").exists()


def _chromium_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not installed at {CHROMIUM}")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_report_is_axe_clean_and_fits_the_screen(reports, width):
    _chromium_or_skip()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((reports["en"] / "report.html").as_uri(), wait_until="load",
                      timeout=180_000)
            page.wait_for_function("document.querySelectorAll('.main-svg').length > 0",
                                   timeout=120_000)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            result = Axe().run(page)
            blocking = [(v["id"], len(v["nodes"])) for v in result.response["violations"]
                        if v["impact"] in ("serious", "critical")]
            assert blocking == []
        finally:
            browser.close()


def test_flags_in_tables_read_yes_or_no_in_the_reports_language() -> None:
    from analysis.report import _cell

    assert _cell(True, False, "fr", 5) == "<td>Oui</td>"
    assert _cell(np.False_, False, "en", 5) == "<td>No</td>"


def test_every_column_of_the_team_network_table_has_a_heading_in_both_languages() -> None:
    from analysis.i18n import COLUMN_LABELS

    columns = ("team", "item", "n_responses", "n_members", "n_respondents", "coverage",
               "low_coverage", "n_ties", "density", "centralization", "gini", "valued_density",
               "valued_density_normalised", "ignored_self", "ignored_non_member", "in_degree")
    for column in columns:
        assert {"fr", "en"} <= set(COLUMN_LABELS[column]), column
