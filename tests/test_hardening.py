"""Issue 11's review of the participant pages: crafted query strings, absolute links, files on
disk, HEAD requests. Each test failed on the code the review found."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from survey.extensions import db
from survey.questionnaire import Definition

from .conftest import make_app
from .participant import Participant, responses

CRAFTED = ("endpoint=x", "_method=POST", "_external=1", "_scheme=javascript", "_anchor=x",
           "code=other", "lang=en&endpoint=x", "values=1", "section_code=x")
LINK_RE = re.compile(r'(https?://[^"<\s]*?/r/[A-Za-z0-9_-]{20,})')


def security_headers(headers) -> None:  # noqa: ANN001
    assert "default-src 'self'" in headers.get("Content-Security-Policy", "")
    assert headers.get("X-Frame-Options") == "DENY"


# -- 3: crafted query strings -------------------------------------------------------------------

@pytest.mark.parametrize("query", CRAFTED)
def test_crafted_query_strings_never_answer_500(client: FlaskClient, query: str) -> None:
    Participant(client).enter("patients")
    for path in ("/", "/q/patients", "/q/patients/consent", "/q/nothing", "/static/nothing"):
        reply = client.get(f"{path}?{query}")
        assert reply.status_code in (200, 404), (path, query, reply.status_code)
        security_headers(reply.headers)


def test_the_language_link_keeps_only_the_arguments_pages_read(client: FlaskClient) -> None:
    Participant(client).enter("patients")
    html = client.get("/q/patients?endpoint=x&_method=POST&check=1").get_data(as_text=True)
    links = re.findall(r'<a class="lang" href="([^"]+)"', html)
    assert links == ["/q/patients?check=1&amp;lang=en"]


def test_an_error_page_that_fails_still_answers_with_a_page_and_headers(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import survey.errors

    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("a template that cannot be rendered")

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("a bug in a view")

    monkeypatch.setattr(survey.errors, "render_template", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    reply = app.test_client().get("/boom")
    assert reply.status_code == 500
    body = reply.get_data(as_text=True)
    assert "Veuillez réessayer" in body and "Please try again" in body
    security_headers(reply.headers)


# -- 6: absolute links never from the Host header -------------------------------------------------

def on_host(client: FlaskClient, host: str) -> FlaskClient:
    """Every later request of ``client`` carries ``Host: host`` (a forged one, say)."""
    if not hasattr(client, "forced_host"):
        original = client.open

        def open_(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if args and isinstance(args[0], str):
                kwargs["base_url"] = f"http://{client.forced_host}"
            return original(*args, **kwargs)

        client.open = open_  # type: ignore[method-assign]
    client.forced_host = host  # type: ignore[attr-defined]
    return client


def later_link(client: FlaskClient, definition: Definition, host: str | None = None) -> str:
    if host:
        on_host(client, host)
    participant = Participant(client)
    participant.start("patients")
    html = client.get("/q/patients/later").get_data(as_text=True)
    found = LINK_RE.search(html)
    assert found, html
    return found.group(1)


def test_the_resume_link_ignores_a_forged_host(database_url: str,
                                               bundled: dict[str, Definition]) -> None:
    app = make_app(database_url, SERVER_NAME=None, BASE_URL="https://enquete.example.org/")
    link = later_link(app.test_client(), bundled["patients"], host="evil.example")
    assert link.startswith("https://enquete.example.org/r/")
    assert "evil" not in link


def test_without_a_base_url_the_host_must_be_a_trusted_one(database_url: str,
                                                           bundled: dict[str, Definition]) -> None:
    app = make_app(database_url, SERVER_NAME=None, TRUSTED_HOSTS=["survey.example"])
    client = on_host(app.test_client(), "survey.example")
    participant = Participant(client)
    participant.start("patients")
    assert LINK_RE.search(client.get("/q/patients/later").get_data(as_text=True)).group(1) \
        .startswith("http://survey.example/r/")
    reply = on_host(client, "evil.example").get("/q/patients/later")
    assert reply.status_code == 400
    assert "evil.example" not in reply.get_data(as_text=True)


def test_with_nothing_configured_the_link_is_not_taken_from_the_host(
        database_url: str) -> None:
    app = make_app(database_url, SERVER_NAME=None)
    client = on_host(app.test_client(), "evil.example")
    participant = Participant(client)
    participant.start("patients")
    html = client.get("/q/patients/later").get_data(as_text=True)
    assert "evil.example" not in html
    assert re.search(r'"/r/[A-Za-z0-9_-]{20,}"', html)


# -- 8: withdrawn answers do not linger on disk, files are private ------------------------------

def test_withdrawn_answers_leave_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    from .conftest import _prepare

    database = tmp_path / "instance" / "survey.db"
    app = make_app(f"sqlite:///{database}")
    _prepare(app, {})
    from survey.questionnaire import load_file
    from survey.versions import store_definition

    definition = load_file(Path(__file__).parent / "data" / "every_type.yaml")
    with app.app_context():
        store_definition(definition, "every_type.yaml")
    participant = Participant(app.test_client())
    participant.start("every_type")
    secret = "Zorglub-tres-prive-4711"
    while participant.section != "team":
        participant.answer_page(definition)
    participant.answer_page(definition, {"comment": [("comment", secret)]}, nav="later")
    files = sorted(database.parent.glob("survey.db*"))

    def on_disk() -> bool:
        return any(secret.encode() in path.read_bytes() for path in
                   database.parent.glob("survey.db*"))

    assert responses(app) and on_disk(), files  # stored, and findable before the withdrawal
    participant.get("/q/every_type/withdraw")
    participant.post([], nav=None)
    assert responses(app) == []
    assert not on_disk()
    for path in database.parent.glob("survey.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with app.app_context():
        assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_a_new_instance_folder_and_its_files_are_private(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from survey import create_app

    instance = tmp_path / "instance"
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    for name in ("survey.db", "secret_key"):
        assert stat.S_IMODE((instance / name).stat().st_mode) == 0o600, name


# -- 10: HEAD on participant pages ---------------------------------------------------------------

def test_head_on_consent_and_section_pages_is_like_get(client: FlaskClient) -> None:
    participant = Participant(client)
    participant.enter("patients")
    assert client.head("/q/patients/consent").status_code == 200
    participant.start("patients")
    section = participant.path
    assert client.head(section).status_code == 200
    assert client.head("/q/patients/later").status_code == 200
    assert len(responses_of(client)) == 1  # HEAD started nothing and saved nothing


def responses_of(client: FlaskClient) -> list:
    return responses(client.application)
