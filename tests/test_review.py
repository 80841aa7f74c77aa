"""Co-design review of a draft: a researcher opens a round from the draft's page, creates
review links per panel, reviewers rate each item page by page from their link (nothing
recorded as an answer), the researcher reads the content-validity indices, accepts or
declines rewordings (accepting stores the next draft), closes the round and compares rounds.
On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEvent, Response
from survey.models.review import Reviewer, ReviewRating
from survey.questionnaire import load_file
from survey.review import services
from survey.versions.drafts import drafts_of, save_draft
from tests.workspace import World, build_world, csrf, sign_in

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LINK = re.compile(r"/review/([A-Za-z0-9_-]{32,64})")


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def _draft(app: Flask, world: World) -> str:
    with app.app_context():
        return save_draft(world.a.evaluation, load_file(EVERY_TYPE), "every.yaml").content_hash


def _researcher(app: Flask, world: World) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    client.get("/?lang=en")
    return client


def _open_round(app: Flask, client: FlaskClient, world: World, content_hash: str) -> str:
    """Open a round from the draft's page; the round page's URL."""
    draft_url = f"/design/e/{world.a.evaluation}/questionnaires/drafts/{content_hash}"
    page = client.get(draft_url)
    assert "Open a review round" in page.get_data(as_text=True)
    opened = client.post(draft_url + "/reviews", data={"csrf_token": csrf(page)})
    assert opened.status_code == 302
    return opened.headers["Location"]


def _links(client: FlaskClient, round_url: str, panel: str, count: int) -> list[str]:
    page = client.get(round_url)
    before = set(LINK.findall(page.get_data(as_text=True)))
    made = client.post(round_url + "/links", data={"csrf_token": csrf(page), "panel": panel,
                                                   "count": str(count)}, follow_redirects=True)
    assert f"{count} review link" in made.get_data(as_text=True)
    found = [t for t in dict.fromkeys(LINK.findall(made.get_data(as_text=True)))
             if t not in before]
    assert len(found) == count
    return found


def _items_on(page_html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="relevance-([\w-]+)"', page_html)))


def _rate(client: FlaskClient, token: str, number: int, relevance: int, clarity: int,
          extra: dict[str, str] | None = None) -> tuple[list[str], str]:
    """Rate every item of a page; (its items, where the save sent the reviewer)."""
    page = client.get(f"/review/{token}/{number}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    codes = _items_on(html)
    data = {"csrf_token": csrf(page)}
    for code in codes:
        data[f"relevance-{code}"] = str(relevance)
        data[f"clarity-{code}"] = str(clarity)
    data.update(extra or {})
    saved = client.post(f"/review/{token}/{number}", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    return codes, saved.headers["Location"]


def test_a_review_round_from_links_to_indices_and_the_next_draft(app: Flask,
                                                                  world: World) -> None:
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    round_page = researcher.get(round_url).get_data(as_text=True)
    assert "Review round 1 of every_type" in round_page
    tokens = _links(researcher, round_url, "patients", 3)
    with app.app_context():
        first_id = db.session.scalar(select(Reviewer.id).where(
            Reviewer.token_hash == services.digest(tokens[0])))
    qr = researcher.get(round_url + f"/links/{first_id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data

    # A reviewer: the first page shows each item as a participant sees it, controls inert.
    reviewer = app.test_client()
    first = reviewer.get(f"/review/{tokens[0]}?lang=en")  # a reviewer reading English
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/review/{tokens[0]}/1")
    html = reviewer.get(f"/review/{tokens[0]}/1").get_data(as_text=True)
    assert '<fieldset class="as-participant" disabled>' in html
    assert "Which service?" in html and "Highly relevant" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # no JavaScript needed
    # (an answer to the item itself, "service", is ignored)
    codes, moved = _rate(reviewer, tokens[0], 1, 4, 3, {
        "rewording-service": HOSTILE, "comment-service": "Trop <b>vague</b>",
        "comment-used": '=HYPERLINK("http://x.test")', "service": "clinic"})
    assert "service" in codes and moved.endswith(f"/review/{tokens[0]}/2")
    # Progress kept: the same link brings the reviewer back to the next page, values kept.
    back = reviewer.get(f"/review/{tokens[0]}")
    assert back.headers["Location"].endswith(f"/review/{tokens[0]}/2")
    again = reviewer.get(f"/review/{tokens[0]}/1").get_data(as_text=True)
    assert 'name="relevance-service" value="4" checked' in again
    assert "&lt;script&gt;" in again and HOSTILE not in again
    # Two more reviewers of the panel: the first page only.
    _rate(app.test_client(), tokens[1], 1, 4, 4)
    _rate(app.test_client(), tokens[2], 1, 2, 1)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"review-opened", "review-links-created"} <= actions

    # The researcher's page: per item and panel, n, I-CVI 2/3 (flagged with 3 reviewers),
    # k*, clarity 2/3, the rewording and comment escaped.
    page = researcher.get(round_url).get_data(as_text=True)
    assert "Patients and service users" in page
    row = re.search(r"<code>service</code>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>([^<]*)", row)[:3] == ["3", "0.67", "0.47 (fair)"]
    assert "Flagged" in row
    assert HOSTILE not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "Trop &lt;b&gt;vague&lt;/b&gt;" in page
    assert "S-CVI/Ave" in page and "S-CVI/UA" in page
    # The ratings as CSV: reviewers numbered, never named; text neutralised for spreadsheets.
    exported = researcher.get(round_url + "/ratings.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    service = [r for r in rows if r["item"] == "service"]
    assert sorted((r["reviewer"], r["relevance"], r["clarity"]) for r in service) == [
        ("1", "4", "3"), ("2", "4", "4"), ("3", "2", "1")]
    assert {r["panel"] for r in rows} == {"patients"}
    assert [r["comment"] for r in service if r["comment"]] == ["Trop <b>vague</b>"]
    assert [r["comment"] for r in rows if r["item"] == "used" and r["comment"]] == [
        "'=HYPERLINK(\"http://x.test\")"]

    # Decline needs a reason; accepting stores the next draft with the new wording.
    with app.app_context():
        rating_id = db.session.scalar(select(ReviewRating.id).where(
            ReviewRating.item_code == "service", ReviewRating.rewording != ""))
    decide = f"{round_url}/ratings/{rating_id}/decide"
    token = csrf(researcher.get(round_url))
    refused = researcher.post(decide, data={"csrf_token": token, "decision": "accept",
                                            "reason": " "}, follow_redirects=True)
    assert "Give a reason." in refused.get_data(as_text=True)
    accepted = researcher.post(decide, data={"csrf_token": token, "decision": "accept",
                                             "reason": "Clearer for patients"},
                               follow_redirects=True)
    assert "the next draft" in accepted.get_data(as_text=True)
    with app.app_context():
        drafts = drafts_of(world.a.evaluation)
        assert len(drafts) == 2
        reworded = drafts[0].definition.item("service")
        assert reworded.text["en"] == HOSTILE  # the reviewer read it in English
        assert drafts[0].definition.item("used").text == \
            drafts[1].definition.item("used").text
        next_hash = drafts[0].content_hash

    # Revoked: a polite 404, nothing opened.
    page = researcher.get(round_url)
    with app.app_context():
        revoked_id = db.session.scalar(select(Reviewer.id).where(
            Reviewer.token_hash == services.digest(tokens[2])))
    researcher.post(f"{round_url}/links/{revoked_id}/revoke", data={"csrf_token": csrf(page)})
    gone = app.test_client().get(f"/review/{tokens[2]}/1")
    assert gone.status_code == 404
    assert "demandez un nouveau lien à l'équipe de recherche" in gone.get_data(as_text=True)
    # A revoked reviewer's ratings no longer count: two reviewers, not judged.
    row = re.search(r"<code>service</code>.*?</tr>", researcher.get(round_url).get_data(
        as_text=True), re.S).group(0)
    assert re.findall(r"<td>([^<]*)", row)[:2] == ["2", "1.00"] and "Not judged" in row

    # Closed: the links show a closed page and save nothing.
    page = researcher.get(round_url)
    researcher.post(round_url + "/close", data={"csrf_token": csrf(page)})
    closed = app.test_client().get(f"/review/{tokens[0]}/1")
    assert closed.status_code == 200
    assert "Cette relecture est close" in closed.get_data(as_text=True)

    # A second round on the next draft, compared side by side.
    second = _open_round(app, researcher, world, next_hash)
    assert second != round_url
    assert "Review round 2 of every_type" in researcher.get(second).get_data(as_text=True)
    more = _links(researcher, second, "professionals", 1)
    _rate(app.test_client(), more[0], 1, 4, 4)
    compared = researcher.get(f"/design/e/{world.a.evaluation}/questionnaires/every_type/"
                              "reviews").get_data(as_text=True)
    everyone, patients, professionals = (
        re.search(rf'<h2 id="compare-{key}">.*?</table>', compared, re.S).group(0)
        for key in ("all", "patients", "professionals"))
    assert 'id="compare-citizens"' not in compared  # no citizen rated in either round
    service = [re.search(r"<code>service</code>.*?</tr>", table, re.S).group(0)
               for table in (everyone, patients, professionals)]
    # I-CVI, k* and clarity per round: all reviewers, then each panel.
    cells = re.findall(r"<td>([^<]*)", service[0])
    assert len(cells) == 6 and cells[0] == cells[3] == "1.00" and cells[1] == "1.00"
    assert re.findall(r"<td>([^<]*)", service[1])[3:] == ["–"] * 3  # no patient in round 2
    assert re.findall(r"<td>([^<]*)", service[2])[:3] == ["–"] * 3  # nor professional in 1
    shaped = re.search(r"Patients and service users</th>(.*?)</tr>", compared, re.S).group(1)
    assert re.findall(r"<td>([^<]*)", shaped) == [
        "2 reviewers, 1 wording accepted", "0 reviewers, 0 wordings accepted"]

    # The revised draft is published as any draft is; its rounds stay readable.
    publish = f"/design/e/{world.a.evaluation}/questionnaires/drafts/{next_hash}/publish"
    page = researcher.get(publish)
    published = researcher.post(publish, data={"csrf_token": csrf(page), "confirm": "publish"})
    assert published.status_code == 302
    with app.app_context():
        from survey.versions import latest_version

        assert latest_version("every_type").definition.item("service").text["en"] == HOSTILE
        version_hash = latest_version("every_type").content_hash
    assert researcher.get(second).status_code == 200
    # The questionnaire's history says who shaped it, by panel, never by name: the published
    # version's page, read by a partner of the evaluation too (without the comparison's link)
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    with partner.session_transaction() as session:
        session["lang"] = "en"
    history = partner.get(f"/design/e/{world.a.evaluation}/questionnaires/versions/"
                          f"{version_hash}").get_data(as_text=True)
    assert "Who shaped it" in history
    row = re.search(r"Patients and service users</th>(.*?)</tr>", history, re.S).group(1)
    assert re.findall(r"<td>([^<]*)", row) == [
        "2 reviewers, 1 wording accepted", "0 reviewers, 0 wordings accepted"]
    assert "/reviews" not in history  # the comparison is the researchers'


def test_bad_ratings_are_refused_with_a_message(app: Flask, world: World) -> None:
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    token = _links(researcher, round_url, "citizens", 1)[0]
    reviewer = app.test_client()
    page = reviewer.get(f"/review/{token}/1?lang=en")
    refused = reviewer.post(f"/review/{token}/1", data={
        "csrf_token": csrf(page), "relevance-service": "7", "clarity-service": "x' OR 1=1",
        "comment-service": "x" * 2001})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose one of the four answers." in html and "At most 2,000 characters." in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReviewRating)) == 0
    # An expired page (its token no longer valid) comes back with the ratings and a message.
    expired = reviewer.post(f"/review/{token}/1", data={
        "csrf_token": "stale", "relevance-service": "3", "comment-service": "kept"})
    assert expired.status_code == 422
    html = expired.get_data(as_text=True)
    assert "This page had expired" in html
    assert 'name="relevance-service" value="3" checked' in html and ">kept</textarea>" in html
    assert reviewer.get(f"/review/{token}/99").status_code == 404
    assert reviewer.get("/review/" + "A" * 40).status_code == 404
    # Links, counts and panels the researcher gets wrong are refused with a message.
    page = researcher.get(round_url)
    for data in ({"panel": "everyone", "count": "2"}, {"panel": "patients", "count": "0"},
                 {"panel": "patients", "count": "many"}):
        answer = researcher.post(round_url + "/links", data={"csrf_token": csrf(page), **data},
                                 follow_redirects=True)
        assert answer.status_code == 200
        assert ("Choose a panel." in answer.get_data(as_text=True)
                or "Between 1 and 50 links" in answer.get_data(as_text=True))
    # A second open round on the same draft is refused.
    draft_url = f"/design/e/{world.a.evaluation}/questionnaires/drafts/{content_hash}"
    again = researcher.post(draft_url + "/reviews", data={"csrf_token": csrf(page)},
                            follow_redirects=True)
    assert "A round on this draft is already open." in again.get_data(as_text=True)


def test_a_review_link_opens_only_its_own_round(app: Flask, world: World) -> None:
    """Another evaluation's researcher cannot read or change this round by its id."""
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    round_id = round_url.rstrip("/").rsplit("/", 1)[1]
    outsider = app.test_client()
    sign_in(outsider, app, world.users["outsider"])
    assert outsider.get(f"/design/e/{world.b.evaluation}/reviews/{round_id}").status_code == 404
    assert outsider.get(round_url).status_code == 403


