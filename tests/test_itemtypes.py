"""The item-type registry, and the ranking type added through it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.caching import Cache
from survey.models import questionnaire as stored_versions
from survey.questionnaire import DefinitionError, load_text
from survey.questionnaire.answers import check_page
from survey.questionnaire.codebook import codebook
from survey.questionnaire.expressions import evaluate, parse
from survey.questionnaire.itemtypes import TYPES
from survey.questionnaire.loading import reader as loader_reader
from survey.questionnaire.model import Definition

from .participant import Participant, responses, typical_answer

ITEMS_TEMPLATE = (Path(__file__).parent.parent / "survey" / "participate" / "templates"
                  / "participate" / "_items.html")

RANKING = """\
format: 1
code: rank_test
audience: citizen
languages: [fr, en]
minutes: 2
title: {fr: "Classement", en: "Ranking"}
introduction: {fr: "Essai.", en: "Test."}
consent: {fr: "D'accord.", en: "Agreed."}
sections:
  - code: only
    title: {fr: "Priorités", en: "Priorities"}
    items:
      - code: prio
        type: ranking
        max: 3
        special: [dont_know]
        text: {fr: "Classez", en: "Rank"}
        choices:
          - {code: a, fr: "Alpha", en: "Alpha"}
          - {code: b, fr: "Bêta", en: "Beta"}
          - {code: c, fr: "Gamma", en: "Gamma"}
          - {code: d, fr: "Delta", en: "Delta"}
      - code: why_a
        type: text
        relevant: "selected(${prio}, 'a') and count-selected(${prio}) >= 2"
        text: {fr: "Pourquoi ?", en: "Why?"}
