"""Generated hostile posts to every participant page of every bundled questionnaire.

Hypothesis draws form, multipart and JSON bodies (any field names, any text including lone
surrogates and NULs, lists, objects, numbers, huge values, bytes that are not UTF-8) and posts one
to each page a participant reaches, with the page's real CSRF token most of the time. Whatever
is posted, no page answers 5xx, neither the post nor the page shown again afterwards, and every
stored answer is one its item's type could have produced: the type turns it back into form
values (``form_values``) and reads them again (``parse``) to the very same answer.
"""

from __future__ import annotations

import functools
import io
import json
from typing import Any
from urllib.parse import quote_from_bytes

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.questionnaire import Definition, load_file
from survey.questionnaire.model import Item

from .conftest import BUNDLED
from .participant import Participant

EXAMPLES = 6  # per database; each example walks every page of a drawn questionnaire


# -- bodies --------------------------------------------------------------------------------

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
odd_text = st.one_of(
    any_text,
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "x\x00y", " ", "\u202e", "yes", "no",
                     "1", "-1", "99999999999999999999", "1e400", "nan", "2024-02-30", ".5",
                     "0" * 5000, "Autre", "__proto__"]),
    st.integers(min_value=1, max_value=6).map(lambda n: "é" * 10 ** n),
)


def names_of(page_names: list[str]) -> st.SearchStrategy[str]:
    known = st.sampled_from([*page_names, "nav", "csrf_token", "start_token", "agree"])
    return st.one_of(known, known, any_text)


def json_value(depth: int = 2) -> st.SearchStrategy[Any]:
    scalar = st.one_of(odd_text, st.integers(), st.floats(), st.booleans(), st.none())
    if depth == 0:
        return scalar
    inner = json_value(depth - 1)
    return st.one_of(scalar, scalar, st.lists(inner, max_size=3),
                     st.dictionaries(any_text, inner, max_size=3))


def bodies(page_names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for ``client.post``: the body and its content type."""
    names = names_of(page_names)
    form = st.lists(st.tuples(names, odd_text), max_size=12).map(
        lambda pairs: {"kind": "form", "pairs": pairs})
    raw = st.lists(st.tuples(names.map(lambda n: n.encode("utf-8", "surrogatepass")),
                             st.binary(max_size=20)), max_size=8).map(
        lambda pairs: {"kind": "raw", "pairs": pairs})
    # A multipart field name is sent as UTF-8 by the test client, which cannot encode a lone
    # surrogate (the other kinds above send such names byte for byte).
    sendable = names.filter(lambda n: not any("\ud800" <= c <= "\udfff" for c in n))
    files = st.lists(st.tuples(sendable, st.binary(max_size=50)), min_size=1, max_size=3).map(
        lambda pairs: {"kind": "files", "pairs": pairs})
    top = st.one_of(st.dictionaries(names, json_value(), max_size=10), json_value(1))
    body = st.one_of(form, form, raw, files, top.map(lambda v: {"kind": "json", "value": v}))
    return st.tuples(body, st.booleans(), st.sampled_from(["next", "back", "later", "x", None])
                     ).map(lambda t: {**t[0], "csrf": t[1], "nav": t[2]})


def send(participant: Participant, body: dict[str, Any]) -> int:
    """Post ``body`` to the participant's page without following the redirect."""
    client: FlaskClient = participant.client
    path = participant.path
    extra: list[tuple[str, str]] = []
    if body["csrf"]:
        extra.append(("csrf_token", participant.csrf))
    if body["nav"] is not None:
        extra.append(("nav", body["nav"]))
    if body["kind"] == "json":
        value = body["value"]
        if isinstance(value, dict):
            value = {**value, **dict(extra)}
        data = json.dumps(value)  # lone surrogates travel as "\ud800" escapes
        reply = client.post(path, data=data, content_type="application/json")
    elif body["kind"] == "raw":
        pairs = [*body["pairs"], *((k.encode(), v.encode()) for k, v in extra)]
        data = "&".join(f"{quote_from_bytes(k)}={quote_from_bytes(v)}" for k, v in pairs)
        reply = client.post(path, data=data, content_type="application/x-www-form-urlencoded")
    elif body["kind"] == "files":
        fields: dict[str, Any] = dict(extra)
        for name, content in body["pairs"]:
            fields[name] = (io.BytesIO(content), "answer.txt")
        reply = client.post(path, data=fields, content_type="multipart/form-data")
    else:
        # text as UTF-8, lone surrogates encoded as if they were characters (CESU-like)
        data = "&".join(f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'))}="
                        f"{quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
                        for k, v in [*body["pairs"], *extra])
        reply = client.post(path, data=data, content_type="application/x-www-form-urlencoded")
    return reply.status_code


# -- the check against the item types --------------------------------------------------------

def check_stored(definition: Definition, answers: dict[str, Any]) -> None:
    """Every stored answer is one its item's type reads back from its own form values."""
    owner: dict[str, Item] = {}
    for section in definition.sections:
        for item in section.items:
            for key in item.answer_keys:
                owner[key] = item
    assert set(answers) <= set(owner), set(answers) - set(owner)
    json.dumps(answers).encode("utf-8")  # storable: no lone surrogate anywhere
    assert "\\u0000" not in json.dumps(answers)
    for item in {id(owner[k]): owner[k] for k in answers}.values():
        kind, roster = item.itemtype, definition.roster(item)
        mine = {k: answers[k] for k in item.answer_keys if k in answers}
        raw = kind.form_values(item, mine)
        value, issue = kind.parse(item, raw, roster)
        assert issue is None, (item.code, mine, issue)
        again = {k: v for k, v in kind.store(item, value).items() if v is not None}
        assert again == mine, (item.code, mine, again)


# -- the walk --------------------------------------------------------------------------------

def page_names(definition: Definition, section_code: str) -> list[str]:
    section = definition.section(section_code)
    assert section is not None
    names: list[str] = []
    for item in section.items:
        if item.answerable:
            names += item.itemtype.input_names(item, definition.roster(item))
    return names


def check_every_response(app: Flask) -> None:
    with app.app_context():
        for response in db.session.scalars(select(Response)):
            check_stored(response.version.definition, response.answers)
            for name, values in (response.drafts or {}).items():
                assert isinstance(name, str)
                json.dumps(values).encode("utf-8")


def walk(app: Flask, client: FlaskClient, definition: Definition, data: st.DataObject) -> None:
    """Post a drawn body to the consent page, then to each page before answering it."""
    participant = Participant(client)
    participant.get(f"/q/{definition.code}/consent")
    body = data.draw(bodies(["start_token", "agree"]), label="post to consent")
    assert send(participant, body) < 500, body
    participant.start(definition.code)
    for _ in range(3 * len(definition.sections)):
        section = participant.section
        if section is None:
            break
        path = participant.path
        body = data.draw(bodies(page_names(definition, section)), label=f"post to {section}")
        assert send(participant, body) < 500, body
        shown = participant.get(path)  # the page (or where it now leads) shown again
        assert shown.status_code < 500, body
        check_every_response(app)
        if participant.section is None:
            break
        participant.answer_page(definition)
        assert participant.status < 500, participant.html[:2000]


@functools.cache
def bundled_definition(code: str) -> Definition:
    return load_file(BUNDLED / f"{code}.yaml")


def _examples(function):  # noqa: ANN001, ANN202
    # No shrinking: every example walks whole questionnaires, so shrinking one takes minutes;
    # the drawn bodies are printed as they are.
    return settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                    database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large]
                    )(function)


