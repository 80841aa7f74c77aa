"""Results of repeated questions: counted and summarised over all their rows (every member of
every household), checked against pandas on the same answers; partners see a summary only when
enough responses answered; free text of a repeated question is listed once."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask

from survey.exports import Selection
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.results.free_text import free_texts
from survey.results.questions import summaries
from survey.secrets import digest, new_secret
from survey.versions import store_definition

HOUSEHOLD = Path(__file__).parent / "data" / "household.yaml"
WORDS = {"yes": "Yes", "no": "No", "dont_know": "I don't know",
         "prefer_not": "I prefer not to answer"}


def households(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    made = []
    for _ in range(n):
        size = rng.randint(0, 4)
        members = []
        for _ in range(size):
            age = rng.randint(0, 90)
            member: dict[str, Any] = {"age": age, "relation": rng.choice(
                ["partner", "child", "other"])}
            if age < 18:
                member["school"] = rng.choice(["yes", "no"])
            members.append(member)
        answers: dict[str, Any] = {"household_size": size}
        if members:
            answers["members"] = members
        answers["visits"] = [{"visit_reason": f"reason {rng.randint(1, 9)}"}
                             for _ in range(rng.randint(1, 3))]
        made.append(answers)
    return made


@pytest.fixture
def stored(app: Flask) -> list[dict[str, Any]]:
    answers = households(12)
    with app.app_context():
        version = store_definition(load_file(HOUSEHOLD), "household.yaml").version
        for one in answers:
            db.session.add(Response(version_id=version.id, status=COMPLETED, language="fr",
                                    answers=one, resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    return answers


def members_frame(answers: list[dict[str, Any]]) -> pd.DataFrame:
    """The independent reference: every member as a row, built straight from the answers."""
    return pd.DataFrame([{**m, "response": n} for n, a in enumerate(answers)
                         for m in a.get("members", [])])


def counted(summary: Any) -> dict[str, int | None]:
    """A summary's counts by label (its percentages apart)."""
    return {label: n for label, n, _percent in summary.counts}


def test_a_repeated_number_is_summarised_over_every_member(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    with app.app_context():
        found = {s.code: s for s in summaries(Selection("household"), "en", 5, True, WORDS)}
    reference = members_frame(stored)
    age = found["age"]
    assert age.rows == len(reference) and age.responses == reference["response"].nunique()
    assert age.numbers["n"] == len(reference)
    assert age.numbers["mean"] == pytest.approx(reference["age"].mean())
    assert age.numbers["median"] == pytest.approx(reference["age"].median())
    assert (age.numbers["min"], age.numbers["max"]) == (reference["age"].min(),
                                                        reference["age"].max())
    assert age.page == "The people in your household"


def test_repeated_choices_are_counted_over_every_member(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    with app.app_context():
        found = {s.code: s for s in summaries(Selection("household"), "en", 5, True, WORDS)}
    reference = members_frame(stored)
    expected = reference["relation"].value_counts()
    labels = {"partner": "Partner", "child": "Child", "other": "Other"}
    assert counted(found["relation"]) == {labels[k]: int(v) for k, v in expected.items()}
    school = reference["school"].dropna().value_counts()
    assert counted(found["school"]) == {WORDS[k]: int(v) for k, v in school.items()}


def test_partners_see_no_small_counts_nor_a_summary_of_few_responses(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    reference = members_frame(stored)
    with app.app_context():
        shown = {s.code: s for s in summaries(Selection("household"), "en", 5, False, WORDS)}
        strict = {s.code: s for s in summaries(Selection("household"), "en", 100, False,
                                               WORDS)}
    for label, count, _percent in shown["relation"].counts:
        expected = int((reference["relation"] == {"Partner": "partner", "Child": "child",
                                                  "Other": "other"}[label]).sum())
        assert count == (expected if expected >= 5 else None)
    assert strict["age"].suppressed and strict["age"].numbers is None
    assert not strict["age"].counts


def test_free_text_of_a_repeated_question_lists_every_visit_once(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    with app.app_context():
        texts = {t.code: t for t in free_texts(Selection("household"), "en")}
    assert set(texts) == {"visit_reason"}  # not visit_reason_1, visit_reason_2 ...
    total = sum(len(a["visits"]) for a in stored)
    assert texts["visit_reason"].total == total
    assert texts["visit_reason"].question == "Why did you come?"


def test_the_results_page_summarises_repeated_questions_and_offers_their_table(
        app: Flask) -> None:
    from survey.design import services as design
    from survey.models import Evaluation, User

    from .workspace import build_world, sign_in

    world = build_world(app, passwords=False)
    with app.app_context():
        version = store_definition(load_file(HOUSEHOLD), "household.yaml").version
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        campaign = design.create_campaign(evaluation, researcher, version=version)
        for one in households(6):
            db.session.add(Response(version_id=version.id, campaign_id=campaign.id,
                                    status=COMPLETED, language="fr", answers=one,
                                    resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(f"/results/e/{world.a.evaluation}?q=household").get_data(as_text=True)
    section = html.split('id="section-repeats"')[1]
    assert "How old is this person?" in section and "(The people in your household)" in section
    assert "Repeated pages, long CSV (one row per occurrence)" in html
    got = client.get(f"/results/e/{world.a.evaluation}/download/repeats?q=household")
    assert got.status_code == 200
    assert got.get_data(as_text=True).startswith("response_id,repeat,occurrence,age")
    other = client.get(f"/results/e/{world.a.evaluation}?q=professionals").get_data(
        as_text=True)
    assert "long CSV (one row per occurrence)" not in other


def test_repeated_results_are_computed_once_per_data_revision(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second view of the results page reads the repeated questions' summaries from the
    cache (no pass over the responses); a new response makes them computed again, with it."""
    from survey.design import services as design
    from survey.models import Evaluation, User
    from survey.results import questions

    from .workspace import build_world, sign_in

    passes: list[Selection] = []
    reading = questions.response_rows

    def counted(selection: Selection, *args: Any, **kwargs: Any) -> Any:
        passes.append(selection)
        return reading(selection, *args, **kwargs)

    monkeypatch.setattr(questions, "response_rows", counted)
    world = build_world(app, passwords=False)

    def add(campaign_id: int, version_id: int, answers: dict[str, Any]) -> None:
        db.session.add(Response(version_id=version_id, campaign_id=campaign_id,
                                status=COMPLETED, language="en", answers=answers,
                                resume_hash=digest(new_secret()),
                                start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()

    with app.app_context():
        version = store_definition(load_file(HOUSEHOLD), "household.yaml").version
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        campaign = design.create_campaign(evaluation, researcher, version=version)
        ids = (campaign.id, version.id)
        for one in households(6):
            add(*ids, one)
        ages = [m["age"] for a in households(6) for m in a.get("members", [])]
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    with client.session_transaction() as session:
        session["lang"] = "en"
    url = f"/results/e/{world.a.evaluation}?q=household"

    def repeated_section() -> str:
        return client.get(url).get_data(as_text=True).split('id="section-repeats"')[1]

    first = repeated_section()
    assert len(passes) == 1 and f">{len(ages)}<" in first  # every member's age counted
    assert repeated_section() == first
    assert len(passes) == 1  # the second view: from the cache
    with app.app_context():
        add(*ids, {"household_size": 1, "members": [{"age": 101}], "visits": [
            {"visit_reason": "new"}]})
    after = repeated_section()
    assert len(passes) == 2 and after != first  # a new response: computed again
    assert f">{len(ages) + 1}<" in after and "101" in after
