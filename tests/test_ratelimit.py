"""Rate limits on resume codes and consent posts (issue 11, item 9), with the counters in memory
(the default) and in the Redis server that runs beside PostgreSQL here and in CI."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import make_app, missing
from .participant import Participant, responses

REDIS_URL = os.environ.get("SURVEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMITS = {"RATELIMIT_RESUME": "5 per minute", "RATELIMIT_CONSENT": "4 per minute"}


@pytest.fixture
def redis_storage() -> Iterator[dict[str, str]]:
    """Counters in the Redis server, under a key prefix of this test's own."""
    import redis

    prefix = f"proximite-test-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        missing(f"Redis is not reachable at {REDIS_URL}: {error.__class__.__name__}")
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
           "RATELIMIT_SWALLOW_ERRORS": False}
    for key in server.scan_iter(f"*{prefix}*"):
        server.delete(key)
    server.close()


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> dict[str, str]:
    """The limiter's storage settings: the default (memory), then Redis."""
    if request.param == "memory":
        return {}
    return request.getfixturevalue("redis_storage")


def stored_keys(app: Flask, storage: dict[str, str]) -> list[str]:
    """The keys the limiter wrote: in Redis, or in this app's memory storage."""
    if "RATELIMIT_STORAGE_URI" in storage:
        import redis

        server = redis.Redis.from_url(REDIS_URL)
        keys = [k.decode() for k in server.scan_iter(f"*{storage['RATELIMIT_KEY_PREFIX']}*")]
        server.close()
        return keys
    (limiter,) = app.extensions["limiter"]
    return list(limiter.storage.storage)


@pytest.fixture
def limited(database_url: str, storage: dict[str, str]) -> Flask:
    return make_app(database_url, **LIMITS, **storage)


def bad_code(n: int) -> str:
    return f"guess{n:04d}" + "x" * 24


def is_polite_429(reply, language: str) -> None:  # noqa: ANN001
    assert reply.status_code == 429
    html = reply.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    expected = {"fr": "Merci de patienter un instant", "en": "Please wait a moment"}[language]
    assert expected in html, html
    assert "Too Many Requests" not in html
    assert int(reply.headers["Retry-After"]) > 0
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]


def test_guessing_resume_codes_is_stopped_politely(limited: Flask) -> None:
    client = limited.test_client()
    for n in range(5):
        assert client.get(f"/r/{bad_code(n)}").status_code == 404
    is_polite_429(client.get(f"/r/{bad_code(99)}"), "fr")
    client.get("/q/patients?lang=en")
    is_polite_429(client.get(f"/r/{bad_code(100)}"), "en")


def test_only_refused_codes_count(limited: Flask) -> None:
    participant = Participant(limited.test_client())
    participant.start("patients")
    participant.get("/q/patients/later")
    link = re.search(r"/r/[A-Za-z0-9_-]{20,}", participant.html).group(0)
    other = limited.test_client()
    for _ in range(12):  # the own link, opened again and again: never limited
        assert other.get(link).status_code == 302


def test_a_flood_of_consent_posts_is_stopped_before_it_makes_rows(limited: Flask) -> None:
    reader = limited.test_client()
    Participant(reader).enter("patients")
    for _ in range(10):  # reading the consent page is never limited
        assert reader.get("/q/patients/consent").status_code == 200
    replies = []
    for _ in range(8):  # eight browsers on one address, each with its own session
        client = limited.test_client()
        participant = Participant(client)
        participant.enter("patients")
        participant.get("/q/patients/consent")
        token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', participant.html)
        replies.append(client.post("/q/patients/consent", data={
            "start_token": token.group(1) if token else "", "agree": "y",
            "csrf_token": participant.csrf}))
    assert [r.status_code for r in replies] == [302] * 4 + [429] * 4
    is_polite_429(replies[-1], "fr")
    assert len(responses(limited)) == 4


def test_counters_are_shared_by_every_worker_through_redis(
        database_url: str, redis_storage: dict[str, str]) -> None:
    first, second = (make_app(database_url, **LIMITS, **redis_storage).test_client()
                     for _ in "12")
    for n in range(3):
        assert first.get(f"/r/{bad_code(n)}").status_code == 404
    for n in range(2):
        assert second.get(f"/r/{bad_code(n + 3)}").status_code == 404
    assert second.get(f"/r/{bad_code(9)}").status_code == 429


def test_the_counters_never_hold_a_client_address(database_url: str,
                                                  storage: dict[str, str]) -> None:
    app = make_app(database_url, **LIMITS, **storage)
    client: FlaskClient = app.test_client()
    client.get(f"/r/{bad_code(1)}", environ_base={"REMOTE_ADDR": "203.0.113.77"})
    keys = stored_keys(app, storage)
    assert keys, "the bad code was counted"
    assert not any("203.0.113" in key or "127.0.0.1" in key for key in keys), keys


def test_each_address_has_its_own_counter(limited: Flask) -> None:
    client = limited.test_client()
    for n in range(5):
        client.get(f"/r/{bad_code(n)}", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert client.get(f"/r/{bad_code(7)}",
                      environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.get(f"/r/{bad_code(8)}",
                      environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 404


def test_the_default_limits_leave_room_for_real_participants(app: Flask) -> None:
    assert app.config["RATELIMIT_RESUME"] == "10 per minute;60 per hour"
    assert app.config["RATELIMIT_CONSENT"] == "30 per minute;300 per hour"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
