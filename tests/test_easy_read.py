"""Easy-read wording on participants' pages: the switch, typed answers kept, the choice kept
on the response and restored through the private link, what each response was answered in."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from survey.questionnaire.model import Definition

from .participant import Participant, responses

# As a French page shows them: a no-break space before "?" (templating.FRENCH_SPACES).
EASY_FR = "Qui vous a demandé de répondre\u00a0?"  # service_type, easy-read
STANDARD_FR = "Quel service vous a invité·e à répondre\u00a0?"
EASY_EN = "Who asked you to answer?"


def _switch_button(html: str) -> str | None:
    match = re.search(r'<button class="link" type="submit" name="nav" value="wording">([^<]+)<',
                      html)
    return match.group(1) if match else None


def test_switch_keeps_what_was_typed_and_is_kept_on_the_response(
        client: FlaskClient, bundled: dict[str, Definition]) -> None:
    participant = Participant(client)
    participant.start("patients")
    assert participant.section == "your_visit"
    assert STANDARD_FR in participant.html and EASY_FR not in participant.html
    assert _switch_button(participant.html) == "Facile à lire"
    # typed, not yet sent: the switch saves it as "Previous" would (a half-typed number too)
    participant.post([("service_type", "coop"), ("visits", "1x")], nav="wording")
    assert participant.status == 200 and participant.section == "your_visit"
    html = participant.html
    assert EASY_FR in html and STANDARD_FR not in html
    assert "Une coopérative de santé (une coop)" in html  # a choice in easy-read
    assert re.search(r'value="coop"[^>]*checked', html)
    assert re.search(r'name="visits"[^>]*value="1x"', html)
    assert _switch_button(html) == "Texte habituel"
    stored = responses(client.application)[-1]
    assert stored.wording == "easy"
    assert stored.answered_in == "standard"  # that page was answered in the standard wording
    # back to the standard wording: still there
    participant.post([("service_type", "coop"), ("visits", "3")], nav="wording")
    assert STANDARD_FR in participant.html
    assert re.search(r'value="coop"[^>]*checked', participant.html)
    assert responses(client.application)[-1].wording == "standard"


def test_wording_follows_the_response_through_its_private_link(
        client: FlaskClient, app, bundled: dict[str, Definition]) -> None:
    participant = Participant(client)
    participant.start("patients", lang="en")
    participant.post([], nav="wording")
    assert EASY_EN in participant.html
    participant.post([("service_type", "clinic")], nav="later")
    link = re.search(r'/r/[A-Za-z0-9_-]+', participant.html)
    assert link
    other = Participant(app.test_client())  # another phone, which never chose a wording
    other.get(link.group(0))
    assert other.section == "your_visit"
    assert EASY_EN in other.html and 'lang="en"' in other.html
    assert re.search(r'value="clinic"[^>]*checked', other.html)


def test_mixed_when_pages_were_answered_in_both_wordings(
        client: FlaskClient, bundled: dict[str, Definition]) -> None:
    definition = bundled["patients"]
    participant = Participant(client)
    participant.start("patients")
    participant.answer_page(definition)  # page 1, standard
    participant.post([], nav="wording")  # nothing typed on page 2: nothing answered yet
    assert responses(client.application)[-1].answered_in == "standard"
    participant.complete(definition)  # the rest in easy-read
    stored = responses(client.application)[-1]
    assert stored.completed_at is not None
    assert (stored.wording, stored.answered_in) == ("easy", "mixed")


def test_all_in_easy_read_from_the_welcome_page(
        client: FlaskClient, bundled: dict[str, Definition]) -> None:
    definition = bundled["patients"]
    participant = Participant(client)
    participant.enter("patients")
    link = re.search(r'<a class="button secondary" href="(/q/patients\?wording=easy)">'
                     r'Facile à lire</a>', participant.html)
    assert link, participant.html
    participant.get(link.group(1))
    assert "Les soins près de chez vous" in participant.html  # the title, easy-read
    participant.get("/q/patients/consent")
    assert "Nous gardons seulement vos réponses." in participant.html
    token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', participant.html)
    assert token
    participant.post([("start_token", token.group(1)), ("agree", "y")], nav=None)
    assert EASY_FR in participant.html
    participant.complete(definition)
    stored = responses(client.application)[-1]
    assert (stored.wording, stored.answered_in) == ("easy", "easy")


def test_no_switch_without_easy_wording(client: FlaskClient,
                                        bundled: dict[str, Definition]) -> None:
    participant = Participant(client)
    participant.start("professionals")
    assert _switch_button(participant.html) is None
    assert "wording=easy" not in participant.html
    # a forged switch post is an ordinary save: nothing changes
    section = participant.section
    participant.post([], nav="wording")
    assert participant.section == section
    assert responses(client.application)[-1].wording == "standard"


def test_exports_say_which_wording_each_response_was_answered_in(
        client: FlaskClient, app, bundled: dict[str, Definition]) -> None:
    import csv
    import io

    from survey.exports import Export, Selection, csv_wide
    from survey.exports.codebooks import codebook_rows

    definition = bundled["patients"]
    for steps in ("standard", "easy", "mixed"):
        participant = Participant(app.test_client())
        participant.start("patients")
        if steps == "easy":
            participant.post([], nav="wording")
        participant.answer_page(definition)
        if steps == "mixed":
            participant.post([], nav="wording")
        participant.complete(definition)
    with app.app_context():
        export = Export.of(Selection("patients"))
        rows = list(csv.DictReader(io.StringIO(b"".join(csv_wide(export)).decode("utf-8-sig"))))
        book = {row[0]: row for row in codebook_rows(export.schema)}
    assert [row["wording"] for row in rows] == ["standard", "easy", "mixed"]
    assert "standard; easy; mixed" in book["wording"]
