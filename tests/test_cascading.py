"""Cascading choices (XLSForm choice_filter): read from the choices sheet's columns, offered
on the next page from earlier answers without JavaScript, filtered on the same page by the
page's script (tests/js, tests/browser), and a choice that does not fit refused on submit."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from survey.participate.messages import issue_message
from survey.participate.rendering import section_items
from survey.questionnaire import DefinitionError, cascading
from survey.questionnaire.answers import check_page
from survey.questionnaire.xlsform import read_xlsform
from survey.templating import text

from .test_xlsform import workbook

FR, EN = "label::Français (fr)", "label::English (en)"
CHOICES = [["list_name", "name", FR, EN, "region", "$kuid"],
           ["region", "north", "Nord", "North", None, "k1"],
           ["region", "south", "Sud", "South", None, "k2"],
           ["district", "n1", "Rive", "Riverside", "north", "k3"],
           ["district", "n2", "Colline", "Hilltop", "north", "k4"],
           ["district", "s1", "Port", "Harbour", "south", "k5"]]
SETTINGS = [["form_id", "default_language"], ["places", "Français (fr)"]]


def form(same_page: bool, choice_filter: str = "region=${region}") -> bytes:
    region = [["select_one region", "region", "Région", "Region", None]]
    district = [["select_multiple district", "district", "Quartiers", "Districts",
                 choice_filter]]
    header = [["type", "name", FR, EN, "choice_filter"]]
    if same_page:
        rows = [["begin group", "p1", "Lieu", "Place"], *region, *district, ["end group"]]
    else:
        rows = [["begin group", "p1", "Région", "Region"], *region, ["end group"],
                ["begin group", "p2", "Quartier", "District"], *district, ["end group"]]
    return workbook({"survey": header + rows, "choices": CHOICES, "settings": SETTINGS})


def test_choice_columns_read_by_a_filter_are_kept_others_are_not():
    d = read_xlsform(form(same_page=False), "f.xlsx").definition
    district = d.item("district")
    assert district.choice_filter.source == "region=${region}"
    assert [(c.code, c.attributes) for c in district.choices] == [
        ("n1", (("region", "north"),)), ("n2", (("region", "north"),)),
        ("s1", (("region", "south"),))]
    assert [c.attributes for c in d.item("region").choices] == [(), ()]  # no $kuid kept
    assert [c.code for c in cascading.offered(district, {"region": "south"})] == ["s1"]


@pytest.mark.parametrize(("choice_filter", "reason"), [
    ("county=${region}", "names 'county', which is not a column of the choices of "
                         "'district' (they have: name)"),
    ("region=${nowhere}", "names ${nowhere}, an unknown item"),
    ("region=", "expected a value"),
])
def test_a_filter_that_cannot_work_is_refused_at_its_cell(choice_filter, reason):
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(form(same_page=False, choice_filter=choice_filter), "f.xlsx")
    places = {p.place: p.message for p in caught.value.problems}
    assert reason in places["survey!E6"], places


def test_a_filter_on_a_question_without_choices_is_refused():
    rows = [["type", "name", "label", "choice_filter"], ["text", "t", "T", "name = 'x'"]]
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(workbook({"survey": rows}), "f.xlsx")
    assert "choice_filter filters the choices of a single or multiple choice item, not of a " \
           "text item" in str(caught.value)


@pytest.mark.parametrize("same_page", [False, True])
def test_a_choice_that_does_not_fit_the_earlier_answer_is_refused(app, same_page):
    d = read_xlsform(form(same_page), "f.xlsx").definition
    page = d.sections[-1]
    saved = {} if same_page else {"region": "north"}
    raw = {"district": ["n1", "s1"]} | ({"region": ["north"]} if same_page else {})
    result = check_page(d, page, raw, saved, lambda item: ())
    issue = result.issues["district"]
    assert issue.reason == "filtered"
    fine = check_page(d, page, {**raw, "district": ["n1", "n2"]}, saved, lambda item: ())
    assert fine.ok and fine.answers["district"] == ["n1", "n2"]
    with app.test_request_context(), force_locale("fr"):
        assert issue_message(d.item("district"), issue, text) == (
            "Ce choix ne correspond pas à vos réponses précédentes\u00a0: choisissez de "
            "nouveau.")
    with app.test_request_context(), force_locale("en"):
        assert issue_message(d.item("district"), issue, text) == (
            "This choice does not fit your earlier answers: please choose again.")


def test_the_next_page_offers_the_fitting_choices_without_javascript(app):
    d = read_xlsform(form(same_page=False), "f.xlsx").definition
    page = d.sections[1]
    with app.test_request_context("/?lang=en"):
        north = str(section_items(d, page, {}, {}, lambda item: (), {"region": "north"}))
        south = str(section_items(d, page, {}, {}, lambda item: (), {"region": "south"}))
    assert 'value="n1"' in north and 'value="n2"' in north and 'value="s1"' not in north
    assert 'value="s1"' in south and 'value="n1"' not in south  # not the cached north page
    assert "data-choice-filter" not in north  # decided by the server


def test_the_same_page_carries_each_choice_columns_for_the_script(app):
    d = read_xlsform(form(same_page=True), "f.xlsx").definition
    with app.test_request_context("/?lang=en"):
        html = str(section_items(d, d.sections[0], {}, {}, lambda item: (), {}))
    assert "data-choice-filter='[&#34;=&#34;, [&#34;ref&#34;, &#34;@region&#34;]" in html or \
        'data-choice-filter=\'["=", ["ref", "@region"]' in html
    for code in ("n1", "n2", "s1"):  # all offered without the script, checked on submit
        assert f'value="{code}"' in html
    assert '&#34;@region&#34;: &#34;south&#34;' in html or '"@region": "south"' in html


@pytest.mark.parametrize("same_page", [False, True])
def test_a_cascading_form_downloads_as_xlsform_and_back_with_the_same_content(same_page):
    from survey.questionnaire import load_text
    from survey.questionnaire.download import as_xlsform, as_yaml

    first = read_xlsform(form(same_page), "f.xlsx").definition
    back = read_xlsform(as_xlsform(first), "back.xlsx").definition
    assert back.content_hash == first.content_hash
    assert load_text(as_yaml(first)).content_hash == first.content_hash


def test_the_diff_shows_a_changed_filter_changed_columns_and_changed_pictures():
    from dataclasses import replace

    from survey.versions.diff import diff

    old = read_xlsform(form(same_page=False), "f.xlsx").definition
    new = read_xlsform(form(same_page=False, choice_filter="region=${region} or name='s1'"),
                       "g.xlsx").definition
    messages = [c.message for c in diff(old, new)]
    assert ("Which choices of item 'district' are offered changed: 'region=${region}' -> "
            "'region=${region} or name='s1''.") in messages
    district = new.item("district")
    moved = replace(district.choices[2], attributes=(("region", "north"),))
    changed = replace(district, settings=replace(district.settings, choices=(
        *district.choices[:2], moved)), image={"fr": "0" * 64 + "-1x1.webp"})
    pages = [replace(new.sections[0]), replace(new.sections[1], items=(changed,))]
    messages = [c.message for c in diff(new, replace(new, sections=tuple(pages)))]
    assert "The columns of choice 's1' of item 'district' changed: region=south -> " \
           "region=north." in messages
    assert "The picture of item 'district' changed (fr)." in messages


# -- inside a repeated page: each block filters by its own answers ----------------------------

PLACES = __import__("pathlib").Path(__file__).parent / "data" / "household_places.yaml"


def places_page(app, answers, values=None):  # noqa: ANN001, ANN201
    """The members' page as HTML (English) for these stored answers."""
    from survey.participate.repeats import page_items
    from survey.questionnaire import load_file

    definition = load_file(PLACES)
    section = definition.section("members")
    with app.test_request_context(), force_locale("en"):
        html, _ = page_items(definition, section, answers, values or {}, {},
                             definition.roster)
    return definition, section, str(html)