def test_every_reviewer_page_stays_within_the_participant_budget(app: Flask,
                                                                 world: World) -> None:
    """A reviewer's phone pays what a participant's does: each page of each bundled
    questionnaire, under review, within 15 KB as transferred (assets included)."""
    from bench.page_weight import BUDGET, Scale
    from survey.versions import latest_version

    researcher = _researcher(app, world)
    heaviest = 0
    for code in ("citizens", "patients", "professionals"):
        with app.app_context():
            version = latest_version(code)
            content_hash = save_draft(world.a.evaluation, version.definition,
                                      f"{code}.yaml").content_hash
            pages = len(services.review_pages(version.definition))
        round_url = _open_round(app, researcher, world, content_hash)
        token = _links(researcher, round_url, "patients", 1)[0]
        scale = Scale(app.test_client())
        for number in range(1, pages + 1):
            scale.get(f"{code} review page {number}", f"/review/{token}/{number}")
        scale.get(f"{code} review done", f"/review/{token}/done")
        assert {row.status for row in scale.rows} == {200}
        over = [(row.label, row.sent) for row in scale.rows if row.sent > BUDGET]
        assert not over, over
        heaviest = max(heaviest, *(row.sent for row in scale.rows))
    assert heaviest > 3000  # the pages were weighed, not empty