"""


@pytest.fixture
def participant(client: FlaskClient) -> Participant:
    return Participant(client)


@pytest.fixture(scope="module")
def ranked() -> Definition:
    return load_text(RANKING, "rank.yaml")


def check(definition: Definition, pairs: list[tuple[str, str]], required: bool = False):
    section = definition.sections[0]
    if required:
        section = type(section)(code=section.code, title=section.title, items=tuple(
            type(i)(**{**i.__dict__, "required": True}) if i.code == "prio" else i
            for i in section.items))
    raw: dict[str, list[str]] = {}
    for name, value in pairs:
        raw.setdefault(name, []).append(value)
    return check_page(definition, section, raw, {}, lambda item: ())


# -- the registry -------------------------------------------------------------------------------

def test_every_type_has_its_partial_and_the_page_never_names_a_type() -> None:
    templates = ITEMS_TEMPLATE.parent
    for itemtype in TYPES.values():
        assert (templates.parent / itemtype.partial_template).is_file(), itemtype.name
    shared = ITEMS_TEMPLATE.read_text(encoding="utf-8") + (
        templates / "_section_items.html").read_text(encoding="utf-8")
    for name in TYPES:
        assert f'"{name}"' not in shared and f"'{name}'" not in shared, name


def test_each_types_refusals_have_words() -> None:
    """Every refusal a type gives is worded by the type (the page only translates it)."""
    from survey.questionnaire.itemtypes.base import COMMON_REFUSALS

    for itemtype in TYPES.values():
        for reason, refusal in {**COMMON_REFUSALS, **itemtype.refusals}.items():
            assert itemtype.refusal(reason) is refusal and refusal.template, reason
        assert itemtype.refusal("constraint") is None


@pytest.mark.parametrize("code", ["patients", "professionals", "citizens"])
def test_each_types_example_is_accepted_and_fills_its_data_columns(
        bundled: dict[str, Definition], code: str) -> None:
    definition = bundled[code]
    for section in definition.sections:
        raw: dict[str, list[str]] = {}
        for item in section.items:
            for name, value in typical_answer(definition, item):
                raw.setdefault(name, []).append(value)
        result = check_page(definition, section, raw, {}, definition.roster, strict=True)
        assert result.ok, (section.code, result.issues)
        for item in section.items:
            cells = item.itemtype.data_values(item, result.answers)
            assert list(cells) == list(item.data_columns)


def test_the_codebook_lists_every_data_column_in_order(bundled: dict[str, Definition]) -> None:
    for definition in bundled.values():
        assert [e["code"] for e in codebook(definition)["items"]] == definition.columns()


# -- ranking ------------------------------------------------------------------------------------

def test_ranks_are_stored_as_the_ordered_codes(ranked: Definition) -> None:
    result = check(ranked, [("prio__c", "1"), ("prio__a", "2"), ("prio__d", "3")])
    assert result.ok and result.answers["prio"] == ["c", "a", "d"]


def test_gaps_close_up_and_empty_ranks_are_not_ranked(ranked: Definition) -> None:
    result = check(ranked, [("prio__b", "3"), ("prio__a", "1"), ("prio__c", "")])
    assert result.answers["prio"] == ["a", "b"]


def test_a_shared_rank_is_refused_naming_both_choices(ranked: Definition) -> None:
    result = check(ranked, [("prio__a", "1"), ("prio__b", "2"), ("prio__c", "2")])
    issue = result.issues["prio"]
    assert issue.reason == "rank_shared" and issue.params["rank"] == 2
    assert [label["en"] for label in issue.params["choices"]] == ["Beta", "Gamma"]


@pytest.mark.parametrize("pairs", [
    [("prio__a", "4")],  # beyond max: 3
    [("prio__a", "0")],
    [("prio__a", "un")],
    [("prio__zz", "1"), ("prio", "zz")],
    [("prio__a", "1"), ("prio__a", "2")],
])
def test_impossible_ranks_are_refused(ranked: Definition, pairs: list[tuple[str, str]]) -> None:
    result = check(ranked, pairs)
    assert result.issues["prio"].reason == "invalid" and "prio" not in result.answers


def test_a_special_answer_or_ranks_not_both(ranked: Definition) -> None:
    assert check(ranked, [("prio", "dont_know")]).answers["prio"] == "dont_know"
    assert check(ranked, [("prio", "dont_know"), ("prio__a", "1")]).issues["prio"].reason == "both"


def test_a_required_ranking_needs_every_rank(ranked: Definition) -> None:
    result = check(ranked, [("prio__a", "1"), ("prio__b", "2")], required=True)
    assert result.issues["prio"].reason == "rank_incomplete"
    assert result.issues["prio"].params["count"] == 3
    assert check(ranked, [("prio__a", "1"), ("prio__b", "2"), ("prio__c", "3")],
                 required=True).ok


def test_expressions_see_the_ranked_list(ranked: Definition) -> None:
    answers = {"prio": ["c", "a"]}
    assert evaluate(parse("selected(${prio}, 'a')", allow_dot=False), answers) is True
    assert evaluate(parse("selected(${prio}, 'b')", allow_dot=False), answers) is False
    assert evaluate(parse("count-selected(${prio})", allow_dot=False), answers) == 2
    result = check(ranked, [("prio__a", "1"), ("prio__b", "2"), ("why_a", "parce que")])
    assert result.answers["why_a"] == "parce que"
    result = check(ranked, [("prio__a", "1"), ("why_a", "parce que")])
    assert result.answers["why_a"] is None  # hidden: only one choice ranked


def test_one_data_column_per_rank_in_data_and_codebook(ranked: Definition) -> None:
    item = ranked.item("prio")
    assert ranked.columns() == ["prio_1", "prio_2", "prio_3", "why_a"]
    assert item.itemtype.data_values(item, {"prio": ["c", "a"]}) == {
        "prio_1": "c", "prio_2": "a", "prio_3": None}
    assert item.itemtype.data_values(item, {"prio": "dont_know"}) == dict.fromkeys(
        ("prio_1", "prio_2", "prio_3"), "dont_know")
    entries = codebook(ranked)["items"][:3]
    assert [(e["code"], e["type"], e["rank"]) for e in entries] == [
        ("prio_1", "single", 1), ("prio_2", "single", 2), ("prio_3", "single", 3)]
    assert [c["code"] for c in entries[0]["choices"]] == ["a", "b", "c", "d"]


def test_the_form_shows_stored_ranks_again(ranked: Definition) -> None:
    item = ranked.item("prio")
    assert item.itemtype.form_values(item, {"prio": ["c", "a"]}) == {
        "prio__c": ["1"], "prio__a": ["2"]}


@pytest.mark.parametrize(("change", "fragment"), [
    ("max: 3", "max: 5"),
    ("code: why_a", "code: prio_2"),
])
def test_bad_rankings_are_refused_with_their_line(change: str, fragment: str) -> None:
    with pytest.raises(DefinitionError) as error:
        load_text(RANKING.replace(change, fragment), "rank.yaml")
    found = [str(p) for p in error.value.problems]
    expected = ("'max' of 'prio' is more than its 4 choices" if "max" in fragment
                else "'prio_2' is used twice")
    assert any(p.startswith("rank.yaml:") and expected in p for p in found), found


def test_a_participant_ranks_on_the_citizens_questionnaire(
        app: Flask, participant: Participant, bundled: dict[str, Definition]) -> None:
    definition = bundled["citizens"]
    participant.start("citizens")
    participant.answer_page(definition)  # your role
    assert participant.section == "awareness"
    assert 'name="priorities__nearby"' in participant.html
    assert "Rang 3" in participant.html and "Rang 4" not in participant.html
    participant.answer_page(definition, {"priorities": [
        ("priorities__nearby", "1"), ("priorities__hours", "1")]})
    assert participant.status == 422
    assert "Veuillez donner chaque rang à un seul choix" in participant.html
    assert "Des heures d'ouverture plus longues; Des services plus près de chez moi" \
        in participant.html.replace("&#39;", "'")
    participant.answer_page(definition, {"priorities": [
        ("priorities__welcome", "2"), ("priorities__nearby", "1")]})
    assert participant.section == "participation"
    assert responses(app)[0].answers["priorities"] == ["nearby", "welcome"]
    participant.post([], nav="back")
    assert participant.section == "awareness"
    html = participant.html
    nearby = html.split('name="priorities__nearby"')[1].split("</select>")[0]
    assert '<option value="1" selected>' in nearby


# -- stored versions are trusted ----------------------------------------------------------------

def test_a_version_stored_before_a_rule_was_tightened_still_serves_its_pages(
        app: Flask, participant: Participant, bundled: dict[str, Definition],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    # a new rule: codes may no longer contain "_" (every bundled questionnaire breaks it)
    monkeypatch.setattr(loader_reader, "CODE_RE", re.compile(r"^[a-z][a-z0-9]{0,63}$"))
    monkeypatch.setattr(stored_versions, "DEFINITIONS", Cache(256))
    with pytest.raises(DefinitionError):
        load_text(Path("questionnaires/patients.yaml").read_text(encoding="utf-8"))
    participant.start("patients")
    assert participant.status == 200
    assert participant.section == bundled["patients"].sections[0].code
    participant.answer_page(bundled["patients"])
    assert participant.status == 200
    assert len(responses(app)) == 1
