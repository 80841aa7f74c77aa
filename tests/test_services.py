"""Response services under concurrency: no save is lost, completion happens once."""

from __future__ import annotations

import threading

from flask import Flask

from survey.extensions import db
from survey.models import Response
from survey.participate import services
from survey.secrets import new_secret
from survey.versions import latest_version


def started(app: Flask) -> int:
    with app.app_context():
        version = latest_version("patients")
        token = new_secret()
        response = services.start_response(version, "fr", token, new_secret(),
                                           version.definition.sections[0].code)
        return response.id


def run_together(app: Flask, work: list) -> list:  # noqa: ANN001
    results: list = [None] * len(work)
    barrier = threading.Barrier(len(work))

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work[index]()
            except Exception as error:  # noqa: BLE001
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_saves_of_different_pages_are_all_kept(app: Flask) -> None:
    response_id = started(app)

    def saver(prefix: str):  # noqa: ANN202
        def save() -> None:
            for n in range(10):
                services.save_answers(response_id, {f"{prefix}{n}": n}, None, [])
        return save

    assert run_together(app, [saver("a"), saver("b"), saver("c")]) == [None, None, None]
    with app.app_context():
        response = db.session.get(Response, response_id)
        assert response.answers == {f"{p}{n}": n for p in "abc" for n in range(10)}
        assert response.revision == 30


def test_concurrent_finish_completes_once(app: Flask) -> None:
    response_id = started(app)
    def finish():  # noqa: ANN202
        return services.complete(response_id, {"service_type": "coop"}).completed_at

    results = run_together(app, [finish, finish, finish])
    closed = [r for r in results if isinstance(r, services.ResponseClosed)]
    times = {r for r in results if not isinstance(r, Exception)}
    assert len(times) == 1 and len(closed) == 2, results
    with app.app_context():
        assert db.session.get(Response, response_id).completed_at in times