def test_a_partner_reviews_from_their_account_and_proposes_a_question(app: Flask,
                                                                      world: World) -> None:
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    partner.get("/?lang=en")
    mine_url = f"/design/e/{world.a.evaluation}/reviews"
    evaluation_page = partner.get(f"/design/e/{world.a.evaluation}").get_data(as_text=True)
    assert mine_url in evaluation_page
    mine = partner.get(mine_url)
    assert "Review round 1 of every_type" in mine.get_data(as_text=True)
    joined = partner.post(round_url + "/join", data={"csrf_token": csrf(mine),
                                                     "panel": "citizens"})
    assert joined.headers["Location"].endswith(round_url + "/mine/1")
    page = partner.get(round_url + "/mine/1")
    codes = _items_on(page.get_data(as_text=True))
    data = {"csrf_token": csrf(page), **{f"relevance-{c}": "3" for c in codes},
            "comment-service": HOSTILE}
    saved = partner.post(round_url + "/mine/1", data=data)
    assert saved.headers["Location"].endswith(round_url + "/mine/2")
    assert "1 of 3 pages" in partner.get(mine_url).get_data(as_text=True)

    # A new question: every language, a type and a reason are needed.
    form = partner.get(round_url + "/proposals/new")
    assert form.status_code == 200
    token = csrf(form)
    refused = partner.post(round_url + "/proposals/new", data={
        "csrf_token": token, "text-en": "Could you reach us by phone?", "item_type": "yesno",
        "rationale": "Many have no internet."})
    assert refused.status_code == 422
    assert "Write the question in every language" in refused.get_data(as_text=True)
    assert "Could you reach us by phone?" in refused.get_data(as_text=True)  # kept
    sent = partner.post(round_url + "/proposals/new", data={
        "csrf_token": token, "text-en": "Could you reach us by phone?",
        "text-fr": HOSTILE, "item_type": "yesno", "rationale": "Many have no internet."})
    assert sent.status_code == 302
    assert "Waiting for the research team" in partner.get(mine_url).get_data(as_text=True)

    # The researcher reads the partner's ratings (by panel, never by name) and the proposal.
    page = researcher.get(round_url)
    html = page.get_data(as_text=True)
    assert "Citizens and community partners" in html and "partner@example.org" not in html
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert HOSTILE not in html
    assert f'<q class="comment">{escaped}' in html and f'<q class="proposed">{escaped}' in html
    with app.app_context():
        from survey.models import ItemProposal

        proposal_id = db.session.scalar(select(ItemProposal.id))
    decide = f"{round_url}/proposals/{proposal_id}/decide"
    assert partner.post(decide, data={"csrf_token": token, "decision": "accept",
                                      "reason": "x"}).status_code == 403
    researcher.post(decide, data={"csrf_token": csrf(page), "decision": "accept",
                                  "reason": "We add it in the next <draft>",
                                  "section": "basics", "code": "phone", "item_type": "yesno"})
    assert "Accepted: We add it in the next &lt;draft&gt;" in partner.get(mine_url).get_data(
        as_text=True)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"review-joined", "review-item-proposed",
            "review-item-proposal-accepted"} <= actions


