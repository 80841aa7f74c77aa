"""The item bank: items listed from drafts, versions and bundled questionnaires, and copied into
a draft with their codes, choices, lists, scales and the rules that still hold."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from survey.design import services
from survey.designer.bank import (
    CopyRefused,
    bank_items,
    copy_items,
    published_definitions,
    source_data,
    sources,
)
from survey.questionnaire import load_data, load_file, load_text
from survey.versions import store_definition
from survey.versions.drafts import save_draft

ROOT = Path(__file__).parent.parent
BUNDLED = sorted(ROOT.glob("questionnaires/*.yaml"))
PATIENTS = ROOT / "questionnaires" / "patients.yaml"

TARGET = yaml.safe_load("""
format: 1
code: my_draft
audience: patient
languages: [fr, en]
minutes: 5
title: {fr: Brouillon, en: Draft}
introduction: {fr: Intro, en: Intro}
consent: {fr: Accord, en: Consent}
sections:
  - code: start
    title: {fr: Début, en: Start}
    items:
      - {code: welcome, type: note, text: {fr: Bienvenue, en: Welcome}}
      - {code: mood, type: yesno, text: {fr: "Ça va ?", en: "Fine?"}}
  - code: end
    title: {fr: Fin, en: End}
    items:
      - {code: bye, type: note, text: {fr: Merci, en: Thanks}}
""")

MIXED = yaml.safe_load("""
format: 1
code: mixed
audience: patient
languages: [fr, en, es]
minutes: 5
title: {fr: Mixte, en: Mixed, es: Mixto}
introduction: {fr: Intro, en: Intro, es: Intro}
consent: {fr: Accord, en: Consent, es: Acuerdo}
choice_lists:
  agree5:
    - {code: 1, fr: Non, en: "No", es: "No"}
    - {code: 2, fr: Plutôt non, en: Rather no, es: Más bien no}
    - {code: 3, fr: Neutre, en: Neutral, es: Neutral}
    - {code: 4, fr: Plutôt oui, en: Rather yes, es: Más bien sí}
    - {code: 5, fr: Oui, en: "Yes", es: Sí}
sections:
  - code: one
    title: {fr: Un, en: One, es: Uno}
    items:
      - {code: l1, type: likert, choices: agree5, text: {fr: L1, en: L1, es: L1}}
      - {code: l2, type: likert, choices: agree5, text: {fr: L2, en: L2, es: L2}}
      - {code: l3_r, type: likert, choices: agree5, relevant: "${l1} >= 3",
         text: {fr: L3, en: L3, es: L3}}
      - {code: total, type: calculate, result: number, calculation: "${l1} + ${l2}"}
scales:
  - code: mixed_scale
    items: [l1, l2, l3_r]
    reverse: [l3_r]
    points: 5
    construct: {fr: Mixte, en: Mixed, es: Mixto}