@_examples
@given(data=st.data(), which=st.sampled_from(["citizens", "patients", "professionals"]))
def test_no_generated_post_gives_a_server_error_or_stores_a_value_outside_its_type(
        app: Flask, data: st.DataObject, which: str) -> None:
    walk(app, app.test_client(), bundled_definition(which), data)


def test_the_stored_answer_check_refuses_values_outside_their_type(
        bundled: dict[str, Definition]) -> None:
    """The check above can fail: a repr, a number out of range, an unknown code."""
    definition = bundled["patients"]
    for section in definition.sections:
        for item in section.items:
            if not item.answerable:
                continue
            for bad in ("<FileStorage: 'a.txt'>", {"x": 1}, 10 ** 20, "\x00"):
                answers = {key: bad for key in item.answer_keys}
                try:
                    check_stored(definition, answers)
                except AssertionError:
                    continue
                if item.type in ("text", "textarea") and bad == "<FileStorage: 'a.txt'>":
                    continue  # text a participant could have typed
                raise AssertionError(f"{item.code} accepted {bad!r}")



def test_a_json_body_that_is_not_an_object_or_a_token_that_is_not_text_is_refused(
        client: FlaskClient) -> None:
    """Found by the generated posts: Flask-WTF built form data from any JSON body, so a bare
    string, number or list, or a CSRF token that is a number or a lone surrogate, made every
    participant form answer 500."""
    participant = Participant(client)
    participant.start("patients")
    for value in ["\ud800", 5, [1, 2], None, [["a", "b"]], "x", {"csrf_token": "\ud800"},
                  {"csrf_token": 5}, {"csrf_token": {"a": 1}}]:
        for path in (participant.path, "/q/patients/consent", "/q/patients/withdraw"):
            reply = client.post(path, data=json.dumps(value), content_type="application/json")
            assert reply.status_code < 500, (path, value)
    participant.get(participant.path)
    assert participant.status == 200