@pytest.mark.parametrize("name", ["household.yaml", "new_types.yaml", "new_types_repeat.yaml",
                                  "computed_relevance.yaml", "team_network.yaml",
                                  "time_type.yaml", "repeat_computed.yaml"])
def test_every_kind_of_page_opens_for_a_reviewer(app: Flask, world: World, name: str) -> None:
    """Repeated pages, computed values, nominations, times: each page of the draft opens for a
    reviewer (the items shown as participants see them) and saves."""
    with app.app_context():
        definition = load_file(Path(__file__).parent / "data" / name)
        content_hash = save_draft(world.a.evaluation, definition, name).content_hash
        pages = len(services.review_pages(definition))
    researcher = _researcher(app, world)
    token = _links(researcher, _open_round(app, researcher, world, content_hash),
                   "professionals", 1)[0]
    reviewer = app.test_client()
    for number in range(1, pages + 1):
        codes, moved = _rate(reviewer, token, number, 3, 4)
        assert codes
    assert moved.endswith(f"/review/{token}/done")
    assert "Thank you" in reviewer.get(f"/review/{token}/done?lang=en").get_data(as_text=True)


def test_a_review_link_is_emailed_through_the_outbox(app: Flask, world: World,
                                                     tmp_path: Path) -> None:
    from survey.mail import outbox_messages

    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    token = _links(researcher, round_url, "patients", 1)[0]
    with app.app_context():
        reviewer_id = db.session.scalar(select(Reviewer.id))
    page = researcher.get(round_url)
    url = f"{round_url}/links/{reviewer_id}/email"
    refused = researcher.post(url, data={"csrf_token": csrf(page), "email": "not an address",
                                         "language": "en"}, follow_redirects=True)
    assert "Enter a valid email address." in refused.get_data(as_text=True)
    sent = researcher.post(url, data={"csrf_token": csrf(page), "email": "Ana@Example.org",
                                      "language": "en"}, follow_redirects=True)
    assert "The link is sent." in sent.get_data(as_text=True)
    with app.app_context():
        [message] = outbox_messages(app)
        assert message.to == "Ana@example.org"
        assert message.subject == "Review: Every type"
        assert f"/review/{token}" in message.text
        assert message.evaluation == str(world.a.evaluation)
        events = list(db.session.scalars(select(AuditEvent).filter_by(
            action="review-link-emailed")))
        assert len(events) == 1 and "example.org" not in str(events[0].details)


