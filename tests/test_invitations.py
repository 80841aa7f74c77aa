"""Single-use invitations: generated or imported, stored hashed, exported as links, opened by a
participant (a used token resumes its own response, never starts a second one), revocable."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.extensions import db
from survey.invitations import services
from survey.invitations.contacts import parse_contacts
from survey.models import AuditEvent, Campaign, Contact, Evaluation, Invitation, Response
from survey.models.workspace import CLOSED, OPEN
from survey.secrets import digest, new_secret
from survey.versions import latest_version

from .participant import Participant, responses

CONTACTS = ("email,name,language\n"
            "awa@example.org,Awa Diallo,fr\n"
            "ben@example.org,Ben Tremblay,en\n"
            "chloe@example.org,\"=HYPERLINK(\"\"http://x\"\")\",fr\n"
            "dan@example.org,Dan,fr\n")


def make_campaign(app: Flask, code: str = "patients", name: str = "Clinique X") -> int:
    with app.app_context():
        evaluation = Evaluation(name=name, responsible_name="Dre Lin",
                                contact_email="lin@example.org")
        version = latest_version(code)
        campaign = Campaign(evaluation=evaluation, version_id=version.id,
                            audience=version.definition.audience, status=OPEN,
                            slug=new_secret(12), name=f"{name} T0")
        db.session.add_all([evaluation, campaign])
        db.session.commit()
        return campaign.id


@pytest.fixture
def campaign_id(app: Flask) -> Iterator[int]:
    yield make_campaign(app)


def token_of(app: Flask, invitation_id: int) -> str:
    with app.test_request_context():
        return services.token_for(db.session.get(Invitation, invitation_id))


def test_generated_tokens_are_random_stored_only_as_digests_and_audited(
        app: Flask, campaign_id: int) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        invitations = services.generate(campaign, 3)
        tokens = [services.token_for(i) for i in invitations]
        assert len(set(tokens)) == 3
        assert all(len(t) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)
        for invitation, token in zip(invitations, tokens, strict=True):
            assert invitation.token_hash == digest(token)
            assert token not in (invitation.seed, invitation.token_hash)
            assert services.find(token).id == invitation.id
        assert services.find("x" * 40) is None and services.find("../../etc") is None
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "invitations-generated"))
        assert event.details["count"] == 3 and event.evaluation_id == campaign.evaluation_id
        with pytest.raises(ValueError):
            services.generate(campaign, 0)


def test_imported_contacts_are_invited_once_and_kept_apart(app: Flask, campaign_id: int) -> None:
    parsed = parse_contacts(CONTACTS.encode(), ["fr", "en"])
    assert [p.row for p in parsed.problems] == [4]
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        result = services.import_contacts(campaign, parsed.contacts)
        assert (result.invited, result.already) == (3, 0)
        again = services.import_contacts(campaign, parsed.contacts)
        assert (again.invited, again.already) == (0, 3)
        assert db.session.scalar(select(func.count(Contact.id))) == 3
        assert db.session.scalar(select(func.count(Invitation.id))) == 3
        # A second campaign of the same evaluation reuses the contacts.
        other = Campaign(evaluation_id=campaign.evaluation_id, version_id=campaign.version_id,
                         audience=campaign.audience, status=OPEN, slug=new_secret(12))
        db.session.add(other)
        db.session.commit()
        assert services.import_contacts(other, parsed.contacts).invited == 3
        assert db.session.scalar(select(func.count(Contact.id))) == 3
        # Contacts never sit beside answers: the response table has no column naming them.
        assert not {c.name for c in Response.__table__.columns} & {"contact_id", "email", "name"}
        actions = list(db.session.scalars(select(AuditEvent.action)))
        assert actions.count("invitations-imported") == 3


def test_links_export_is_a_mail_merge_csv_with_formulas_neutralised(app: Flask,
                                                                   campaign_id: int) -> None:
    hostile = parse_contacts(b"email,name\nawa@example.org,-2+3\n", ["fr", "en"])
    assert hostile.problems  # refused on import...
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        contact = Contact(evaluation_id=campaign.evaluation_id, email="eve@example.org",
                          name="=cmd|' /C calc'!A0", language="fr")  # ...or typed elsewhere
        db.session.add(contact)
        db.session.commit()
        services.import_contacts(campaign, parse_contacts(
            b"email,name\nawa@example.org,Awa\n", ["fr", "en"]).contacts)
        db.session.add(services.new_invitation(campaign, contact))
        services.generate(campaign, 1)
        db.session.commit()
        text = services.links_csv(campaign)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["email"] for r in rows] == ["awa@example.org", "eve@example.org", ""]
    assert rows[1]["name"] == "'=cmd|' /C calc'!A0"
    for row in rows:
        assert re.fullmatch(r"http://survey\.test/i/[A-Za-z0-9_-]{32,}", row["link"])
        assert row["status"] == "new"
    with app.app_context():
        assert {services.find(r["link"].rsplit("/", 1)[1]).id for r in rows} == {1, 2, 3} or all(
            services.find(r["link"].rsplit("/", 1)[1]) is not None for r in rows)


def test_base_url_is_used_for_links_never_the_host_header(app: Flask, campaign_id: int) -> None:
    app.config["BASE_URL"] = "https://enquete.example.org/"
    with app.app_context():
        [invitation] = services.generate(db.session.get(Campaign, campaign_id), 1)
        invitation_id = invitation.id
    with app.test_request_context(headers={"Host": "evil.example"}):
        link = services.invitation_link(db.session.get(Invitation, invitation_id))
    assert link.startswith("https://enquete.example.org/i/")


# -- the participant's side ------------------------------------------------------------------

def open_invitation(app: Flask, campaign_id: int) -> str:
    with app.app_context():
        [invitation] = services.generate(db.session.get(Campaign, campaign_id), 1)
        return token_of(app, invitation.id)


def consent(participant: Participant, token: str) -> None:
    participant.get(f"/i/{token}")
    assert participant.status == 200, participant.html
    participant.get(f"/i/{token}/consent")
    participant.post([("agree", "y")], nav=None)


def test_a_token_starts_one_response_and_resumes_it_on_any_device(
        app: Flask, campaign_id: int, bundled) -> None:  # noqa: ANN001
    token = open_invitation(app, campaign_id)
    phone = Participant(app.test_client())
    consent(phone, token)
    assert phone.section is not None
    phone.answer_page(bundled["patients"])
    page = phone.section
    [response] = responses(app)
    assert response.campaign_id == campaign_id
    # Another device, or the link opened again: the same response, at the same page.
    laptop = Participant(app.test_client())
    laptop.get(f"/i/{token}")
    assert laptop.section == page
    # Even a consent form kept open elsewhere and posted again starts nothing new.
    other = Participant(app.test_client())
    other.client.get(f"/i/{token}/consent")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     other.client.get(f"/i/{token}/consent").get_data(as_text=True))
    other.client.post(f"/i/{token}/consent", data={"agree": "y", "csrf_token": csrf.group(1)
                                                   if csrf else ""})
    assert len(responses(app)) == 1
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.response_id == response.id and invitation.used_at is not None
        services.revoke(invitation)
    assert app.test_client().get(f"/i/{token}").status_code == 410  # revoked: not even resumed


def test_a_completed_invitation_shows_the_thank_you_page(app: Flask, campaign_id: int,
                                                         bundled) -> None:  # noqa: ANN001
    token = open_invitation(app, campaign_id)
    participant = Participant(app.test_client())
    consent(participant, token)
    participant.complete(bundled["patients"])
    again = Participant(app.test_client())
    again.get(f"/i/{token}")
    assert again.path.endswith("/done")
    assert len(responses(app)) == 1 and responses(app)[0].status == "completed"


def test_revoked_and_closed_invitations_are_refused_politely(app: Flask,
                                                            campaign_id: int) -> None:
    token = open_invitation(app, campaign_id)
    client = app.test_client()
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.status = CLOSED
        db.session.commit()
    closed = client.get(f"/i/{token}?lang=en")
    assert closed.status_code == 410 and "is closed" in closed.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.status = OPEN
        services.revoke(db.session.scalar(select(Invitation)))
    revoked = client.get(f"/i/{token}")
    assert revoked.status_code == 410
    assert "no longer valid" in revoked.get_data(as_text=True)
    assert client.get(f"/i/{token}/consent").status_code == 410
    assert client.get("/i/" + "A" * 32).status_code == 404
    assert responses(app) == []


def test_unsubscribe_asks_before_and_honours_one_click(app: Flask, campaign_id: int) -> None:
    token = open_invitation(app, campaign_id)
    client = app.test_client()
    page = client.get(f"/u/{token}")
    assert page.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Invitation)).unsubscribed_at is None  # GET changes nothing
    assert client.post(f"/u/{token}", data={}).status_code == 200  # no CSRF token: refused
    with app.app_context():
        assert db.session.scalar(select(Invitation)).unsubscribed_at is None
    one_click = client.post(f"/u/{token}", data="List-Unsubscribe=One-Click",
                            content_type="application/x-www-form-urlencoded")
    assert one_click.status_code == 204
    with app.app_context():
        assert db.session.scalar(select(Invitation)).unsubscribed_at is not None
