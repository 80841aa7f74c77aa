"""Panel codes in use: researchers choose them per evaluation (page and command), participants
answer the questions after consent (or not), invitations carry them, exports show them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from survey.design import services as design
from survey.design.cli import evaluations_group
from survey.exports import Export, Selection, csv_wide
from survey.extensions import db
from survey.invitations import services as invitations
from survey.invitations.contacts import ContactRow
from survey.models import AuditEvent, Campaign, Contact, Evaluation, Invitation, Response
from survey.models.response import COMPLETED
from survey.panel import services as panel
from survey.panel.codes import short_code
from survey.panel.questions import DEFAULT
from survey.secrets import new_secret
from survey.versions import latest_version

from .participant import Participant
from .workspace import World, build_world, csrf, sign_in

XSS = '<script>alert(1)</script>"><b>'
ANSWERS = {"mother_initial": "Marie-Ève", "father_initial": "Éric",
           "birthplace_initial": "Québec", "birth_month": "3", "older_siblings": "1"}
SLIPPED = {"mother_initial": "  m ", "father_initial": "e", "birthplace_initial": "QUEBEC",
           "birth_month": "3", "older_siblings": "1"}


@pytest.fixture
def waves(app: Flask) -> dict[str, int]:
    """An evaluation with two waves, a campaign of the patients' questionnaire in each."""
    with app.app_context():
        evaluation = design.create_evaluation(None, name="Suivi")
        site = design.save_site(evaluation, None, name="Clinique", kind="clinic",
                                is_comparison=False)
        ids = {"evaluation": evaluation.id}
        for code in ("T0", "T1"):
            wave = design.save_wave(evaluation, None, code=code)
            campaign = design.create_campaign(evaluation, None, version=latest_version("patients"),
                                              site=site, wave=wave, name=code)
            design.set_campaign_status(campaign, "open", None)
            ids[code] = campaign.id
        return ids


def configure(app: Flask, evaluation_id: int, mode: str, questions=DEFAULT) -> None:  # noqa: ANN001
    with app.app_context():
        panel.configure(db.session.get(Evaluation, evaluation_id), mode, questions)


def consent_through(app: Flask, campaign_id: int, client: FlaskClient | None = None
                    ) -> Participant:
    """A participant follows the campaign's link and consents."""
    with app.app_context():
        slug = db.session.get(Campaign, campaign_id).slug
    person = Participant(client or app.test_client())
    person.get(f"/c/{slug}")
    person.get("/q/patients/consent")
    token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', person.html)
    person.post([("start_token", token.group(1)), ("agree", "y")], nav=None)
    return person