def test_an_accepted_new_question_goes_into_the_next_draft(app: Flask, world: World) -> None:
    """The researcher places an accepted proposal on a page with a code (suggested from its
    first text, editable) and a type; a bad code or a clash is refused with a message; the
    next draft holds it with the accepted rewording, validated as an upload is."""
    content_hash = _draft(app, world)
    researcher = _researcher(app, world)
    round_url = _open_round(app, researcher, world, content_hash)
    partner = app.test_client()
    sign_in(partner, app, world.users["partner"])
    partner.get("/?lang=en")
    form = partner.get(round_url + "/proposals/new")
    for fr, en, kind in (("Pouvez-vous nous joindre par téléphone ?",
                          "Could you reach us by phone?", "yesno"),
                         ("Quel moyen préférez-vous ?", "Which way do you prefer?", "single")):
        assert partner.post(round_url + "/proposals/new", data={
            "csrf_token": csrf(form), "text-fr": fr, "text-en": en, "item_type": kind,
            "rationale": "Many have no internet."}).status_code == 302
    # A reviewer's rewording, accepted first.
    token = _links(researcher, round_url, "patients", 1)[0]
    _rate(researcher, token, 1, 4, 4, {"rewording-used": "Have you ever visited us?"})
    page = researcher.get(round_url)
    with app.app_context():
        from survey.models import ItemProposal

        phone, way = db.session.scalars(select(ItemProposal.id).order_by(ItemProposal.id))
        rating_id = db.session.scalar(select(ReviewRating.id).where(
            ReviewRating.rewording != ""))
    researcher.post(f"{round_url}/ratings/{rating_id}/decide", data={
        "csrf_token": csrf(page), "decision": "accept", "reason": "Plainer"})

    page = researcher.get(round_url)
    html = page.get_data(as_text=True)
    assert 'value="pouvez_vous_nous_joindre"' in html  # from the first label, accents dropped
    decide = f"{round_url}/proposals/{phone}/decide"
    base = {"csrf_token": csrf(page), "decision": "accept", "reason": "Yes", "section": "basics",
            "item_type": "yesno"}
    bad = researcher.post(decide, data={**base, "code": "Phone number!"},
                          follow_redirects=True).get_data(as_text=True)
    assert "The code Phone number! is not valid" in bad
    clash = researcher.post(decide, data={**base, "code": "used"},
                            follow_redirects=True).get_data(as_text=True)
    assert "The code used is already used in the draft" in clash
    nowhere = researcher.post(decide, data={**base, "code": "phone", "section": "nope"},
                              follow_redirects=True).get_data(as_text=True)
    assert "Choose a page of the reviewed draft" in nowhere
    wrong_type = researcher.post(decide, data={**base, "code": "phone", "item_type": "matrix"},
                                 follow_redirects=True).get_data(as_text=True)
    assert "Choose a type of question" in wrong_type
    accepted = researcher.post(decide, data={**base, "code": "phone"}, follow_redirects=True)
    assert "holds the new question" in accepted.get_data(as_text=True)
    assert "In the next draft as phone, on the page basics" in accepted.get_data(as_text=True)

    # A list needs its choices, as many in each language.
    decide = f"{round_url}/proposals/{way}/decide"
    base = {**base, "csrf_token": csrf(accepted), "item_type": "single", "section": "opinions"}
    refused = researcher.post(decide, data={**base, "code": "way", "choices-fr": "Courriel",
                                            "choices-en": "Email\nPhone"})
    uneven = refused.get_data(as_text=True)
    assert "Write the choices one per line" in uneven
    # the form comes back with what was typed, nothing to type again
    assert refused.status_code == 422
    form = re.search(rf'<form[^>]*proposals/{way}/decide.*?</form>', uneven, re.S).group(0)
    assert 'value="way"' in form and 'value="Yes"' in form
    assert '<option value="opinions" selected>' in form
    assert ">Email\nPhone</textarea>" in form and ">Courriel</textarea>" in form
    clash = researcher.post(decide, data={**base, "code": "phone", "choices-fr": "A\nB",
                                          "choices-en": "A\nB"},
                            follow_redirects=True).get_data(as_text=True)
    assert "The code phone is already used in the draft" in clash  # the earlier new item
    researcher.post(decide, data={**base, "code": "way", "choices-fr": "Courriel\nTéléphone",
                                  "choices-en": "Email\nPhone"})
    with app.app_context():
        newest = drafts_of(world.a.evaluation)[0]
        definition = newest.definition
        items = {item.code: item for section in definition.sections for item in section.items}
        assert [i.code for i in definition.sections[0].items][-1] == "phone"
        assert [i.code for i in definition.sections[1].items][-1] == "way"
        assert items["phone"].itemtype.name == "yesno"
        assert items["phone"].text["fr"] == "Pouvez-vous nous joindre par téléphone ?"
        assert [c.label["en"] for c in items["way"].choices] == ["Email", "Phone"]
        assert items["used"].text["en"] == "Have you ever visited us?"  # the rewording kept
        proposals = {p.id: p for p in db.session.scalars(select(ItemProposal))}
        assert proposals[phone].decision == proposals[way].decision == "accepted"
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "review-item-proposal-accepted")))
    assert len(events) == 2


def test_guessing_review_links_is_rate_limited_per_address(database_url: str) -> None:
    """Unknown review links count against the client as unknown resume codes do: after the
    limit, a polite 429 instead of another guess (known links never count)."""
    from tests.conftest import make_app

    app = make_app(database_url, RATELIMIT_RESUME="3 per minute")
    try:
        client = app.test_client()
        statuses = [client.get(f"/review/{'x' * 32}{n}").status_code for n in range(4)]
        assert statuses == [404, 404, 404, 429]
        assert "Retry-After" in client.get(f"/review/{'y' * 32}/1").headers
    finally:
        with app.app_context():
            from survey.extensions import db

            db.engine.dispose()
