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
    assert 'role="alert"' in page and "role" in page
    assert 'value="role" id="bank-role" checked' in page
    assert _data(app, url) == before
    assert researcher.get(url + "/pages/your_role/bank?source=draft:" + "0" * 64
                          ).status_code == 404
    assert researcher.get(url + "/pages/nowhere/bank").status_code == 404
