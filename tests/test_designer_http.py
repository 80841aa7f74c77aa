"""The designer over HTTP: a refused save answers 422 with the problem beside its field and
every typed value shown back; a save on a stale revision answers 409, keeps the other
person's change and shows the typed values; every item type's form renders; the history
page goes back to an earlier save."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.designer import services
from survey.extensions import db
from survey.models import QuestionnaireDraft
from survey.questionnaire.itemtypes import TYPES
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


def _role_form(**changes: str) -> dict[str, str]:
    form = {"revision": "1", "code": "role", "text.fr": "Qu'est-ce qui vous décrit le mieux ?",
            "text.en": "What describes you best?", "required": "1",
            "help.fr": "Si plusieurs réponses vous décrivent, choisissez la principale.",
            "help.en": "If more than one fits, choose the main one.",
            "choices.list": "", "choices.0.orig": "0", "choices.0.code": "resident",
            "choices.0.fr": "Résidente ou résident", "choices.0.en": "Resident"}
    # the other published choices, kept (a published code cannot be deleted)
    for n, code in enumerate(("coop_member", "community_org", "elected_municipal",
                              "public_health", "other"), start=1):
        form.update({f"choices.{n}.orig": str(n), f"choices.{n}.code": code,
                     f"choices.{n}.fr": f"Choix {code}", f"choices.{n}.en": f"Choice {code}"})
    form.update(changes)
    return form


def test_a_refused_save_shows_the_problem_on_its_field_with_what_was_typed(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    before = _data(app, url)
    response = researcher.post(url + "/items/role", data=_role_form(
        **{"text.en": "", "text.fr": "Mon texte tapé", "relevant": "${role} = = 1",
           "choices.6.orig": "", "choices.6.code": "Not A Code", "choices.6.fr": "Nouveau",
           "choices.6.en": "New"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mon texte tapé" in page and "Not A Code" in page and "${role} = = 1" in page
    assert re.search(r'id="f-text-error">[^<]*en', page)  # beside the texts, naming English
    assert 'id="f-relevant-error"' in page and 'aria-invalid="true"' in page
    assert "translation missing" in page or "traduction manquante" in page
    assert _data(app, url) == before  # nothing saved


def test_a_save_on_a_stale_revision_is_refused_and_keeps_both(
        app: Flask, researcher: FlaskClient, world: World) -> None:
    url = _open(researcher, world)
    assert researcher.post(url + "/items/role", data=_role_form(
        **{"text.en": "Which describes you?"})).status_code == 302  # someone else's save: 2
    response = researcher.post(url + "/items/role", data=_role_form(
        **{"text.fr": "Mon changement"}))  # made on revision 1
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Mon changement" in page and 'name="revision" type="hidden" value="2"' in page
    role = _data(app, url)["sections"][0]["items"][0]
    assert role["text"]["en"] == "Which describes you?"
    assert role["text"]["fr"] != "Mon changement"


def test_every_item_type_has_a_form(app: Flask, researcher: FlaskClient,
                                    world: World) -> None:
    url = _open(researcher, world)
    for name in TYPES:
        response = researcher.get(url + f"/pages/your_role/items/new?type={name}")
        assert response.status_code == 200, name
        page = response.get_data(as_text=True)
        for key in TYPES[name].keys:
            assert f'name="{key}' in page, (name, key)


def test_buttons_move_and_history_goes_back(app: Flask, researcher: FlaskClient,
                                            world: World) -> None:
    url = _open(researcher, world)
    assert researcher.post(url + "/items/involved_since/up",
                           data={"revision": "1"}).status_code == 302
    codes = [i["code"] for i in _data(app, url)["sections"][0]["items"]]
    assert codes[:2] == ["role", "involved_since"]
    stale = researcher.post(url + "/items/lives_area/delete", data={"revision": "1"},
                            follow_redirects=True)
    assert "lives_area" in [i["code"] for i in _data(app, url)["sections"][0]["items"]]
    assert 'role="alert"' in stale.get_data(as_text=True)
    history = researcher.get(url + "/history").get_data(as_text=True)
    assert "Question involved_since moved up" in history or \
        "Question involved_since montée" in history
    assert researcher.post(url + "/history/1/restore",
                           data={"revision": "2"}).status_code == 302
    codes = [i["code"] for i in _data(app, url)["sections"][0]["items"]]
    assert codes[:2] == ["role", "role_other"]
    with app.app_context():
        draft = db.session.get(QuestionnaireDraft, int(url.rsplit("/", 1)[1]))
        assert services.revision_of(draft) == 3
    assert researcher.get(url.replace(f"/{world.a.evaluation}/", f"/{world.b.evaluation}/")
                          ).status_code == 403
