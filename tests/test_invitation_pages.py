"""The invitation, outbox and monitoring pages as researchers, evaluators and partners use them
in a browser: import a contact file and read its report, create and export links, send emails,
read the outbox, watch the counts (partners see small counts as "< 5")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Invitation, Mailing

from .participant import Participant
from .workspace import World, build_world, csrf, sign_in

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
CONTACTS = ("email,name,language\n"
            f"awa@example.org,{XSS},fr\n"
            "ben@example.org,Ben,en\n"
            "not-an-address,Nobody,fr\n"
            "carl@example.org,=1+2,fr\n"
            "dan@example.org,Dan,fr\n"
            "eve@example.org,Eve,en\n").encode()


@pytest.fixture
def world(app: Flask, tmp_path: Path) -> World:
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    return build_world(app, passwords=False)


def as_role(app: Flask, world: World, role: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, world.users[role])
    return client


def base(world: World) -> str:
    return f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}"


def upload(client: FlaskClient, world: World, data: bytes, name: str = "contacts.csv"):  # noqa: ANN201
    page = client.get(base(world) + "/invitations")
    return client.post(base(world) + "/invitations/import", data={
        "csrf_token": csrf(page), "contacts": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_importing_contacts_reports_each_refused_line_and_escapes_names(app: Flask,
                                                                       world: World) -> None:
    client = as_role(app, world, "evaluator")
    response = upload(client, world, CONTACTS)
    assert response.status_code == 302  # Post/Redirect/Get: a reload never imports again
    assert response.headers["Location"] == base(world) + "/invitations"
    response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 contacts ajoutés\u00a0: aucun message envoyé pour l’instant." in html
    assert "0 courriel d’invitation envoyé jusqu’ici." in html  # nobody is "invited" yet
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>", html)
    assert rows == [("4", "email"), ("5", "name")]
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 4
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "invitations-imported")).actor_id == world.users["evaluator"]
    reloaded = client.get(base(world) + "/invitations").get_data(as_text=True)
    assert "4 contacts ajoutés\u00a0: aucun message envoyé" in reloaded  # the report stays
    assert re.findall(r"<tr><td>(\d+)</td><td>(\w*)</td><td>", reloaded) == rows
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 4  # nothing imported again
    elsewhere = as_role(app, world, "researcher").get(base(world) + "/invitations")
    assert "contacts ajoutés" not in elsewhere.get_data(as_text=True)  # the importer's only


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    ("email,nom\nléa@example.org,Léa\n".encode("cp1252"), "UTF-8"),
    (b"email\n" + b"a@example.org\n" * 200_000, "too large"),
])
def test_bad_files_get_one_clear_message(app: Flask, world: World, data: bytes,
                                         message: str) -> None:
    client = as_role(app, world, "researcher")
    client.get("/?lang=en")
    response = upload(client, world, data)
    if response.status_code == 302:  # read and refused: its report after the redirect
        response = client.get(response.headers["Location"])
        assert "line was refused" in response.get_data(as_text=True)
    else:  # not even read (over twice the limit)
        assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Invitation)).all() == []


def test_links_are_generated_exported_and_revoked(app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    page = client.get(base(world) + "/invitations")
    client.post(base(world) + "/invitations/generate", data={"csrf_token": csrf(page),
                                                             "count": "3"})
    upload(client, world, b"email,name\n=HYPERLINK(\"x\")@example.org,A\nzoe@example.org,"
                          b"@Zoe\nyan@example.org,Yan\n")
    exported = client.get(base(world) + "/invitations/links.csv")
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers[
        "Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["email"] for r in rows] == ["", "", "", "yan@example.org"]
    link = rows[0]["link"]
    assert re.fullmatch(r"http://survey\.test/i/[A-Za-z0-9_-]{32}", link)
    path = link.removeprefix("http://survey.test")
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        first = db.session.scalar(select(Invitation).order_by(Invitation.id))
        first_id = first.id
    page = client.get(base(world) + "/invitations")
    client.post(base(world) + f"/invitations/{first_id}/revoke",
                data={"csrf_token": csrf(page)})
    assert app.test_client().get(path).status_code == 410
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action)))
    for action in ("invitations-generated", "invitations-imported",
                   "invitation-links-exported", "invitation-revoked"):
        assert action in actions


def test_sending_now_fills_this_evaluations_outbox_only(app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    upload(client, world, CONTACTS)
    page = client.get(base(world) + "/invitations")
    sent = client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "invitation", "when": "now"}, follow_redirects=True)
    assert "4 messages envoyés, 0 refusé par le serveur" in sent.get_data(as_text=True)
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert outbox.count("awa@example.org") == 1 and "ben@example.org" in outbox
    name = re.search(r'/outbox/([^"]+\.eml)"', outbox).group(1)
    message = client.get(f"/design/e/{world.a.evaluation}/outbox/{name}")
    assert message.status_code == 200 and "/i/" in message.get_data(as_text=True)
    # Another evaluation's researcher sees none of it, even by name.
    outsider = as_role(app, world, "outsider")
    assert outsider.get(f"/design/e/{world.b.evaluation}/outbox/{name}").status_code == 404
    assert "awa@" not in outsider.get(f"/design/e/{world.b.evaluation}/outbox").get_data(
        as_text=True)
    # Partners never see contacts.
    assert as_role(app, world, "partner").get(base(world) + "/invitations").status_code == 403


def test_scheduling_needs_a_time_and_waits_for_send_due(app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    upload(client, world, CONTACTS)
    page = client.get(base(world) + "/invitations")
    refused = client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "invitation", "when": "later"})
    assert refused.status_code == 422
    scheduled = client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "invitation", "when": "later",
        "due_at": "2030-01-01T08:00"}, follow_redirects=True)
    html = scheduled.get_data(as_text=True)
    # Typed and shown in the evaluation's zone (the instance's: America/Toronto), in French.
    assert "1 janv. 2030, 08:00 (America/Toronto)" in html
    assert "Prévu (America/Toronto)" in html and "UTC" not in html
    with app.app_context():
        [due] = db.session.scalars(select(Mailing.due_at))
    assert due == dt.datetime(2030, 1, 1, 13, 0, tzinfo=dt.UTC)  # stored in UTC
    assert "awa@" not in client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(
        as_text=True)


def test_times_follow_the_evaluations_own_time_zone(app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    edit = f"/design/e/{world.a.evaluation}/edit"
    form = client.get(edit + "?lang=en")
    assert 'list="time-zones"' in form.get_data(as_text=True)
    fields = {"csrf_token": csrf(form), "name": "Clinique Nord"}
    bad = client.post(edit, data={**fields, "time_zone": "Mars/Olympus"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert "Choose a time zone from the list" in bad.get_data(as_text=True)
    assert client.post(edit, data={**fields, "time_zone": "Europe/Paris"}).status_code == 302
    upload(client, world, CONTACTS)
    page = client.get(base(world) + "/invitations")
    assert "Time in Europe/Paris" in page.get_data(as_text=True)
    done = client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "reminder", "when": "later",
        "due_at": "2030-07-01T08:00"}, follow_redirects=True).get_data(as_text=True)
    assert "Jul 1, 2030, 8:00\u202fAM (Europe/Paris)" in done
    with app.app_context():
        [due] = db.session.scalars(select(Mailing.due_at))
    assert due == dt.datetime(2030, 7, 1, 6, 0, tzinfo=dt.UTC)


def test_a_time_in_the_past_is_refused_on_the_form(app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    page = client.get(base(world) + "/invitations?lang=en")
    refused = client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "reminder", "when": "later",
        "due_at": "2020-03-01T09:00"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "This time has passed (it is now " in html and "(America/Toronto)" in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Mailing.id))) == 0


def test_a_second_reminder_while_one_is_pending_is_pointed_out_and_can_be_cancelled(
        app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    upload(client, world, CONTACTS)
    page = client.get(base(world) + "/invitations?lang=en")
    post = {"csrf_token": csrf(page), "kind": "reminder", "when": "later",
            "due_at": "2030-01-01T08:00"}
    first = client.post(base(world) + "/mailings", data=post, follow_redirects=True)
    assert 'class="warning-box"' not in first.get_data(as_text=True)
    second = client.post(base(world) + "/mailings", data={**post, "due_at": "2030-01-01T08:30"},
                         follow_redirects=True).get_data(as_text=True)
    warning = re.search(r'<p class="warning-box" role="alert">([^<]+)</p>', second).group(1)
    assert "Another reminder of this campaign is still pending (due Jan 1, 2030" in warning
    assert "one message every 3 days" in warning
    with app.app_context():
        ids = list(db.session.scalars(select(Mailing.id).order_by(Mailing.id)))
    cancel = f"{base(world)}/mailings/{ids[1]}/cancel"
    assert client.post(cancel, data={"csrf_token": csrf(page)},
                       follow_redirects=True).status_code == 200
    again = client.post(cancel, data={"csrf_token": csrf(page)}, follow_redirects=True)
    assert "This mailing was already done." in again.get_data(as_text=True)
    with app.app_context():
        assert [m.cancelled for m in db.session.scalars(select(Mailing).order_by(Mailing.id))] \
            == [False, True]
        assert "mailing-cancelled" in list(db.session.scalars(select(AuditEvent.action)))
    # Another campaign's mailing is not found through this one.
    assert client.post(f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}"
                       f"/mailings/999/cancel", data={"csrf_token": csrf(page)}
                       ).status_code == 404


def test_outbox_dates_are_in_the_readers_language_and_the_evaluations_zone(
        app: Flask, world: World) -> None:
    client = as_role(app, world, "researcher")
    upload(client, world, CONTACTS)
    page = client.get(base(world) + "/invitations")
    client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "invitation", "when": "now"})
    outbox = client.get(f"/design/e/{world.a.evaluation}/outbox").get_data(as_text=True)
    assert "Date (America/Toronto)" in outbox
    assert "+0000" not in outbox and not re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),", outbox)
    name = re.search(r'/outbox/([^"]+\.eml)"', outbox).group(1)
    english = client.get(f"/design/e/{world.a.evaluation}/outbox/{name}?lang=en").get_data(
        as_text=True)
    assert re.search(r"<td>[A-Z][a-z]{2} \d{1,2}, 20\d\d, .+\s(AM|PM) \(America/Toronto\)</td>",
                     english)


def test_qr_codes_and_poster_of_the_open_link(app: Flask, world: World) -> None:
    client = as_role(app, world, "partner")
    png = client.get(base(world) + "/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    svg = client.get(base(world) + "/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    poster = client.get(base(world) + "/poster").get_data(as_text=True)
    assert f"http://survey.test/c/{world.a.slug}" in poster and "poster.css" in poster


def test_monitoring_moves_with_answers_and_hides_small_counts_from_partners(
        app: Flask, world: World, bundled) -> None:  # noqa: ANN001
    definition = bundled["professionals"]
    for finish in (True, True, False):
        participant = Participant(app.test_client())
        participant.get(f"/c/{world.a.slug}")
        participant.start("professionals")
        if finish:
            participant.complete(definition)
    url = base(world) + "/monitoring?lang=en"
    researcher = as_role(app, world, "researcher").get(url).get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", researcher))
    assert (figures["Started"], figures["Completed"], figures["Completion rate"]) == (
        "3", "2", "67%")
    stopped = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>',
                         researcher.split("Where people stop")[1])
    first = definition.sections[0].title["en"]
    assert [n for _page, n in stopped] == ["1"] + ["0"] * (len(definition.sections) - 1)
    assert stopped[0][0] == first
    assert "<svg" in researcher and "<rect" in researcher
    partner = as_role(app, world, "partner").get(url).get_data(as_text=True)
    partner_figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", partner))
    assert partner_figures["Started"] == "&lt; 5" and partner_figures["Completed"] == "&lt; 5"
    assert "67%" not in partner and partner_figures["Completion rate"] == "–"
    whole = as_role(app, world, "researcher").get(
        f"/design/e/{world.a.evaluation}/monitoring").get_data(as_text=True)
    assert "67\u00a0%" in whole  # French by default


def test_the_evaluations_monitoring_tells_each_questionnaires_pages_apart(
        app: Flask, world: World, bundled) -> None:  # noqa: ANN001
    """Both bundled questionnaires end with the page ``about_you``: the evaluation's "where
    people stop" counts each questionnaire's own, titled with the questionnaire."""
    from survey.design import services as design
    from survey.models import Evaluation, Response, User
    from survey.versions import store_definition

    with app.app_context():
        patients = design.create_campaign(
            db.session.get(Evaluation, world.a.evaluation),
            db.session.get(User, world.users["researcher"]),
            version=store_definition(bundled["patients"]).version)
        design.set_campaign_status(patients, "open", None)
        slug = patients.slug
        db.session.commit()
    for link, code, times in ((world.a.slug, "professionals", 1), (slug, "patients", 2)):
        for _ in range(times):
            participant = Participant(app.test_client())
            participant.get(f"/c/{link}")
            participant.start(code)
    with app.app_context():
        for response in db.session.scalars(select(Response)):
            response.current_section = "about_you"
        db.session.commit()
    html = as_role(app, world, "researcher").get(
        f"/design/e/{world.a.evaluation}/monitoring?lang=en").get_data(as_text=True)
    table = html.split("Where people stop")[1].split("</table>")[0]
    groups = re.split(r'<tr class="group"><th scope="colgroup" colspan="2">([^<]+)</th></tr>',
                      table)[1:]
    row = r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>'
    stopped = {title: dict(re.findall(row, rows))
               for title, rows in zip(groups[::2], groups[1::2], strict=True)}
    about = bundled["patients"].section("about_you").title["en"]
    assert list(stopped) == [bundled["professionals"].title["en"], bundled["patients"].title["en"]]
    assert stopped[bundled["professionals"].title["en"]][about] == "1"
    assert stopped[bundled["patients"].title["en"]][about] == "2"


