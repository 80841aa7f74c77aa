"""Per-question summaries of ordinary pages on the results page (issue 23): each question no
scale summarises, as its item type says (choices counted with percents, numbers summarised,
values counted, free text only counted), checked against numpy and collections on the answers
stored; a partner sees every small count suppressed (primary and complementary) and no rare
value named."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask

from survey.exports import Selection
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.questionnaire.answers import check_page
from survey.results.questions import OTHER, Summary, summaries
from survey.secrets import digest, new_secret
from survey.versions import store_definition

SOURCE = Path(__file__).parent / "data" / "question_summaries.yaml"
WORDS = {"dont_know": "I don't know", "prefer_not": "I prefer not to answer"}
SITES = ["north"] * 9 + ["south"] * 7 + ["east"] * 3 + ["west-<b>rare</b>"]


def responses(n: int = 20, seed: int = 7) -> list[dict[str, Any]]:
    """Answers as the participant's page stores them (check_page computes the calculations
    and takes the hidden value from the campaign link)."""
    definition = load_file(SOURCE)
    [section] = definition.sections
    rng = random.Random(seed)
    made = []
    for k in range(n):
        raw: dict[str, list[str]] = {
            "service": [rng.choice(["clinic", "clinic", "coop", "home", "dont_know"])],
            "barriers": rng.sample(["hours", "distance", "cost"], rng.randint(0, 2)),
            "pain": [str(rng.randint(0, 10))],
            "visits": [rng.choice([str(rng.randint(0, 12)), "dont_know"])],
            "cost": [f"{rng.uniform(0, 50):.2f}"],
            "exp1": ["3"], "exp2": ["4"], "exp3": ["5"]}
        if rng.random() < 0.8:
            raw["seen"] = ["OK"]
        if k % 3 == 0:
            raw["remark"] = [f"remark {k}"]
        result = check_page(definition, section, raw, {"site_code": SITES[k % len(SITES)]},
                            definition.roster)
        assert result.ok, result.issues
        made.append(result.answers)
    return made


@pytest.fixture
def stored(app: Flask) -> list[dict[str, Any]]:
    answers = responses()
    with app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        for one in answers:
            db.session.add(Response(version_id=version.id, status=COMPLETED, language="en",
                                    answers=one, resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    return answers


def found(app: Flask, full: bool, min_group: int = 5) -> dict[str, Summary]:
    with app.app_context():
        return {s.code: s for s in summaries(Selection("question_summaries"), "en", min_group,
                                             full, WORDS)}


def counts(summary: Summary) -> dict[str, int | None]:
    return {label: n for label, n, _percent in summary.counts}


def test_every_question_outside_a_scale_is_summarised_as_its_type_says(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    shown = found(app, full=True)
    assert not {"exp1", "exp2", "exp3"} & set(shown)  # the scale summarises them
    assert all(s.page is None for s in shown.values())
    for code in ("pain", "visits", "cost", "double_pain"):
        numbers = np.array([a[code] for a in stored if isinstance(a.get(code), int | float)],
                           dtype=float)
        assert shown[code].numbers == pytest.approx({
            "n": len(numbers), "mean": numbers.mean(), "sd": numbers.std(ddof=1),
            "median": float(np.median(numbers)), "min": numbers.min(), "max": numbers.max()})
        assert shown[code].responses == sum(1 for a in stored if a.get(code) is not None)
    assert counts(shown["visits"]) == {
        "I don't know": sum(1 for a in stored if a["visits"] == "dont_know")}
    service = Counter(a["service"] for a in stored)
    labels = {"clinic": "Clinic", "coop": "Cooperative", "home": "At home",
              "dont_know": "I don't know"}
    assert counts(shown["service"]) == {labels[k]: n for k, n in service.items()}
    for _label, n, percent in shown["service"].counts:
        assert percent == pytest.approx(100 * n / len(stored))
    chose = [a["barriers"] for a in stored if a.get("barriers")]
    barriers = Counter(code for codes in chose for code in codes)
    assert counts(shown["barriers"]) == {k.capitalize(): n for k, n in barriers.items()}
    assert shown["barriers"].responses == len(chose)
    for _label, n, percent in shown["barriers"].counts:  # percent of those who answered
        assert percent == pytest.approx(100 * n / len(chose))
    assert counts(shown["seen"]) == {"OK": sum(1 for a in stored if a.get("seen") == "OK")}
    for code in ("site_code", "pain_level"):  # values, the most frequent first
        expected = Counter(a[code] for a in stored)
        assert shown[code].counts[0][1] == max(expected.values())
        assert counts(shown[code]) == dict(expected), code
        assert shown[code].numbers is None
    remark = shown["remark"]  # free text: how many answered, never the answers here
    assert remark.counts == [] and remark.numbers is None
    assert remark.responses == sum(1 for a in stored if a.get("remark"))


def test_a_partner_sees_small_counts_suppressed_and_no_rare_value(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    shown = found(app, full=False)
    site_codes = counts(shown["site_code"])
    # east (3) and west (1) unnamed, as other values (4, hidden); south hidden too, or the
    # others would be 20 - 9 - 7
    assert site_codes == {"north": 9, "south": None, OTHER: None}
    for code in shown:
        hidden = [n for _label, n, _percent in shown[code].counts if n is None]
        visible = [n for _label, n, _percent in shown[code].counts if n is not None]
        assert all(n >= 5 for n in visible), code
        assert len(hidden) != 1 or not visible, code  # complementary: never one alone
        assert all(p is None for _l, n, p in shown[code].counts if n is None)
    strict = found(app, full=False, min_group=len(stored) + 1)
    assert all(s.suppressed and not s.counts and s.numbers is None for s in strict.values())


def stored_with_campaign(app: Flask, world: Any) -> list[dict[str, Any]]:
    """:func:`responses`, stored through a campaign of the world's evaluation A."""
    from survey.design import services as design
    from survey.models import Evaluation, User

    answers = responses()
    with app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        campaign = design.create_campaign(evaluation, researcher, version=version)
        for one in answers:
            db.session.add(Response(version_id=version.id, campaign_id=campaign.id,
                                    status=COMPLETED, language="en", answers=one,
                                    resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    return answers


def test_the_results_page_shows_the_questions_to_each_reader(app: Flask) -> None:
    from .workspace import build_world, sign_in

    world = build_world(app, passwords=False)
    answers = stored_with_campaign(app, world)
    url = f"/results/e/{world.a.evaluation}?q=question_summaries"
    pain = np.array([a["pain"] for a in answers], dtype=float)

    def questions_of(role: str, lang: str) -> str:
        client = app.test_client()
        sign_in(client, app, world.users[role])
        with client.session_transaction() as session:
            session["lang"] = lang
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        return html.split('id="section-questions"')[1].split("</section>")[0]

    evaluator = questions_of("evaluator", "en")
    assert "Pain (0 to 10)" in evaluator and "Standard deviation" in evaluator
    assert f"<td>{pain.mean():.2f}</td>" in evaluator
    assert f"<td>{pain.std(ddof=1):.2f}</td>" in evaluator
    assert "west-&lt;b&gt;rare&lt;/b&gt;" in evaluator  # every value, escaped
    assert "I was listened to" not in evaluator  # a scale's item: in the scale's tables
    partner = questions_of("partner", "en")
    assert "west-" not in partner and "Other values" in partner and "&lt; 5" in partner
    french = questions_of("partner", "fr")
    assert "Douleur (0 à 10)" in french and "Écart type" in french
    assert f"<td>{pain.mean():.2f}</td>".replace(".", ",") in french


def test_an_answer_filter_keeps_the_responses_that_gave_it(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    """The equity filter (question, answer) applies to the summaries too."""
    with app.app_context():
        shown = {s.code: s for s in summaries(Selection("question_summaries"), "en", 5, True,
                                              WORDS, only=("service", "clinic"))}
    kept = [a for a in stored if a["service"] == "clinic"]
    assert counts(shown["service"]) == {"Clinic": len(kept)}
    assert shown["pain"].numbers["mean"] == pytest.approx(np.mean([a["pain"] for a in kept]))