def offered_names(html: str, name: str) -> list[str]:
    import re
    return re.findall(rf'name="{name}" value="([^"]+)"', html)


def test_a_filter_on_an_earlier_page_is_applied_in_every_block_by_the_server(app):  # noqa: ANN001
    _, _, html = places_page(app, {"area": "rural", "members": [{}, {}]})
    assert offered_names(html, "district-1") == ["farms", "village"]
    assert offered_names(html, "district-2") == ["farms", "village"]
    _, _, html = places_page(app, {"area": "urban", "members": [{}]})
    assert offered_names(html, "district-1") == ["centre"]
    assert "data-choice-filter" not in html.split('id="q-district-1"')[1].split(">")[0]


def test_a_filter_on_the_same_block_reads_that_blocks_answer_in_the_page(app):  # noqa: ANN001
    import json
    import re

    _, _, html = places_page(app, {"area": "urban", "members": [{}, {}]})
    # every city is in the page (no script: all shown), each block's filter reads its own region
    assert offered_names(html, "city-2") == ["lille", "arras", "nice"]
    trees = [json.loads(t.replace("&#34;", '"')) for t in re.findall(
        r"id=\"q-city-\d\"[^>]*data-choice-filter='([^']+)'", html)]
    assert trees == [["=", ["ref", "@region"], ["ref", "region-1"]],
                     ["=", ["ref", "@region"], ["ref", "region-2"]]]
    assert 'data-choice=\'{"@name": "nice", "@region": "south"}\'' in html.replace(
        "&#34;", '"')