def test_monitoring_separates_open_link_completes_and_spans_the_campaign(
        app: Flask, world: World, bundled) -> None:  # noqa: ANN001
    """Two contacts emailed, three answers by the open link: the response rate is 0 %, not
    150 %, and the chart covers the ten days since the campaign opened."""
    from survey.models import Campaign
    from survey.models.types import utcnow

    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        campaign.opened_at = utcnow() - dt.timedelta(days=9)
        db.session.commit()
    client = as_role(app, world, "researcher")
    upload(client, world, b"email,name,language\nawa@example.org,Awa,fr\nben@example.org,Ben,en\n")
    page = client.get(base(world) + "/invitations")
    client.post(base(world) + "/mailings", data={
        "csrf_token": csrf(page), "kind": "invitation", "when": "now"})
    for _ in range(3):
        participant = Participant(app.test_client())
        participant.get(f"/c/{world.a.slug}")
        participant.start("professionals")
        participant.complete(bundled["professionals"])
    html = client.get(base(world) + "/monitoring?lang=en").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert figures["Invitations sent"] == "2" and figures["Completed"] == "3"
    assert figures["Response rate of the invitations"] == "0%"
    sources = dict(re.findall(r'<th scope="row">(Through [^<]+)</th><td class="num">(\d+)</td>',
                              html))
    assert sources == {"Through an emailed invitation": "0",
                       "Through a single-use link handed out": "0", "Through the open link": "3"}
    assert 10 <= html.count("<rect ") <= 11  # a bar a day since the opening (DST: 11)
    assert "Days in America/Toronto" in html