""")


def patients() -> dict[str, Any]:
    return copy.deepcopy(dict(load_file(PATIENTS).raw))


def item_of(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for s in data["sections"] for i in s["items"] if i["code"] == code)


def source_item_codes(data: dict[str, Any], page: int) -> list[str]:
    return [i["code"] for i in data["sections"][page]["items"]]


# -- listing ------------------------------------------------------------------------------

def test_a_source_lists_its_items_with_page_type_texts_and_scales():
    found = {item.code: item for item in bank_items(patients())}
    service = found["service_type"]
    assert (service.page, service.page_code, service.itemtype) == (0, "your_visit", "single")
    assert service.text["fr"] == "Quel service vous a invité·e à répondre ?"
    assert service.page_title["en"] == "The service you use"
    assert found["service_other"].relevant == "${service_type} = 'other'"
    matrices = [item for item in found.values() if "acc_hours" in item.rows]
    assert len(matrices) == 1 and matrices[0].scales == ("access",)
    assert found["service_type"].scales == ()


# -- copying ------------------------------------------------------------------------------

def test_copied_items_keep_their_codes_choices_and_rules_that_hold():
    source = patients()
    copied = copy_items(TARGET, source, ["service_other", "service_type"], page=0, position=1)
    assert copied.codes == ("service_type", "service_other")  # the source's order
    assert source_item_codes(copied.data, 0) == ["welcome", "service_type", "service_other",
                                                 "mood"]
    assert item_of(copied.data, "service_type") == item_of(source, "service_type")
    assert item_of(copied.data, "service_other")["relevant"] == "${service_type} = 'other'"
    definition = load_data(copied.data)
    assert [c.code for c in definition.item("service_type").choices] == [
        "clinic", "coop", "community_prog", "other"]
    assert TARGET["sections"][0]["items"][1]["code"] == "mood"  # the target is untouched
    assert len(TARGET["sections"][0]["items"]) == 2


def test_a_rule_reading_a_question_not_copied_is_dropped_with_a_note():
    copied = copy_items(TARGET, patients(), ["service_other"], page=1)
    assert "relevant" not in item_of(copied.data, "service_other")
    [note] = copied.notes
    assert str(note) == ("'relevant' of 'service_other' (${service_type} = 'other') was left "
                         "out: it reads service_type, not asked before it in this "
                         "questionnaire")


def test_a_rule_is_kept_when_the_draft_asks_its_question_before():
    first = copy_items(TARGET, patients(), ["service_type"], page=0).data
    later = copy_items(first, patients(), ["service_other"], page=1)
    assert item_of(later.data, "service_other")["relevant"] == "${service_type} = 'other'"
    assert later.notes == ()
    before = copy_items(first, patients(), ["service_other"], page=0, position=0)
    assert "relevant" not in item_of(before.data, "service_other")  # placed before it


def test_a_matrix_comes_with_its_list_and_its_scale():
    source = patients()
    matrix = next(i for i in bank_items(source) if "acc_hours" in i.rows)
    copied = copy_items(TARGET, source, [matrix.code], page=1, position=0)
    assert copied.data["choice_lists"][item_of(source, matrix.code)["choices"]] == \
        source["choice_lists"][item_of(source, matrix.code)["choices"]]
    [scale] = copied.data["scales"]
    assert scale == next(s for s in source["scales"] if s["code"] == "access")
    assert {str(n) for n in copied.notes} >= {"the scale 'access' was copied too"}
    definition = load_data(copied.data)
    assert definition.scales[0].reverse == ("acc_appt_r",)


def test_a_draft_list_of_the_same_name_is_shared_when_equal_and_kept_apart_when_not():
    source = patients()
    matrix = next(i for i in bank_items(source) if "acc_hours" in i.rows).code
    list_name = item_of(source, matrix)["choices"]
    same = copy.deepcopy(TARGET)
    same["choice_lists"] = {list_name: copy.deepcopy(source["choice_lists"][list_name])}
    copied = copy_items(same, source, [matrix], page=1)
    assert item_of(copied.data, matrix)["choices"] == list_name
    assert list(copied.data["choice_lists"]) == [list_name]
    different = copy.deepcopy(same)
    different["choice_lists"][list_name][0]["en"] = "Not at all"
    copied = copy_items(different, source, [matrix], page=1)
    assert item_of(copied.data, matrix)["choices"] == f"{list_name}_2"
    assert copied.data["choice_lists"][list_name][0]["en"] == "Not at all"  # theirs kept
    assert f"the list '{list_name}' was copied as '{list_name}_2'" in " ".join(
        map(str, copied.notes))


def test_a_scale_waits_for_its_last_items_then_comes():
    first = copy_items(TARGET, MIXED, ["l1"], page=0)
    assert "scales" not in first.data
    assert "the scale 'mixed_scale' will be copied with its last items: it also needs l2, " \
        "l3_r" in [str(n) for n in first.notes]
    second = copy_items(first.data, MIXED, ["l2", "l3_r"], page=0)
    [scale] = second.data["scales"]
    assert scale["items"] == ["l1", "l2", "l3_r"] and scale["reverse"] == ["l3_r"]
    assert item_of(second.data, "l3_r")["relevant"] == "${l1} >= 3"  # l1 is before it now
    assert load_data(second.data).scales[0].code == "mixed_scale"


def test_texts_in_languages_the_draft_lacks_are_left_out():
    copied = copy_items(TARGET, MIXED, ["l1", "l2", "l3_r"], page=0)
    assert item_of(copied.data, "l1")["text"] == {"fr": "L1", "en": "L1"}
    assert all(set(c) == {"code", "fr", "en"} for c in copied.data["choice_lists"]["agree5"])
    assert set(copied.data["scales"][0]["construct"]) == {"fr", "en"}
    assert "their texts in es were left out: this questionnaire does not use that " \
        "language" in [str(n) for n in copied.notes]


@pytest.mark.parametrize(("change", "codes", "reason"), [
    (lambda t: t["sections"][0]["items"].append(
        {"code": "service_type", "type": "text", "text": {"fr": "x", "en": "x"}}),
     ["service_type"], "already has a question coded 'service_type'"),
    (lambda t: t.update(languages=["fr", "en", "de"]), ["service_type"],
     "the items have no text in de"),
    (lambda t: None, ["nothing_like_it"], "there is no item 'nothing_like_it'"),
    (lambda t: None, [], "choose at least one item"),
])
def test_copies_that_cannot_hold_are_refused_with_their_reason(change, codes, reason):
    target = copy.deepcopy(TARGET)
    change(target)
    with pytest.raises(CopyRefused) as refused:
        copy_items(target, patients(), codes, page=0)
    assert reason in str(refused.value)


def test_a_row_code_the_draft_uses_refuses_the_matrix():
    source = patients()
    matrix = next(i for i in bank_items(source) if "acc_hours" in i.rows).code
    target = copy.deepcopy(TARGET)
    target["sections"][1]["items"].append(
        {"code": "acc_hours", "type": "text", "text": {"fr": "x", "en": "x"}})
    with pytest.raises(CopyRefused, match="already has a question coded 'acc_hours'"):
        copy_items(target, source, [matrix], page=0)


def test_a_different_scale_of_the_same_code_refuses_the_copy():
    target = copy_items(TARGET, MIXED, ["l1", "l2", "l3_r"], page=0).data
    target["scales"][0]["min_answered"] = 2
    source = copy.deepcopy(MIXED)
    source["sections"][0]["items"].append(
        {"code": "l4", "type": "likert", "choices": "agree5",
         "text": {"fr": "L4", "en": "L4", "es": "L4"}})
    source["scales"][0]["items"].append("l4")
    with pytest.raises(CopyRefused, match="a different scale coded 'mixed_scale'"):
        copy_items(target, source, ["l4"], page=1)


def test_a_calculation_cannot_lose_what_it_is_computed_from():
    with pytest.raises(CopyRefused, match="'total' is computed from l1, l2"):
        copy_items(TARGET, MIXED, ["total"], page=0)
    copied = copy_items(TARGET, MIXED, ["l1", "l2", "total"], page=0)
    assert item_of(copied.data, "total")["calculation"] == "${l1} + ${l2}"


def test_a_place_outside_the_draft_is_refused():
    with pytest.raises(CopyRefused, match="no page 3"):
        copy_items(TARGET, patients(), ["service_type"], page=2)
    with pytest.raises(CopyRefused, match="no place 5"):
        copy_items(TARGET, patients(), ["service_type"], page=0, position=4)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_item_of_a_bundled_questionnaire_copies_back_into_the_same_questionnaire(path):
    """Page by page into a skeleton of the same pages: the same items, lists and scales, so
    the content hash of the copy is the original's."""
    source = dict(load_file(path).raw)
    target = copy.deepcopy(source)
    for key in ("choice_lists", "rosters", "scales"):
        target.pop(key, None)
    for number, section in enumerate(target["sections"]):
        section["items"] = [{"code": f"placeholder_{number}", "type": "note",
                             "text": {lang: "." for lang in source["languages"]}}]
    data = target
    for number in range(len(source["sections"])):
        data = copy_items(data, source, source_item_codes(source, number), page=number,
                          position=0).data
    for section in data["sections"]:
        section["items"] = [i for i in section["items"]
                            if not i["code"].startswith("placeholder_")]
    order = [s["code"] for s in source.get("scales", [])]
    data["scales"] = sorted(data.get("scales", []), key=lambda s: order.index(s["code"]))
    data = {key: data[key] for key in source}  # the source's key order, for the YAML
    assert load_data(data).content_hash == load_file(path).content_hash


