"""The designer's builders over HTTP: the item bank copies questions with their codes (and
says why when it cannot), choice codes are made from the first label and published codes stay
fixed, the skip logic builder writes the expression."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.extensions import db
from survey.models import QuestionnaireDraft
from tests.workspace import World, build_world, sign_in


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


@pytest.fixture
def researcher(app: Flask, world: World) -> FlaskClient:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    return client


def _open(client: FlaskClient, world: World) -> str:
    response = client.post(f"/evaluations/{world.a.evaluation}/designer/copy",
                           data={"source": "bundled:citizens"})
    assert response.status_code == 302
    return response.headers["Location"]


def _data(app: Flask, url: str) -> dict:
    with app.app_context():
        return db.session.get(QuestionnaireDraft, int(url.rsplit("/", 1)[1])).definition_data


def _revision(client: FlaskClient, url: str) -> str:
    import re
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


# -- item bank -----------------------------------------------------------------------------

def test_the_bank_copies_ticked_questions_with_their_codes_onto_the_page(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    overview = researcher.get(url).get_data(as_text=True)
    assert url + "/pages/your_role/bank" in overview  # linked from the page's add area
    listing = researcher.get(url + "/pages/your_role/bank?source=bundled:professionals")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert 'value="team_size"' in page and "team_context" in page
    response = researcher.post(url + "/pages/your_role/bank", data={
        "revision": "1", "source": "bundled:professionals", "codes": ["team_size", "team_ways"],
        "position": "involved_since"})
    assert response.status_code == 302
    codes = [i["code"] for i in _data(app, url)["sections"][0]["items"]]
    at = codes.index("team_size")
    assert codes[at:at + 3] == ["team_size", "team_ways", "involved_since"]
    history = researcher.get(url + "/history").get_data(as_text=True)
    assert "team_size team_ways" in history


def test_the_bank_shows_why_it_refuses_and_keeps_the_ticks(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    before = _data(app, url)
    response = researcher.post(url + "/pages/your_role/bank", data={
        "revision": "1", "source": "bundled:citizens", "codes": ["role"]})  # code taken
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    problems = page.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert "role" in problems and ("two questions" in problems or "deux questions" in problems)
    assert 'value="role" id="bank-role" checked' in page
    assert _data(app, url) == before
    assert researcher.get(url + "/pages/your_role/bank?source=draft:" + "0" * 64
                          ).status_code == 404
    assert researcher.get(url + "/pages/nowhere/bank").status_code == 404


# -- choice codes --------------------------------------------------------------------------

def _new_single(**changes: str) -> dict[str, str]:
    form = {"revision": "1", "code": "satisfaction", "text.fr": "Êtes-vous satisfait ?",
            "text.en": "Are you satisfied?", "choices.list": "",
            "choices.0.orig": "", "choices.0.code": "", "choices.0.fr": "Très satisfait",
            "choices.0.en": "Very satisfied",
            "choices.1.orig": "", "choices.1.code": "", "choices.1.fr": "Autre",
            "choices.1.en": "Other",
            "choices.2.orig": "", "choices.2.code": "", "choices.2.fr": "Autre !",
            "choices.2.en": "Another"}
    form.update(changes)
    return form


def test_a_choice_without_a_code_gets_one_made_from_its_first_label(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    response = researcher.post(url + "/pages/your_role/items/new?type=single",
                               data=_new_single())
    assert response.status_code == 302, response.get_data(as_text=True)
    item = next(i for i in _data(app, url)["sections"][0]["items"]
                if i["code"] == "satisfaction")
    assert [c["code"] for c in item["choices"]] == ["tres_satisfait", "autre", "autre_2"]
    # unpublished: the code follows its label while it is the one made from it
    response = researcher.post(url + "/items/satisfaction", data={
        "revision": "2", "code": "satisfaction", "text.fr": "Êtes-vous satisfait ?",
        "text.en": "Are you satisfied?", "choices.list": "",
        "choices.0.orig": "0", "choices.0.code": "tres_satisfait",
        "choices.0.fr": "Plutôt satisfait", "choices.0.en": "Rather satisfied",
        "choices.1.orig": "1", "choices.1.code": "autre", "choices.1.fr": "Autre",
        "choices.1.en": "Other"})
    assert response.status_code == 302, response.get_data(as_text=True)
    item = next(i for i in _data(app, url)["sections"][0]["items"]
                if i["code"] == "satisfaction")
    assert [c["code"] for c in item["choices"]] == ["plutot_satisfait", "autre"]


def _role(**changes: str) -> dict[str, str]:
    form = {"revision": "1", "code": "role", "text.fr": "Qu'est-ce qui vous décrit le mieux ?",
            "text.en": "What describes you best?", "required": "1", "choices.list": ""}
    labels = [("resident", "Résidente ou résident", "Resident"),
              ("coop_member", "Membre d'une coopérative", "Coop member"),
              ("community_org", "Organisme communautaire", "Community organisation"),
              ("elected_municipal", "Municipalité", "Municipality"),
              ("public_health", "Santé publique", "Public health"),
              ("other", "Autre", "Other")]
    for n, (code, fr, en) in enumerate(labels):
        form.update({f"choices.{n}.orig": str(n), f"choices.{n}.code": code,
                     f"choices.{n}.fr": fr, f"choices.{n}.en": en})
    form.update(changes)
    return form


def test_a_published_choice_code_is_read_only_and_cannot_change(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    form = researcher.get(url + "/items/role").get_data(as_text=True)
    assert 'value="resident" readonly' in form  # citizens is published
    before = _data(app, url)
    response = researcher.post(url + "/items/role", data=_role(
        **{"choices.0.code": "habitant"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "habitant" in page and 'id="f-choices-error"' in page
    assert "resident" in page.split('id="f-choices-error"')[1].split("</span>")[0]
    assert _data(app, url) == before
    # a label may change: the published code stays
    response = researcher.post(url + "/items/role", data=_role(
        **{"choices.0.fr": "Habitante ou habitant"}))
    assert response.status_code == 302
    role = _data(app, url)["sections"][0]["items"][0]
    assert role["choices"][0] == {**role["choices"][0], "code": "resident",
                                  "fr": "Habitante ou habitant"}


# -- skip logic builder ----------------------------------------------------------------------

def _edit_form(client: FlaskClient, url: str) -> dict[str, str | list[str]]:
    """The fields of a question's form as the page fills them (what a browser would post)."""
    import html
    import re
    page = client.get(url).get_data(as_text=True)
    form: dict[str, str | list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        form[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        form[html.unescape(name)] = html.unescape(body).lstrip("\n")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                 re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or \
            re.search(r'<option value="([^"]*)"', body)
        form[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    return form


def test_builder_rows_are_saved_as_the_relevance_expression(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    page = researcher.get(url + "/items/role_other").get_data(as_text=True)
    assert 'name="skip.0.code"' in page and "${role} = &#39;other&#39;" in page
    form = _edit_form(researcher, url + "/items/role_other")
    form.update({"skip": "add"})
    added = researcher.post(url + "/items/role_other", data=form)
    assert added.status_code == 200 and 'name="skip.1.code"' in added.get_data(as_text=True)
    form.pop("skip")
    form.update({"skip_join": "any", "skip.1.code": "role", "skip.1.comparison": "=",
                 "skip.1.value": "resident"})
    response = researcher.post(url + "/items/role_other", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    item = _data(app, url)["sections"][0]["items"][1]
    assert item["relevant"] == "${role} = 'other' or ${role} = 'resident'"


def test_a_row_problem_is_shown_on_its_row_with_what_was_typed(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    before = _data(app, url)
    form = _edit_form(researcher, url + "/items/involved_since")
    form.update({"skip_mode": "rows", "skip_join": "all",
                 "skip.0.code": "role", "skip.0.comparison": "=", "skip.0.value": "other",
                 "skip.1.code": "role", "skip.1.comparison": ">", "skip.1.value": "3"})
    response = researcher.post(url + "/items/involved_since", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="f-relevant-1-error"' in page and 'id="f-relevant-0-error"' not in page
    assert 'aria-invalid="true" aria-describedby="f-relevant-1-error"' in page
    assert 'name="skip.1.value" value="3"' in page or '<option value="3" selected>' in page
    assert _data(app, url) == before


def test_text_mode_keeps_an_expression_the_builder_cannot_show_exactly(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    odd = "(${role}='other' or ${role}='resident') and ${lives_area} = 'yes'"
    form = _edit_form(researcher, url + "/items/heard")
    form.update({"skip_mode": "text", "relevant": odd})
    for key in [k for k in form if k.startswith("skip.")]:
        form.pop(key)
    assert researcher.post(url + "/items/heard", data=form).status_code == 302
    page = researcher.get(url + "/items/heard").get_data(as_text=True)
    assert 'name="skip_mode" value="text"' in page and 'name="skip.0.code"' not in page
    again = _edit_form(researcher, url + "/items/heard")
    assert again["relevant"] == odd
    again["text.en"] = "Have you heard of it? (edited)"
    assert researcher.post(url + "/items/heard", data=again).status_code == 302
    heard = next(i for s in _data(app, url)["sections"] for i in s["items"]
                 if i["code"] == "heard")
    assert heard["relevant"] == odd  # unchanged, byte for byte
    # a text the builder reads keeps its own spacing when saved untouched from the rows
    spaced = "${role}='other'"
    again.update({"relevant": spaced, "revision": "3"})
    assert researcher.post(url + "/items/heard", data=again).status_code == 302
    rows = _edit_form(researcher, url + "/items/heard")
    assert rows["skip_mode"] == "rows" and rows["skip.0.value"] == "other"
    rows["text.en"] = "Have you heard of it?"
    assert researcher.post(url + "/items/heard", data=rows).status_code == 302
    heard = next(i for s in _data(app, url)["sections"] for i in s["items"]
                 if i["code"] == "heard")
    assert heard["relevant"] == spaced


def test_a_page_condition_is_built_from_earlier_pages(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    code = _data(app, url)["sections"][1]["code"]
    form = _edit_form(researcher, url + f"/pages/{code}")
    assert form["skip_mode"] == "rows"
    form["skip"] = "add"
    added = researcher.post(url + f"/pages/{code}", data=form)
    assert added.status_code == 200
    page = added.get_data(as_text=True)
    assert '<option value="role"' in page and '<option value="heard"' not in page  # earlier only
    form.pop("skip")
    form.update({"skip.0.code": "lives_area", "skip.0.comparison": "=",
                 "skip.0.value": "yes"})
    assert researcher.post(url + f"/pages/{code}", data=form).status_code == 302
    assert _data(app, url)["sections"][1]["relevant"] == "${lives_area} = 'yes'"


def test_the_bank_says_what_it_did_beyond_the_items(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    response = researcher.post(url + "/pages/your_role/bank", data={
        "revision": "1", "source": "bundled:professionals", "codes": ["team_setting_other"]},
        follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    copied = next(i for i in _data(app, url)["sections"][0]["items"]
                  if i["code"] == "team_setting_other")
    assert "relevant" not in copied  # its rule read a question left behind
    assert "team_setting_other" in page and "team_setting" in page.split(
        "team_setting_other", 1)[1]  # the note names the question the rule needed


def test_scale_points_are_numbered_and_matrix_rows_named_from_their_labels(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    form = {"revision": "1", "code": "agree_grid", "text.fr": "Êtes-vous d'accord ?",
            "text.en": "Do you agree?", "choices.list": "", "rows.list": ""}
    for n, (fr, en) in enumerate((("Non", "No"), ("Un peu", "A little"), ("Oui", "Yes"))):
        form.update({f"choices.{n}.orig": "", f"choices.{n}.code": "",
                     f"choices.{n}.fr": fr, f"choices.{n}.en": en})
    for n, (fr, en) in enumerate((("Le bruit", "Noise"), ("La sécurité", "Safety"))):
        form.update({f"rows.{n}.orig": "", f"rows.{n}.code": "",
                     f"rows.{n}.fr": fr, f"rows.{n}.en": en})
    response = researcher.post(url + "/pages/your_role/items/new?type=matrix", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    item = next(i for i in _data(app, url)["sections"][0]["items"]
                if i["code"] == "agree_grid")
    assert [c["code"] for c in item["choices"]] == [1, 2, 3]
    assert [r["code"] for r in item["rows"]] == ["le_bruit", "la_securite"]


def test_a_published_choice_cannot_be_deleted(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    before = _data(app, url)
    form = _role()
    for key in [k for k in form if k.startswith("choices.5.")]:
        form.pop(key)  # "other" removed
    response = researcher.post(url + "/items/role", data=form)
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="f-choices-error"')[1].split("</")[0]
    assert "other" in error
    assert _data(app, url) == before
