"""Results given back (restitution): a researcher writes findings from generated sentences
(suppressed below MIN_GROUP_SIZE), publishes, participants open the page from their own links
and react once per finding; the researcher sees tallies and comments (escaped), a CSV
(neutralised) and a section of the HTML report; invited contacts get one email."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bench.page_weight import BUDGET
from survey.design import services as design
from survey.extensions import db
from survey.invitations import services as invitations
from survey.invitations.contacts import ContactRow
from survey.mail import outbox_messages
from survey.models import Campaign, Contact, Invitation, Reaction, Response, ResultsPage
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.restitution import services
from survey.secrets import digest, new_secret
from survey.versions import store_definition

from .conftest import make_app
from .workspace import csrf, make_user, sign_in

SOURCE = Path(__file__).parent / "data" / "restitution.yaml"
# 10 patients: 7 within a week, 2 within a month, 1 later; only 3 answer the rare question.
WAITS = ["week"] * 7 + ["month"] * 2 + ["longer"]
HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil.example","x")'


@dataclass
class Trial:
    evaluation: int
    campaign: int
    researcher: int
    codes: list[str]  # the participants' resume codes


def build_trial(app: Flask, password: str | None = None) -> Trial:
    with app.app_context():
        researcher = make_user("res@example.org", password=password)
        evaluation = design.create_evaluation(researcher, name="Clinique <Nord>",
                                              responsible_name="Dr Roy",
                                              contact_email="roy@example.org")
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        campaign = design.create_campaign(evaluation, researcher, version=version)
        codes = []
        for k, wait in enumerate(WAITS):
            code = new_secret()
            codes.append(code)
            answers = {"wait": wait, **({"rare": "a"} if k < 3 else {})}
            db.session.add(Response(version_id=version.id, campaign_id=campaign.id,
                                    status=COMPLETED, language="en", answers=answers,
                                    resume_hash=digest(code), start_hash=digest(new_secret()),
                                    completed_at=utcnow()))
        db.session.commit()
        return Trial(evaluation.id, campaign.id, researcher.id, codes)


@pytest.fixture
def trial(app: Flask) -> Trial:
    return build_trial(app)


def base(trial: Trial) -> str:
    return f"/design/e/{trial.evaluation}/results-back"


def publish_page(app: Flask, client: FlaskClient, trial: Trial, access: str = "participants"
                 ) -> int:
    """The researcher's flow: create the page, start a finding from the generated sentence,
    reword it in both languages, say how results are used, publish."""
    sign_in(client, app, trial.researcher)
    listing = client.get(base(trial) + "?lang=en")
    assert listing.status_code == 200
    created = client.post(base(trial), data={"csrf_token": csrf(listing), "audience": "patient",
                                             "access": access})
    assert created.status_code == 303
    editor = client.get(created.headers["Location"])
    text = editor.get_data(as_text=True)
    assert ("7 people out of 10 answered “Within a week” to “When did you get an "
            "appointment?”.") in text
    assert "Rare question" not in text  # 3 answers: under the threshold, no sentence at all
    with app.app_context():
        page_id = db.session.scalar(db.select(ResultsPage.id))
    url = f"{base(trial)}/{page_id}"
    token = csrf(editor)
    added = client.post(url + "/findings", data={"csrf_token": token,
                                                 "questionnaire": "restitution_trial",
                                                 "question": "wait"})
    assert added.status_code == 303
    with app.app_context():
        page = db.session.get(ResultsPage, page_id)
        [finding] = page.findings
        assert finding.text["fr"].startswith(
            "7 personnes sur 10 ont répondu «\u00a0Dans la semaine")
        assert finding.chart is not None
        finding_id = finding.id
    saved = client.post(f"{url}/findings/{finding_id}", data={
        f"f{finding_id}-csrf_token": token,
        f"f{finding_id}-text_fr": "La plupart des patients ont eu un rendez-vous dans la semaine.",
        f"f{finding_id}-text_en": "Most patients got an appointment within a week.",
        f"f{finding_id}-chart": "y"})
    assert saved.status_code == 303
    assert client.post(url, data={"csrf_token": token, "access": access,
                                  "title_fr": "Ce que vous nous avez dit",
                                  "title_en": "What you told us",
                                  "use_fr": "Les équipes changeront les horaires.",
                                  "use_en": "Teams will change opening hours."}).status_code == 303
    assert client.post(url + "/publish", data={"csrf_token": token,
                                               "publish": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(ResultsPage, page_id).is_published
    return page_id


def react(client: FlaskClient, url: str, finding_id: int, answer: str, comment: str = "",
          token: str | None = None):  # noqa: ANN201
    """Post a reaction (``token``: a CSRF token read earlier, when no form is shown now)."""
    token = token or csrf(client.get(url))
    return client.post(url, data={"csrf_token": token, "finding": str(finding_id),
                                  "answer": answer, "comment": comment})


def test_sentences_and_charts_never_show_a_small_group(app: Flask, trial: Trial) -> None:
    with app.test_request_context():
        found = services.suggestions(trial.evaluation, "patient")
        assert [(s.question, s.chartable) for s in found] == [("wait", True)]
        assert found[0].text["en"] == ("7 people out of 10 answered “Within a week” to “When "
                                       "did you get an appointment?”.")
        chart = services.chart(trial.evaluation, "patient", "restitution_trial", "wait")
        assert chart["en"]["rows"] == [["Within a week", 7, 70], ["Within a month", None, None],
                                       ["Later", None, None]]
        assert services.chart(trial.evaluation, "patient", "restitution_trial", "rare") is None


def test_participant_reads_and_reacts_once_per_finding(app: Flask, trial: Trial) -> None:
    researcher = app.test_client()
    page_id = publish_page(app, researcher, trial)
    with app.app_context():
        finding_id = db.session.get(ResultsPage, page_id).findings[0].id
    participant = app.test_client()
    url = f"/rb/r/{trial.codes[0]}"
    shown = participant.get(url + "?lang=en")
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Most patients got an appointment within a week." in body
    assert "Teams will change opening hours." in body
    # the chart: its text alternative and data table, small counts never shown
    assert "Within a week, 7 (70%); Within a month, fewer than 5; Later, fewer than 5." in body
    assert re.search(r"Within a month</th><td colspan=\"2\">fewer than 5", body)
    assert "Does this match your experience?" in body
    first = react(participant, url, finding_id, "partly", HOSTILE)
    assert first.status_code == 200
    assert "your reaction is recorded" in first.get_data(as_text=True)
    assert "Thank you for your reaction." in first.get_data(as_text=True)  # no form any more
    again = react(participant, url, finding_id, "yes", token=csrf(shown))
    assert "already reacted" in again.get_data(as_text=True)
    bad = react(app.test_client(), f"/rb/r/{trial.codes[1]}", finding_id, "maybe")
    assert bad.status_code == 422  # a new visitor reads French first
    assert "Veuillez choisir oui, en partie ou non." in bad.get_data(as_text=True)
    assert react(app.test_client(), f"/rb/r/{trial.codes[1]}", finding_id,
                 "no").status_code == 200
    with app.app_context():
        stored = db.session.scalars(db.select(Reaction)).all()
        assert sorted(r.answer for r in stored) == ["no", "partly"]
        # no link stored: only a keyed digest, that is neither the code nor its plain digest
        assert all(r.reactor not in (trial.codes[0], digest(trial.codes[0])) for r in stored)
    # the researcher's tallies: the hostile comment escaped
    reactions = researcher.get(f"{base(trial)}/{page_id}/reactions")
    text = reactions.get_data(as_text=True)
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    # the CSV: neutralised against formula injection
    exported = researcher.get(f"{base(trial)}/{page_id}/reactions.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["finding", "finding_text", "answer", "comment", "date"]
    assert sorted(r[2] for r in rows[1:]) == ["no", "partly"]
    comment = next(r[3] for r in rows[1:] if r[2] == "partly")
    assert comment == HOSTILE  # starts with "<": no formula; the leading "=" case below
    assert services.reaction_rows  # noqa: B015
    with app.app_context():
        reaction = db.session.scalar(db.select(Reaction).filter_by(answer="no"))
        reaction.comment = '=HYPERLINK("http://evil.example")'
        db.session.commit()
    exported = researcher.get(f"{base(trial)}/{page_id}/reactions.csv")
    assert "'=HYPERLINK" in exported.get_data(as_text=True)
    # the HTML report of the results page carries the reactions, escaped
    report = researcher.get(f"/results/e/{trial.evaluation}/download/report")
    html = report.get_data(as_text=True)
    assert report.status_code == 200
    assert 'id="reactions"' in html and "Most patients got an appointment" in html
    assert "<script>alert" not in html


def test_unknown_and_unpublished_links_get_a_polite_404(app: Flask, trial: Trial) -> None:
    client = app.test_client()
    for url in ("/rb/" + "z" * 32, "/rb/r/" + "x" * 32, "/rb/i/" + "y" * 32,
                f"/rb/r/{trial.codes[0]}"):  # a real link, but nothing published yet
        shown = client.get(url + "?lang=en")
        assert shown.status_code == 404
        assert "We could not find results for this link." in shown.get_data(as_text=True)


def test_public_page_one_reaction_per_browser(app: Flask, trial: Trial) -> None:
    page_id = publish_page(app, app.test_client(), trial, access="public")
    with app.test_request_context():
        page = db.session.get(ResultsPage, page_id)
        url = "/rb/" + services.page_token(page)
        finding_id = page.findings[0].id
    browser = app.test_client()
    token = csrf(browser.get(url))
    assert react(browser, url, finding_id, "yes", token=token).status_code == 200
    assert "Merci pour votre réaction." in browser.get(url).get_data(as_text=True)
    assert "Vous avez déjà réagi" in react(browser, url, finding_id, "no", token=token).get_data(
        as_text=True)
    other = react(app.test_client(), url, finding_id, "no")  # another browser
    assert "votre réaction est enregistrée" in other.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Reaction.id))) == 2
    # a participant's link opens a public page too
    assert app.test_client().get(f"/rb/r/{trial.codes[3]}").status_code == 200


def test_public_reactions_are_rate_limited_per_address(database_url: str, tmp_path: Path
                                                       ) -> None:
    app = make_app(database_url, RATELIMIT_REACTIONS="3 per minute")
    try:
        trial = build_trial(app)
        page_id = publish_page(app, app.test_client(), trial, access="public")
        with app.test_request_context():
            page = db.session.get(ResultsPage, page_id)
            url = "/rb/" + services.page_token(page)
            finding_id = page.findings[0].id
        statuses = [react(app.test_client(), url, finding_id, "yes").status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
    finally:
        with app.app_context():
            db.engine.dispose()


def test_invited_contacts_are_told_once(app: Flask, trial: Trial, tmp_path: Path) -> None:
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    with app.app_context():
        campaign = db.session.get(Campaign, trial.campaign)
        invitations.import_contacts(campaign, [ContactRow(2, "ana@example.org", "Ana <b>", "en"),
                                               ContactRow(3, "leo@example.org", "Léo", "fr"),
                                               ContactRow(4, "zoe@example.org", "Zoé", "fr")])
        zoe = db.session.scalar(db.select(Invitation).join(Contact).where(
            Contact.email == "zoe@example.org"))
        invitations.unsubscribe(zoe)  # asked for no more messages: not told
    researcher = app.test_client()
    page_id = publish_page(app, researcher, trial)
    url = f"{base(trial)}/{page_id}"
    token = csrf(researcher.get(url))
    assert researcher.post(url + "/announce", data={"csrf_token": token}).status_code == 303
    assert researcher.post(url + "/announce", data={"csrf_token": token}).status_code == 303
    messages = outbox_messages(app)
    assert sorted(m.to for m in messages) == ["ana@example.org", "leo@example.org"]
    ana = next(m for m in messages if m.to == "ana@example.org")
    assert ana.subject == "The results are out: Clinique <Nord>"
    assert "Hello Ana <b>," in ana.text and "/u/" in ana.text  # its unsubscribe link
    link = re.search(r"(/rb/i/[A-Za-z0-9_-]+)", ana.text).group(1)
    shown = app.test_client().get(link + "?lang=en")
    assert "Most patients got an appointment within a week." in shown.get_data(as_text=True)


class Killed(BaseException):
    """A worker killed between two messages (not an error the job runner catches)."""


def test_telling_the_contacts_is_a_job_that_writes_each_once_even_interrupted(
        app: Flask, trial: Trial, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The click only starts a job (no message sent in the request; a second click finds the
    same job); a worker killed after two messages leaves the page not announced, and the job
    run again writes to the others only: each live contact gets exactly one message, revoked
    and unsubscribed ones none, and the audit log says who started it and what went out."""
    from survey.audit import events
    from survey.jobs import runner
    from survey.models import Job

    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    with app.app_context():
        campaign = db.session.get(Campaign, trial.campaign)
        invitations.import_contacts(campaign, [
            ContactRow(2 + k, f"p{k}@example.org", f"P{k}", "fr") for k in range(5)])
        by_email = {i.contact.email: i for i in db.session.scalars(db.select(Invitation))}
        invitations.revoke(by_email["p3@example.org"])
        invitations.unsubscribe(by_email["p4@example.org"])
    researcher = app.test_client()
    page_id = publish_page(app, researcher, trial)
    url = f"{base(trial)}/{page_id}"
    queued: list[int] = []
    monkeypatch.setattr(runner, "enqueue", lambda job_id, delay=0.0: queued.append(job_id))
    token = csrf(researcher.get(url))
    first = researcher.post(url + "/announce", data={"csrf_token": token})
    second = researcher.post(url + "/announce", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert "/jobs/e/" in first.headers["Location"]
    assert second.headers["Location"] == first.headers["Location"]  # the same job
    assert len(queued) == 1 and outbox_messages(app) == []  # the request sent nothing
    editor = researcher.get(url + "?lang=en").get_data(as_text=True)
    assert "The contacts are being told: see the progress." in editor
    [job_id] = queued

    beat = runner.Progress.__call__

    def dies_after_two(self: runner.Progress, done: int, total: int, force: bool = False
                       ) -> None:
        if done == 2:
            raise Killed
        beat(self, done, total, force)

    with app.app_context():
        monkeypatch.setattr(runner.Progress, "__call__", dies_after_two)
        with pytest.raises(Killed):
            runner.execute(job_id)
        db.session.rollback()
        monkeypatch.setattr(runner.Progress, "__call__", beat)
        assert len(outbox_messages(app)) == 2
        assert db.session.get(ResultsPage, page_id).announced_at is None  # not everyone yet
        db.session.execute(db.update(Job).where(Job.id == job_id).values(
            heartbeat_at=utcnow() - dt.timedelta(minutes=10)))  # its worker is dead
        db.session.commit()
        runner.execute(job_id)  # the recovered job goes on
        runner.execute(job_id)  # delivered twice: runs once
        services.send_announcement(db.session.get(ResultsPage, page_id), None)  # and again
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.result["failed"] == 0
        assert job.result["sent"] == 3  # every attempt counted
        assert db.session.get(ResultsPage, page_id).announced_at is not None
        actions = [e.action for e in events(evaluation_id=trial.evaluation)]
        assert actions.count("results-page-announce-started") == 1
        [announced] = events(action="results-page-announced")
        assert announced.actor_id == trial.researcher and announced.details["sent"] == 3
        assert any(e.details.get("kind") == "results" for e in events(action="invitations-sent"))
    assert sorted(m.to for m in outbox_messages(app)) == [
        "p0@example.org", "p1@example.org", "p2@example.org"]
    status = researcher.get(f"/jobs/e/{trial.evaluation}/{job_id}/status").get_json()
    assert status["finished"] and "3 messages sent" in status["message"]
    assert researcher.post(url + "/announce", data={"csrf_token": token}).headers[
        "Location"].endswith(url)  # told: no other job
    assert "The invited contacts have been told." in researcher.get(url + "?lang=en").get_data(
        as_text=True)


def test_a_cancelled_telling_is_taken_up_again_without_writing_twice(
        app: Flask, trial: Trial, tmp_path: Path) -> None:
    """A results mailing cancelled midway (from the campaign's page) does not count as done:
    the next run makes another, which writes only to those the first did not reach."""
    from survey.invitations import mailing as mailings
    from survey.models import Mailing

    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    with app.app_context():
        invitations.import_contacts(db.session.get(Campaign, trial.campaign), [
            ContactRow(2 + k, f"p{k}@example.org", f"P{k}", "fr") for k in range(3)])
    page_id = publish_page(app, app.test_client(), trial)

    def stop_after_one(done: int, _total: int) -> None:
        if done == 1:
            raise Killed

    with app.app_context():
        page = db.session.get(ResultsPage, page_id)
        with pytest.raises(Killed):
            services.send_announcement(page, trial.researcher, progress=stop_after_one)
        db.session.rollback()
        [first] = db.session.scalars(db.select(Mailing)).all()
        assert first.kind == "results" and mailings.cancel(first)
        assert not services.settle_announcement(page, trial.researcher)
        outcome = services.send_announcement(page, trial.researcher)
        assert outcome["sent"] == 2 and db.session.scalar(db.select(db.func.count(
            Mailing.id))) == 2
        assert db.session.get(ResultsPage, page_id).announced_at is not None
    assert sorted(m.to for m in outbox_messages(app)) == [
        "p0@example.org", "p1@example.org", "p2@example.org"]


def test_results_page_weighs_under_the_budget_and_opens_from_the_thank_you_page(
        app: Flask, trial: Trial) -> None:
    """A phone pays less than 15 KB as transferred for the results page (stylesheet counted),
    with a finding, its chart and the reactions form; the thank-you page reached through the
    participant's resume link offers the results once published."""
    from bench.page_weight import Scale

    page_id = publish_page(app, app.test_client(), trial)
    with app.app_context():
        page = db.session.get(ResultsPage, page_id)
        for k in range(2):  # three findings with their charts
            services.add_finding(page, {"fr": f"Constat {k}", "en": f"Finding {k}"},
                                 db.session.get(services.User, trial.researcher),
                                 "restitution_trial", "wait")
    participant = app.test_client()
    scale = Scale(participant)
    scale.get("results", f"/rb/r/{trial.codes[2]}")
    [weight] = scale.rows
    assert weight.status == 200 and weight.sent < BUDGET, weight
    print(f"results page: {weight.sent} bytes as transferred, {weight.plain} plain")
    done = participant.get(f"/r/{trial.codes[2]}", follow_redirects=True)
    assert f"/rb/r/{trial.codes[2]}" in done.get_data(as_text=True)


def test_researcher_pages_refuse_bad_input_and_escape_hostile_text(app: Flask,
                                                                   trial: Trial) -> None:
    client = app.test_client()
    page_id = publish_page(app, client, trial)
    url = f"{base(trial)}/{page_id}"
    token = csrf(client.get(url))
    # a second page for the same audience, an audience no campaign asks: clear messages
    again = client.post(base(trial) + "?lang=en", data={"csrf_token": token,
                                                        "audience": "patient",
                                                        "access": "public"})
    assert again.status_code == 422
    assert "This audience already has a results-back page." in again.get_data(as_text=True)
    assert client.post(base(trial), data={"csrf_token": token, "audience": "citizen",
                                          "access": "public"}).status_code == 422
    # a blank finding cannot be published until written in both languages
    assert client.post(url + "/findings", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        blank = db.session.get(ResultsPage, page_id).findings[-1].id
    assert client.post(url + "/publish", data={"csrf_token": token,
                                               "publish": "0"}).status_code == 303
    refused = client.post(url + "/publish", data={"csrf_token": token, "publish": "1"},
                          follow_redirects=True)
    assert "Write every finding in French and in English" in refused.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(ResultsPage, page_id).is_published
    hostile = "<img src=x onerror=alert(1)> & co"
    assert client.post(f"{url}/findings/{blank}", data={
        f"f{blank}-csrf_token": token, f"f{blank}-text_fr": hostile,
        f"f{blank}-text_en": hostile}).status_code == 303
    too_long = client.post(f"{url}/findings/{blank}", data={
        f"f{blank}-csrf_token": token, f"f{blank}-text_fr": "x" * 2001,
        f"f{blank}-text_en": "y"}, follow_redirects=True)
    assert "each has a maximum length" in too_long.get_data(as_text=True)
    # without its token, nothing is deleted
    client.post(f"{url}/findings/{blank}", data={"action": "delete"})
    assert client.post(url + "/publish", data={"csrf_token": token,
                                               "publish": "1"}).status_code == 303
    shown = app.test_client().get(f"/rb/r/{trial.codes[4]}").get_data(as_text=True)
    assert "<img src=x" not in shown and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in shown
    # the blank finding moved up, first on the page, down again, then deleted (as its
    # form's buttons post)
    with app.app_context():
        first = db.session.get(ResultsPage, page_id).findings[0].id
    assert client.post(f"{url}/findings/{blank}", data={f"f{blank}-csrf_token": token,
                                                        "action": "up"}).status_code == 303
    with app.app_context():
        assert [f.id for f in db.session.get(ResultsPage, page_id).findings] == [blank, first]
    for _ in range(2):  # down, then down again: the last stays last
        assert client.post(f"{url}/findings/{blank}", data={f"f{blank}-csrf_token": token,
                                                            "action": "down"}).status_code == 303
        with app.app_context():
            assert [f.id for f in db.session.get(ResultsPage, page_id).findings] == [first,
                                                                                      blank]
    assert client.post(f"{url}/findings/{blank}", data={f"f{blank}-csrf_token": token,
                                                        "action": "delete"}).status_code == 303
    with app.app_context():
        assert [f.id for f in db.session.get(ResultsPage, page_id).findings] == [first]
    # the participant's form without its token: a polite page, nothing stored
    stale = app.test_client().post(f"/rb/r/{trial.codes[4]}", data={"finding": "999999",
                                                                     "answer": "yes"})
    assert stale.status_code == 400 and "expiré" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Reaction.id))) == 0
    # a poster needs a public page; the public page's poster carries its link as a QR code
    assert client.get(url + "/poster").status_code == 303
    client.post(url, data={"csrf_token": token, "access": "public", "title_fr": "T",
                           "title_en": "T"})
    poster = client.get(url + "/poster")
    with app.test_request_context():
        link = "/rb/" + services.page_token(db.session.get(ResultsPage, page_id))
    assert poster.status_code == 200 and "<svg" in poster.get_data(as_text=True)
    assert link in poster.get_data(as_text=True)
    # the researcher's preview shows the page without the reactions form
    preview = client.get(url + "/preview")
    assert preview.status_code == 200 and 'name="answer"' not in preview.get_data(as_text=True)


def test_a_closed_campaign_leads_to_its_results(app: Flask, trial: Trial) -> None:
    """Once the campaign is closed and results published, an invitation link and, for a public
    page, the campaign's open link show the way to the results."""
    with app.app_context():
        campaign = db.session.get(Campaign, trial.campaign)
        [invitation] = invitations.generate(campaign, 1)
        token = invitations.token_for(invitation)
        design.set_campaign_status(campaign, "closed", None)
        slug = campaign.slug
    visitor = app.test_client()
    closed = visitor.get(f"/i/{token}?lang=en")
    assert closed.status_code == 410 and "Read the results" not in closed.get_data(as_text=True)
    page_id = publish_page(app, app.test_client(), trial)
    closed = visitor.get(f"/i/{token}")
    assert f'/rb/i/{token}"' in closed.get_data(as_text=True)
    assert "/rb/" not in visitor.get(f"/c/{slug}").get_data(as_text=True)  # not public
    with app.test_request_context():
        page = db.session.get(ResultsPage, page_id)
        page.access = "public"
        db.session.commit()
        link = "/rb/" + services.page_token(page)
    assert f'{link}"' in visitor.get(f"/c/{slug}").get_data(as_text=True)
    assert visitor.get(link).status_code == 200
