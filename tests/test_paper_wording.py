"""Paper copies in easy-read wording (issues 29 and 26): a copy printed in the easy-read wording
prints every text in it (questions, help, choices, the answers its skip instructions quote)
and says so in its header; the wording is offered only where the questionnaire has it, kept
on each copy, and carried by the response typed back from it into the exports."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, g
from flask_babel import force_locale
from sqlalchemy import func, select

from survey.design import services as design
from survey.extensions import db
from survey.models import Campaign, Evaluation, Response, User
from survey.models.paper import PaperCopy
from survey.paper import services
from survey.paper.printing import Printout, printout
from survey.questionnaire import load_file
from survey.questionnaire.model import Definition
from survey.questionnaire.wording import EASY, STANDARD, in_wording
from survey.versions import latest_version

from .workspace import build_world, csrf, sign_in

PATIENTS = Path("questionnaires") / "patients.yaml"
EASY_QUESTION = "Who asked you to answer?"  # service_type in easy-read English
STANDARD_QUESTION = "Which service invited you to answer?"
EASY_CHOICE, STANDARD_CHOICE = "Something else", "Another service"  # service_type "other"
EASY_HELP = "Count your visits. Count your calls too."  # visits' help, easy-read
EASY_TITLE_FR = "Qui vous a demandé de répondre\u00a0?"  # printed with a no-break space


@dataclass
class Copies:
    evaluation: int
    patients: int  # a campaign of the patients questionnaire (easy-read in fr and en)
    professionals: int  # a campaign of a questionnaire without easy-read wording
    users: dict[str, int]


@pytest.fixture
def world(app: Flask) -> Copies:
    built = build_world(app, passwords=False)
    with app.app_context():
        evaluation = db.session.get(Evaluation, built.a.evaluation)
        researcher = db.session.get(User, built.users["researcher"])
        made = {code: design.create_campaign(evaluation, researcher,
                                             version=latest_version(code),
                                             site=evaluation.sites[0],
                                             wave=evaluation.waves[0]).id
                for code in ("patients", "professionals")}
        return Copies(evaluation.id, made["patients"], made["professionals"], built.users)


def _printed(app: Flask, definition: Definition, language: str) -> Printout:
    with app.test_request_context(), force_locale(language):
        g._locale_code = language
        return printout(definition, lambda item: definition.roster(item, None))


def _item(printed: Printout, code: str):  # noqa: ANN202
    return next(p for s in printed.sections for p in s.items if p.item.code == code)


# -- the printed copy, without HTTP ------------------------------------------------------------

def test_an_easy_copy_prints_items_choices_and_skips_in_easy_read(app: Flask) -> None:
    definition = load_file(PATIENTS)
    easy = _printed(app, in_wording(definition, EASY), "en")
    standard = _printed(app, in_wording(definition, STANDARD), "en")
    with app.test_request_context(), force_locale("en"):
        from survey.templating import text

        easy_item, standard_item = _item(easy, "service_type"), _item(standard, "service_type")
        assert text(easy_item.item.text) == EASY_QUESTION
        assert text(standard_item.item.text) == STANDARD_QUESTION
        assert text(_item(easy, "visits").item.help).startswith(EASY_HELP)
    assert (EASY_CHOICE, "other") in easy_item.choices
    assert (STANDARD_CHOICE, "other") in standard_item.choices
    # the same questions, numbers and codes: only the words differ
    assert [(p.item.code, p.number, [c for _l, c in p.choices]) for s in easy.sections
            for p in s.items] == [(p.item.code, p.number, [c for _l, c in p.choices])
                                  for s in standard.sections for p in s.items]
    # the skip instruction quotes the answer as this copy prints it
    after = _item(easy, "service_other").number + 1
    assert easy_item.jumps == [f"If you did not answer “{EASY_CHOICE}”, go to question "
                               f"{after}."]
    assert standard_item.jumps == [f"If you did not answer “{STANDARD_CHOICE}”, go to "
                                   f"question {after}."]


def test_copies_keep_their_wording_and_easy_read_is_offered_only_where_it_exists(
        app: Flask, world: Copies) -> None:
    with app.app_context():
        researcher = db.session.get(User, world.users["researcher"])
        patients = db.session.get(Campaign, world.patients)
        professionals = db.session.get(Campaign, world.professionals)
        assert services.wordings_offered(patients.version.definition) == {"fr": True,
                                                                          "en": True}
        assert not any(services.wordings_offered(professionals.version.definition).values())
        made = services.print_copies(patients, 2, "en", researcher, EASY)
        plain = services.print_copies(patients, 1, "fr", researcher)
        assert [c.wording for c in made + plain] == [EASY, EASY, STANDARD]
        for campaign, wording, reason in ((patients, "Easy", "wording"),
                                          (patients, "", "wording"),
                                          (professionals, EASY, "easy_language")):
            with pytest.raises(services.PaperError) as refused:
                services.print_copies(campaign, 1, "en", researcher, wording)
            assert refused.value.reason == reason
        assert db.session.scalar(select(func.count()).select_from(PaperCopy)) == 3


def test_a_response_typed_from_an_easy_copy_is_exported_as_answered_in_easy(
        app: Flask, world: Copies) -> None:
    from survey.exports import Export, Selection, csv_wide

    with app.app_context():
        researcher = db.session.get(User, world.users["researcher"])
        navigator = db.session.get(User, world.users["navigator"])
        patients = db.session.get(Campaign, world.patients)
        [easy] = services.print_copies(patients, 1, "fr", researcher, EASY)
        [standard] = services.print_copies(patients, 1, "fr", researcher)
        services.record_entry(easy, {"service_type": "other", "visits": 2}, navigator)
        services.record_entry(standard, {"service_type": "coop"}, navigator)
        stored = {r.answers["service_type"]: (r.mode, r.wording, r.answered_in)
                  for r in db.session.scalars(select(Response))}
        assert stored == {"other": ("paper", EASY, EASY),
                          "coop": ("paper", STANDARD, STANDARD)}
        export = Export.of(Selection("patients"))
        rows = list(csv.DictReader(io.StringIO(
            b"".join(csv_wide(export)).decode("utf-8-sig"))))
    assert {row["service_type"]: row["wording"] for row in rows} == {"other": "easy",
                                                                     "coop": "standard"}


# -- the pages ---------------------------------------------------------------------------------

def _client(app: Flask, world: Copies, role: str):  # noqa: ANN202
    client = app.test_client()
    sign_in(client, app, world.users[role])
    return client


def test_print_form_offers_the_wording_and_prints_the_easy_copy(app: Flask,
                                                                world: Copies) -> None:
    client = _client(app, world, "evaluator")
    base = f"/evaluations/{world.evaluation}/paper/campaigns"
    page = client.get(f"{base}/{world.patients}")
    html = page.get_data(as_text=True)
    assert 'name="wording" value="easy"' in html and "Texte facile à lire" in html
    assert 'name="wording"' not in client.get(f"{base}/{world.professionals}").get_data(
        as_text=True)
    made = client.post(f"{base}/{world.patients}", data={
        "csrf_token": csrf(page), "action": "print", "count": "2", "language": "en",
        "wording": "easy"})
    assert made.status_code == 302
    printed = client.get(made.headers["Location"]).get_data(as_text=True)
    assert EASY_QUESTION in printed and STANDARD_QUESTION not in printed
    assert f"“{EASY_CHOICE}”" in printed and STANDARD_CHOICE not in printed
    assert EASY_HELP in printed
    # the header of each copy names its wording in small print, for data entry
    assert len(re.findall(r'<p class="wording">Easy-read wording <span class="code">easy'
                          r'</span></p>', printed)) == 2
    listing = client.get(f"{base}/{world.patients}").get_data(as_text=True)
    assert listing.count("English · Facile à lire") == 2
    standard = client.post(f"{base}/{world.patients}", data={
        "csrf_token": csrf(page), "action": "print", "count": "1", "language": "en",
        "wording": "standard"})
    printed = client.get(standard.headers["Location"]).get_data(as_text=True)
    assert STANDARD_QUESTION in printed and EASY_QUESTION not in printed
    assert '<p class="wording">Standard wording <span class="code">standard' in printed


def test_print_form_refuses_a_hostile_or_unavailable_wording_with_a_message(
        app: Flask, world: Copies) -> None:
    client = _client(app, world, "researcher")
    base = f"/evaluations/{world.evaluation}/paper/campaigns"
    for campaign, wording, words in (
            (world.patients, "easy' OR 1=1", "Choisissez le texte habituel ou le texte "
                                             "facile à lire."),
            (world.patients, "EASY", "Choisissez le texte habituel"),
            (world.professionals, "easy", "pas de texte facile à lire dans cette langue")):
        page = client.get(f"{base}/{campaign}")
        refused = client.post(f"{base}/{campaign}", data={
            "csrf_token": csrf(page), "action": "print", "count": "3", "language": "fr",
            "wording": wording})
        assert refused.status_code == 422, wording
        assert words in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaperCopy)) == 0


def test_specimen_prints_in_easy_read_when_asked_and_available(app: Flask,
                                                                world: Copies) -> None:
    client = _client(app, world, "partner")
    with app.app_context():
        patients = db.session.get(Campaign, world.patients).version.content_hash
        professionals = db.session.get(Campaign, world.professionals).version.content_hash
    url = f"/evaluations/{world.evaluation}/paper/versions/{patients}"
    easy = client.get(f"{url}?lang=fr&wording=easy").get_data(as_text=True)
    assert EASY_TITLE_FR in easy and '<span class="code">easy</span>' in easy
    for hostile in ("", "&wording=EASY", "&wording=%00"):
        standard = client.get(f"{url}?lang=fr{hostile}")
        assert standard.status_code == 200
        assert EASY_TITLE_FR not in standard.get_data(as_text=True)
    other = client.get(f"/evaluations/{world.evaluation}/paper/versions/{professionals}"
                       "?lang=fr&wording=easy").get_data(as_text=True)
    assert 'class="wording"' not in other  # no easy-read wording: nothing to name
    version_page = client.get(f"/design/e/{world.evaluation}/questionnaires/versions/"
                              f"{patients}").get_data(as_text=True)
    assert "wording=easy" in version_page
    assert "Spécimen imprimable en texte facile à lire (Français)" in version_page


def test_entry_form_says_the_copy_was_printed_in_easy_read(app: Flask, world: Copies) -> None:
    with app.app_context():
        patients = db.session.get(Campaign, world.patients)
        researcher = db.session.get(User, world.users["researcher"])
        easy = services.print_copies(patients, 1, "fr", researcher, EASY)[0].identifier
        standard = services.print_copies(patients, 1, "fr", researcher)[0].identifier
    client = _client(app, world, "navigator")
    base = f"/evaluations/{world.evaluation}/paper/entry"
    html = client.get(f"{base}/{easy}").get_data(as_text=True)
    assert "Cette copie a été imprimée en texte facile à lire" in html
    # typed in the standard wording, with the codes printed on the copy
    assert 'class="code">service_type<' in html and 'value="other"' in html
    plain = client.get(f"{base}/{standard}").get_data(as_text=True)
    assert "Cette copie a été imprimée en texte habituel." in plain
    assert "facile à lire" not in plain