def stored(app: Flask) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def test_self_generated_codes_link_two_waves_despite_typing_slips(app: Flask,
                                                                   waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    first = consent_through(app, waves["T0"])
    assert first.path == "/q/patients/panel"
    assert "Votre code de participant" in first.html and "Je préfère ne pas répondre" in first.html
    first.post(list(ANSWERS.items()), nav="save")
    assert first.section is not None  # on to the questionnaire
    # The same person at the next wave, on another phone, typing differently.
    second = consent_through(app, waves["T1"])
    assert second.path == "/q/patients/panel"
    second.post(list(SLIPPED.items()), nav="save")
    assert second.section is not None
    someone = consent_through(app, waves["T1"])
    someone.post(list({**ANSWERS, "birth_month": "4"}.items()), nav="save")
    t0, t1, other = stored(app)
    assert t0.panel_hash and t0.panel_hash == t1.panel_hash != other.panel_hash
    # Nothing of the answers is kept: not in the response, not anywhere in the database.
    assert t0.answers == {} and t0.drafts == {}
    with app.app_context():
        for table in ("response", "evaluation", "audit_event"):
            dump = " ".join(map(str, db.session.execute(text(f"SELECT * FROM {table}")).all()))
            for raw in ("Marie", "Québec", "QUEBEC", "m=", "mother_initial=m"):
                assert raw not in dump, (table, raw)
    # Answered once: the page now leads on to the questionnaire.
    first.get("/q/patients/panel")
    assert first.section is not None


def test_prefer_not_to_say_goes_on_without_a_code(app: Flask, waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    person = consent_through(app, waves["T0"])
    person.post([("mother_initial", "M")], nav="skip")
    assert person.section is not None
    [response] = stored(app)
    assert response.panel_hash is None


def test_missing_answers_are_refused_beside_their_fields_and_shown_back_escaped(
        app: Flask, waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    person = consent_through(app, waves["T0"])
    response = person.client.post("/q/patients/panel", data={
        "csrf_token": person.csrf, "nav": "save", "mother_initial": XSS,
        "birthplace_initial": "-- ", "birth_month": "13"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('aria-invalid="true"') == 4  # father, birthplace, month, siblings
    assert "Je préfère ne pas répondre" in html and 'role="alert"' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert stored(app)[0].panel_hash is None
    expired = person.client.post("/q/patients/panel", data={**ANSWERS, "nav": "save"})
    assert expired.status_code == 400 and stored(app)[0].panel_hash is None
    as_json = person.client.post("/q/patients/panel", json=[1, 2])
    assert as_json.status_code == 400


def test_english_labels_and_months(app: Flask, waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    client = app.test_client()
    client.get("/?lang=en")
    person = consent_through(app, waves["T0"], client)
    assert "First letter of your mother" in person.html and "March" in person.html
    assert 'for="pc-birth_month"' in person.html and 'id="pc-birth_month"' in person.html


def test_without_self_generated_codes_consent_leads_to_the_questionnaire(
        app: Flask, waves: dict[str, int]) -> None:
    person = consent_through(app, waves["T0"])
    assert person.section is not None
    person.get("/q/patients/panel")
    assert person.section is not None
    assert stored(app)[0].panel_hash is None


def test_a_closed_campaign_closes_its_panel_page(app: Flask, waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    person = consent_through(app, waves["T0"])
    with app.app_context():
        design.set_campaign_status(db.session.get(Campaign, waves["T0"]), "closed", None)
    assert person.client.get("/q/patients/panel").status_code == 410


def _invitations(app: Flask, waves: dict[str, int]) -> dict[str, str]:
    """Tokens: Awa and Ben invited to both waves, and one link handed out without a contact."""
    rows = [ContactRow(row=2, email="awa@example.org", name="Awa", language="fr"),
            ContactRow(row=3, email="ben@example.org", name="Ben", language="fr")]
    tokens = {}
    with app.app_context():
        for wave in ("T0", "T1"):
            campaign = db.session.get(Campaign, waves[wave])
            invitations.import_contacts(campaign, rows)
        [anonymous] = invitations.generate(db.session.get(Campaign, waves["T1"]), 1)
        with app.test_request_context():
            for invitation in db.session.scalars(select(Invitation)):
                who = invitation.contact.email.split("@")[0] if invitation.contact else "anon"
                tokens[f"{who}-{invitation.campaign.name}"] = invitations.token_for(invitation)
        assert tokens["anon-T1"] == invitations.token_for(anonymous)
    return tokens


def test_invitations_carry_one_code_per_contact_across_waves(app: Flask,
                                                             waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "invitation")
    tokens = _invitations(app, waves)
    for name in ("awa-T0", "awa-T1", "ben-T1", "anon-T1"):
        person = Participant(app.test_client())
        person.get(f"/i/{tokens[name]}/consent")
        person.post([("agree", "y")], nav=None)
        assert person.section is not None, person.path  # no question asked
    awa_t0, awa_t1, ben, anonymous = stored(app)
    assert awa_t0.panel_hash and awa_t0.panel_hash == awa_t1.panel_hash != ben.panel_hash
    assert anonymous.panel_hash is None
    with app.app_context():
        dump = " ".join(map(str, db.session.execute(text("SELECT * FROM response")).all()))
        assert "awa" not in dump
        contact = db.session.scalar(select(Contact).filter_by(email="awa@example.org"))
        other = design.create_evaluation(None, name="Autre")
        panel.configure(other, "invitation")
        assert panel.hash_for_contact(other, contact) is None  # not its contact


def test_self_generated_codes_are_asked_through_invitations_too(app: Flask,
                                                                waves: dict[str, int]) -> None:
    configure(app, waves["evaluation"], "self")
    tokens = _invitations(app, waves)
    person = Participant(app.test_client())
    person.get(f"/i/{tokens['awa-T0']}/consent")
    person.post([("agree", "y")], nav=None)
    assert person.path == "/q/patients/panel"
    person.post(list(ANSWERS.items()), nav="save")
    assert person.section is not None
    answered = stored(app)[0].panel_hash
    assert answered and answered != _contact_hash(app)


def _contact_hash(app: Flask) -> str | None:
    with app.app_context():
        contact = db.session.scalar(select(Contact).filter_by(email="awa@example.org"))
        evaluation = db.session.get(Evaluation, contact.evaluation_id)
        evaluation.panel_mode = "invitation"  # not committed: what the contact would carry
        code = panel.hash_for_contact(evaluation, contact)
        db.session.rollback()
        return code


def test_invitation_codes_are_not_given_when_codes_are_off(app: Flask,
                                                           waves: dict[str, int]) -> None:
    tokens = _invitations(app, waves)
    person = Participant(app.test_client())
    person.get(f"/i/{tokens['awa-T0']}/consent")
    person.post([("agree", "y")], nav=None)
    assert stored(app)[0].panel_hash is None


def test_the_setting_is_checked_audited_locked_once_used_and_keeps_its_salt(
        app: Flask, waves: dict[str, int]) -> None:
    with app.app_context():
        evaluation = db.session.get(Evaluation, waves["evaluation"])
        assert (evaluation.panel_mode, evaluation.panel_salt) == ("off", None)
        for mode, questions, reason in (("both", DEFAULT, "invalid-mode"),
                                        ("self", DEFAULT[:3], "invalid-questions"),
                                        ("self", ("x", *DEFAULT[:3]), "invalid-questions")):
            with pytest.raises(panel.PanelError, match=reason):
                panel.configure(evaluation, mode, questions)
        panel.configure(evaluation, "invitation")
        salt = evaluation.panel_salt
        assert salt and len(salt) >= 32
        panel.configure(evaluation, "self", list(reversed(DEFAULT)))
        assert evaluation.panel_salt == salt and evaluation.panel_questions == list(DEFAULT)
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "panel-codes-set").order_by(AuditEvent.id.desc())
        ).details == {"mode": "self", "questions": list(DEFAULT)}
    consent_through(app, waves["T0"]).post(list(ANSWERS.items()), nav="save")
    with app.app_context():
        evaluation = db.session.get(Evaluation, waves["evaluation"])
        assert panel.collected(evaluation) == 1
        panel.configure(evaluation, "self", DEFAULT)  # no change: accepted
        with pytest.raises(panel.PanelError, match="panel-locked"):
            panel.configure(evaluation, "off")


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def test_researchers_choose_panel_codes_on_the_evaluation_page(app: Flask,
                                                               world: World) -> None:
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    client.get("/?lang=en")
    url = f"/design/e/{world.a.evaluation}/panel"
    assert url in client.get(f"/design/e/{world.a.evaluation}").get_data(as_text=True)
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Number of older brothers and sisters" in html
    refused = client.post(url, data={"csrf_token": csrf(page), "mode": "self",
                                     "questions": ["mother_initial", "birth_month"]})
    assert refused.status_code == 422
    assert "Choose at least four of the questions." in refused.get_data(as_text=True)
    no_token = client.post(url, data={"mode": "invitation"})
    assert no_token.status_code == 400  # CSRF
    saved = client.post(url, data={"csrf_token": csrf(page), "mode": "self",
                                   "questions": list(DEFAULT)}, follow_redirects=True)
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        assert evaluation.panel_mode == "self" and evaluation.panel_questions == list(DEFAULT)
    client.get("/?lang=fr")
    french = client.get(url).get_data(as_text=True)
    assert "Codes de panel" in french and "Nombre de frères et sœurs plus âgés" in french


def test_the_command_shows_and_sets_panel_codes(app: Flask, waves: dict[str, int]) -> None:
    runner = app.test_cli_runner()
    ident = str(waves["evaluation"])
    shown = runner.invoke(evaluations_group, ["panel-codes", ident])
    assert shown.exit_code == 0 and shown.output.split("\t")[:2] == [ident, "off"]
    questions = [arg for code in DEFAULT for arg in ("--question", code)]
    done = runner.invoke(evaluations_group, ["panel-codes", ident, "self", *questions])
    assert done.exit_code == 0 and f"self\t{','.join(DEFAULT)}" in done.output
    refused = runner.invoke(evaluations_group, ["panel-codes", ident, "self",
                                                     "--question", "birth_month"])
    assert refused.exit_code != 0 and "refused: invalid-questions" in refused.output


def _coded_response(campaign: Campaign, panel_hash: str | None) -> int:
    response = Response(version_id=campaign.version_id, campaign_id=campaign.id,
                        status=COMPLETED, language="fr", answers={}, panel_hash=panel_hash,
                        resume_hash=new_secret(), start_hash=new_secret())
    db.session.add(response)
    db.session.commit()
    return response.id


def test_exports_show_the_short_code_to_row_level_readers_only(app: Flask,
                                                               world: World) -> None:
    code = "ab" * 32
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        coded = _coded_response(campaign, code)
        plain = _coded_response(campaign, None)

        def rows(panel_codes: bool) -> dict[int, dict[str, str]]:
            export = Export.of(Selection("professionals", evaluation_id=world.a.evaluation),
                               panel_codes=panel_codes)
            data = b"".join(csv_wide(export)).decode("utf-8-sig")
            return {int(r["response_id"]): r for r in csv.DictReader(io.StringIO(data))}

        with_codes, without = rows(True), rows(False)
    assert with_codes[coded]["panel_code"] == short_code(code) != ""
    assert with_codes[plain]["panel_code"] == "" and without[coded]["panel_code"] == ""
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    download = client.get(f"/results/e/{world.a.evaluation}/download/csv?q=professionals")
    assert download.status_code == 200 and short_code(code) in download.get_data(as_text=True)
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    assert partner.get(f"/results/e/{world.a.evaluation}/download/csv?q=professionals"
                       ).status_code == 403
