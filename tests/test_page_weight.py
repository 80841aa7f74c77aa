"""What a participant's phone pays: every participant page, refused ones included, within 15 KB as
transferred (bench/page_weight.py); pages compressed whatever their status; a post from keep.js
answered without a redirect, so that a saved page costs one POST and one GET."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from bench.page_weight import BUDGET, OPTIONS, measure
from survey.design.services import ensure_demo
from survey.questionnaire import Definition

from .participant import Participant, typical_answer

PACKED = {"Accept-Encoding": "br, gzip"}


def test_every_participant_page_even_refused_stays_within_the_budget(app: Flask) -> None:
    rows = measure(app)
    labels = {row.label for row in rows}
    for code in ("citizens", "patients", "professionals"):
        assert {f"{code}: welcome", f"{code}: consent", f"{code}: consent refused",
                f"{code}: continue later", f"{code}: thank you"} <= labels
    refused = [row for row in rows if row.label.endswith(" refused")]
    assert len(refused) > 20 and {row.status for row in refused} == {422}
    assert "professionals: page leadership_network refused" in labels  # the heaviest
    over = [(row.label, row.sent) for row in rows if row.sent > BUDGET]
    assert not over, f"over {BUDGET} bytes as transferred: {over}"
    for row in refused:  # compressed like any page: under half its size, headers and all
        assert row.sent * 2 < row.plain, row


def test_every_page_with_larger_text_and_faces_on_stays_within_the_budget(app: Flask) -> None:
    """The display options turned on from the first page: faces.css on the pages with scales,
    the class of larger text everywhere, each page within the budget."""
    rows = measure(app, OPTIONS)
    labels = {row.label for row in rows}
    assert "patients (larger_text, faces): page access refused" in labels
    assert "professionals (larger_text, faces): page leadership_network refused" in labels
    over = [(row.label, row.sent) for row in rows if row.sent > BUDGET]
    assert not over, f"over {BUDGET} bytes as transferred: {over}"
    plain = {row.label.replace(" (larger_text, faces)", ""): row.plain for row in rows}
    alone = {row.label: row.plain for row in measure(app)}
    assert plain["patients: page access"] > alone["patients: page access"]  # faces drawn


def _started(app: Flask, client: FlaskClient, code: str) -> Participant:
    """A participant who came through the demonstration campaign's link and consented."""
    with app.app_context():
        slug = next(c.slug for c in ensure_demo().campaigns
                    if c.is_open and c.version.questionnaire.code == code)
    participant = Participant(client)
    participant.get(f"/c/{slug}")
    participant.start(code)
    return participant


def _at_nomination_page(participant: Participant, bundled: dict[str, Definition]) -> None:
    while participant.section != "leadership_network":
        participant.answer_page(bundled["professionals"])


def test_a_refused_page_and_an_error_page_travel_compressed(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    participant = _started(app, client, "professionals")
    _at_nomination_page(participant, bundled)
    leaders = bundled["professionals"].item("leaders")
    assert leaders is not None
    chosen = bundled["professionals"].roster(leaders)[0].key
    data = MultiDict([("leaders", chosen), ("csrf_token", participant.csrf), ("nav", "next")])
    plain = client.post(participant.path, data=data)
    refused = client.post(participant.path, data=data, headers=PACKED)
    assert refused.status_code == plain.status_code == 422
    assert refused.headers["Content-Encoding"] in ("br", "gzip")
    assert "Accept-Encoding" in refused.headers["Vary"]
    assert len(refused.data) * 4 < len(plain.data)
    assert refused.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    missing = client.get("/c/no-such-campaign", headers=PACKED)
    assert missing.status_code == 404 and missing.headers["Content-Encoding"] in ("br", "gzip")


def test_a_post_from_keep_js_is_told_where_to_go_not_redirected(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    participant = _started(app, client, "patients")
    first = participant.path
    section = patients.section(participant.section or "")
    assert section is not None
    pairs = [pair for item in section.items for pair in typical_answer(patients, item)]
    data = MultiDict([*pairs, ("csrf_token", participant.csrf), ("nav", "next")])
    told = participant.client.post(first, data=data, headers={"X-Keep": "1"})
    assert told.status_code == 204 and told.data == b""
    assert "Location" not in told.headers
    after = told.headers["X-Keep-Location"]
    assert after.startswith("/q/patients/p/") and after != first
    assert participant.get(after).status_code == 200  # saved: the next page opens
    assert participant.path == after

    # Without the header (no script) the same kind of post gets its ordinary redirect.
    participant.get(first)
    data = MultiDict([*pairs, ("csrf_token", participant.csrf), ("nav", "later")])
    plain = participant.client.post(first, data=data)
    assert plain.status_code in (302, 303) and plain.headers["Location"].endswith("/later")
    assert "X-Keep-Location" not in plain.headers

    # A refusal is the page with its messages, as usual, whoever posts it.
    participant.get(first)
    data = MultiDict([("visits", "150"), ("csrf_token", participant.csrf), ("nav", "next")])
    refused = participant.client.post(first, data=data, headers={"X-Keep": "1"})
    assert refused.status_code == 422 and "X-Keep-Location" not in refused.headers
    assert 'id="error-summary"' in refused.get_data(as_text=True)