def test_a_city_outside_its_blocks_region_is_refused_in_that_block_only(app):  # noqa: ANN001
    definition, section, _ = places_page(app, {})
    raw = {"region-1": ["north"], "city-1": ["lille"], "district-1": ["centre"],
           "region-2": ["south"], "city-2": ["lille"], "district-2": ["centre"]}
    saved = {"area": "urban", "members": [{}, {}]}
    result = check_page(definition, section, raw, saved, definition.roster)
    assert set(result.issues) == {"city-2"} and result.issues["city-2"].reason == "filtered"
    raw["city-2"] = ["nice"]
    result = check_page(definition, section, raw, saved, definition.roster)
    assert result.ok and result.answers["members"] == [
        {"region": "north", "city": "lille", "district": "centre"},
        {"region": "south", "city": "nice", "district": "centre"}]
    # the district filtered by the earlier page's area: refused where it does not fit
    raw["district-1"] = ["farms"]
    result = check_page(definition, section, raw, saved, definition.roster)
    assert set(result.issues) == {"district-1"}


# -- a choice code repeated in a cascading list (ODK allows it) -------------------------------

REPEATED = [*CHOICES,
            ["district", "other", "Autre (nord)", "Other", "north", "k6"],  # choices!B7
            ["district", "other", "Autre (sud)", "Other", "south", "k7"]]  # choices!B8


def repeated_form(same_page: bool, choices: list | None = None,
                  choice_filter: str | None = "region=${region}") -> bytes:
    region = [["select_one region", "region", "Région", "Region", None]]
    district = [["select_one district", "district", "Quartier", "District", choice_filter]]
    header = [["type", "name", FR, EN, "choice_filter"]]
    if same_page:
        rows = [["begin group", "p1", "Lieu", "Place"], *region, *district, ["end group"]]
    else:
        rows = [["begin group", "p1", "Région", "Region"], *region, ["end group"],
                ["begin group", "p2", "Quartier", "District"], *district, ["end group"]]
    return workbook({"survey": header + rows, "choices": choices or REPEATED,
                     "settings": SETTINGS})


def test_a_code_repeated_under_two_regions_imports_and_each_region_offers_its_own():
    d = read_xlsform(repeated_form(same_page=False), "f.xlsx").definition
    district = d.item("district")
    assert [(c.code, c.attributes) for c in district.choices if c.code == "other"] == [
        ("other", (("region", "north"),)), ("other", (("region", "south"),))]
    north = cascading.offered(district, {"region": "north"})
    south = cascading.offered(district, {"region": "south"})
    assert [(c.code, c.label["fr"]) for c in north] == [
        ("n1", "Rive"), ("n2", "Colline"), ("other", "Autre (nord)")]
    assert [(c.code, c.label["fr"]) for c in south] == [("s1", "Port"), ("other", "Autre (sud)")]


@pytest.mark.parametrize("region", ["north", "south"])
def test_the_repeated_code_is_stored_and_fits_either_region(region):
    d = read_xlsform(repeated_form(same_page=False), "f.xlsx").definition
    page = d.sections[1]
    result = check_page(d, page, {"district": ["other"]}, {"region": region}, lambda item: ())
    assert result.ok, result.issues
    assert result.answers == {"district": "other"}
    wrong = "s1" if region == "north" else "n1"
    refused = check_page(d, page, {"district": [wrong]}, {"region": region}, lambda item: ())
    assert refused.issues["district"].reason == "filtered"


def test_the_next_page_without_javascript_shows_the_regions_other_once(app):
    d = read_xlsform(repeated_form(same_page=False), "f.xlsx").definition
    with app.test_request_context("/?lang=fr"), force_locale("fr"):
        north = str(section_items(d, d.sections[1], {}, {}, lambda item: (), {"region": "north"}))
        south = str(section_items(d, d.sections[1], {}, {}, lambda item: (), {"region": "south"}))
    assert north.count('value="other"') == 1 and "Autre (nord)" in north
    assert "Autre (sud)" not in north
    assert south.count('value="other"') == 1 and "Autre (sud)" in south