# -- sources in the database --------------------------------------------------------------

def test_sources_are_the_evaluations_drafts_the_versions_and_the_bundled_files(app: Flask):
    with app.app_context():
        pilot = services.create_evaluation(None, name="Pilot").id
        other = services.create_evaluation(None, name="Other").id
        mine = save_draft(pilot, load_data(TARGET), "mine.yaml").content_hash
        theirs_def = load_text(yaml.safe_dump({**TARGET, "code": "theirs"}))
        theirs = save_draft(other, theirs_def, "theirs.yaml").content_hash
        found = sources(pilot)
        kinds = [(s.source, s.code) for s in found]
        assert ("draft", "my_draft") in kinds and ("draft", "theirs") not in kinds
        assert {("version", code) for code in ("citizens", "patients", "professionals")} <= \
            set(kinds)
        assert {("bundled", code) for code in ("citizens", "patients", "professionals")} <= \
            set(kinds)
        assert "my_draft" not in {s.code for s in sources(pilot, exclude=mine)}
        version = next(s for s in found if s.source == "version" and s.code == "patients")
        assert version.title["fr"] == "Votre expérience des soins de proximité"
        assert version.label == "2026.1"

        assert source_data(pilot, "draft", mine)["code"] == "my_draft"
        assert source_data(pilot, "draft", theirs) is None  # another evaluation's draft
        assert source_data(pilot, "version", version.ref)["code"] == "patients"
        assert source_data(pilot, "version", "0" * 64) is None
        assert source_data(pilot, "bundled", "patients")["code"] == "patients"
        for hostile in ("../patients", "patients.yaml", "", "x" * 100, "/etc/passwd"):
            assert source_data(pilot, "bundled", hostile) is None
        assert source_data(pilot, "nothing", "patients") is None
        assert source_data(pilot, "version", ["list"]) is None

        copied = copy_items(source_data(pilot, "draft", mine),
                            source_data(pilot, "version", version.ref),
                            ["service_type"], page=0)
        assert load_data(copied.data).item("service_type") is not None


def test_the_lineage_of_a_draft_is_every_published_version_of_its_code(app: Flask):
    with app.app_context():
        first = patients()
        second = patients()
        second["sections"][0]["items"][0]["choices"].append(
            {"code": "pharmacy", "fr": "Pharmacie", "en": "Pharmacy"})
        store_definition(load_data(second))
        lineage = published_definitions("patients")
        assert [d["sections"][0]["items"][0]["choices"][-1]["code"] for d in lineage] == [
            "other", "pharmacy"]
        assert lineage[0] == first
        assert published_definitions("nothing") == []


def test_every_reason_and_note_of_the_bank_is_in_the_french_catalogue():
    from babel.messages.pofile import read_po

    from .test_french_interface import FRENCH, PLACEHOLDER, marked_templates

    catalogue = {m.id: m.string for m in read_po(FRENCH.open("rb")) if m.id}
    templates = {template for template, where in
                 marked_templates(ROOT / "survey" / "designer").items()
                 if where.startswith("survey/designer/bank.py")}
    assert len(templates) >= 12
    for template in templates:
        translation = catalogue.get(template)
        assert translation and translation != template, template
        assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(template))