def test_the_same_page_carries_both_repeats_with_their_region_and_distinct_ids(app):
    import re

    d = read_xlsform(repeated_form(same_page=True), "f.xlsx").definition
    with app.test_request_context("/?lang=fr"), force_locale("fr"):
        html = str(section_items(d, d.sections[0], {}, {}, lambda item: (), {}))
    assert html.count('value="other"') == 2
    ids = re.findall(r'id="(district-[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 5
    data = re.findall(r"data-choice='([^']+)'><input type=\"radio\" id=\"[^\"]+\" "
                      r"name=\"district\" value=\"other\"", html)
    assert ["north" in d_ for d_ in data] == [True, False]
    assert ["south" in d_ for d_ in data] == [False, True]


def test_a_true_duplicate_is_refused_at_its_row():
    same = [*CHOICES, ["district", "n1", "Rive bis", "Riverside bis", "north", "k6"]]
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(repeated_form(same_page=False, choices=same), "f.xlsx")
    places = {p.place: p.message for p in caught.value.problems}
    assert places["choices!B7"] == "choice code 'n1' appears twice in this list"


def test_repeats_no_filter_tells_apart_are_refused_at_their_row():
    """Without a filter no column is kept: the two 'other' rows are one choice offered
    twice."""
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(repeated_form(same_page=False, choice_filter=None), "f.xlsx")
    places = {p.place: p.message for p in caught.value.problems}
    assert places["choices!B8"] == "choice code 'other' appears twice in this list"


def unfiltered_user() -> bytes:
    """The list is filtered by region for one question and offered whole to another."""
    rows = [["type", "name", FR, EN, "choice_filter"],
            ["begin group", "p1", "Région", "Region"],
            ["select_one region", "region", "Région", "Region", None], ["end group"],
            ["begin group", "p2", "Quartier", "District"],
            ["select_one district", "district", "Quartier", "District", "region=${region}"],
            ["select_one district", "favourite", "Préféré", "Favourite", None],
            ["end group"]]
    return workbook({"survey": rows, "choices": REPEATED, "settings": SETTINGS})


def test_repeats_are_refused_when_one_question_offers_the_list_unfiltered():
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(unfiltered_user(), "f.xlsx")
    places = {p.place: p.message for p in caught.value.problems}
    assert places["choices!B8"] == (
        "choice code 'other' appears twice in this list, and no choice_filter of the questions "
        "using it tells them apart by a column")


def test_the_refusal_of_repeats_is_in_french(app):
    from survey.templating import translated

    with pytest.raises(DefinitionError) as caught:
        read_xlsform(unfiltered_user(), "f.xlsx")
    [problem] = [p for p in caught.value.problems if p.place == "choices!B8"]
    with app.test_request_context(), force_locale("fr"):
        assert translated(problem.text) == (
            "Le code de choix 'other' figure deux fois dans cette liste, et aucun choice_filter "
            "des questions qui l’utilisent ne les distingue par une colonne")


def test_the_codebook_and_results_show_a_repeated_code_once_with_its_labels_joined():
    from survey.questionnaire.model import distinct_choices

    d = read_xlsform(repeated_form(same_page=False), "f.xlsx").definition
    district = d.item("district")
    [entry] = district.itemtype.codebook(district, ())
    assert [(c["code"], c["label"]) for c in entry["choices"]] == [
        ("n1", {"fr": "Rive", "en": "Riverside"}), ("n2", {"fr": "Colline", "en": "Hilltop"}),
        ("s1", {"fr": "Port", "en": "Harbour"}),
        ("other", {"fr": "Autre (nord) / Autre (sud)", "en": "Other"})]  # en labels agree
    assert [c.key for c in distinct_choices(district.choices)] == ["n1", "n2", "s1", "other"]


def test_repeats_download_and_come_back_with_the_same_content_and_the_diff_sees_each():
    from dataclasses import replace

    from survey.questionnaire.download import as_xlsform
    from survey.versions.diff import diff

    first = read_xlsform(repeated_form(same_page=True), "f.xlsx").definition
    back = read_xlsform(as_xlsform(first), "back.xlsx").definition
    assert back.content_hash == first.content_hash
    district = first.item("district")
    moved = replace(district.choices[-1], attributes=(("region", "east"),))
    changed = replace(district, settings=replace(district.settings, choices=(
        *district.choices[:-1], moved)))
    section = replace(first.sections[0], items=(first.item("region"), changed))
    messages = [c.message for c in diff(first, replace(first, sections=(section,)))]
    assert messages == ["The columns of choice 'other (2)' of item 'district' changed: "
                        "region=south -> region=east."]
