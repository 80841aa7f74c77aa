"""Follow-up series over HTTP: the creation form (422 in the reader's language), the navigators'
list limited to their sites, recording outcomes (CSRF), the participant's address page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from flask import Flask
from sqlalchemy import func, select

from survey.auth import accounts
from survey.extensions import db
from survey.models import (
    Contact,
    Evaluation,
    FollowupAttempt,
    FollowupPerson,
    FollowupSeries,
    FollowupTask,
    Membership,
    MembershipSite,
    Response,
)
from survey.models.types import utcnow
from survey.versions import latest_version

from .followup_world import (
    complete,
    fapp,  # noqa: F401  (fixture)
    make_evaluation,
    make_series,
)
from .workspace import csrf, make_user, sign_in


def _people(app: Flask, mode: str = "self") -> dict[str, int]:
    """An evaluation with two sites and a 2-week series at each; a person due at each (baselines
    three weeks ago, no address); a researcher, a partner, and a navigator limited to the north."""
    with app.test_request_context():
        evaluation = make_evaluation(mode=mode, sites=("Clinique Nord", "Clinique Sud"))
        north = make_series(evaluation, steps="2 weeks", code="N")
        south = make_series(evaluation, steps="2 weeks", code="S", site_index=1)
        ago = utcnow() - dt.timedelta(days=21)
        complete(north.baseline.campaign_id, "a" * 64, ago)
        complete(south.baseline.campaign_id, "b" * 64, ago)
        from survey.followup.series import enrol_new

        enrol_new(north)
        enrol_new(south)
        ids = {"evaluation": evaluation.id, "north": north.id, "south": south.id,
               "site_north": north.site_id}
        for role in ("researcher", "partner", "navigator"):
            user = make_user(f"{role}@example.org", password=None)
            accounts.set_role(user, evaluation, role)
            ids[role] = user.id
        membership = db.session.scalar(select(Membership).filter_by(
            user_id=ids["navigator"], evaluation_id=evaluation.id))
        db.session.add(MembershipSite(membership_id=membership.id, site_id=north.site_id))
        db.session.commit()
        ids["task_north"], ids["task_south"] = (
            db.session.scalar(select(FollowupTask.id).join(FollowupPerson).where(
                FollowupPerson.series_id == series)) for series in (north.id, south.id))
    return ids


def test_the_series_form_refuses_bad_steps_in_the_readers_language(fapp: Flask) -> None:  # noqa: F811
    ids = _people(fapp)
    client = fapp.test_client()
    sign_in(client, fapp, ids["researcher"])
    url = f"/design/e/{ids['evaluation']}/series/new"
    page = client.get(url)
    assert page.status_code == 200 and "3 mois, 6 mois" in page.text
    with fapp.app_context():
        version = latest_version("patients").id
    data = {"csrf_token": csrf(page), "name": "Suivi", "code": "PS", "version": str(version),
            "site": str(ids["site_north"]), "steps": "6 mois, 3 mois"}
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "«\u00a03 mois\u00a0» ne vient pas après l'étape précédente" in unescape(refused.text)
    english = client.post(url + "?lang=en", data={**data, "steps": "3 moons"})
    assert english.status_code == 422
    assert "“3 moons” is not a step" in english.text
    hostile = client.post(url, data={**data, "version": "x", "site": "999999"})
    assert hostile.status_code == 422
    no_token = client.post(url, data={**data, "csrf_token": "", "steps": "3 mois"})
    assert no_token.status_code == 422
    created = client.post(url, data={**data, "steps": "3 mois, 6 mois"})
    assert created.status_code == 302
    with fapp.app_context():
        series = db.session.scalar(select(FollowupSeries).filter_by(code="PS"))
        assert [s.wave.code for s in series.steps] == ["PS-0-T0", "PS-1-3M", "PS-2-6M"]
    page = client.get(created.headers["Location"])
    assert page.status_code == 200 and "PS-2-6M" in page.text


def test_a_series_is_refused_with_panel_codes_off(fapp: Flask) -> None:  # noqa: F811
    with fapp.test_request_context():
        evaluation = make_evaluation(mode="off")
        user = make_user("r@example.org", password=None)
        accounts.set_role(user, evaluation, "researcher")
        ids = (evaluation.id, user.id, evaluation.sites[0].id, latest_version("patients").id)
    client = fapp.test_client()
    sign_in(client, fapp, ids[1])
    url = f"/design/e/{ids[0]}/series/new?lang=en"
    page = client.get(url)
    assert "panel codes are off" in page.text
    posted = client.post(url, data={"csrf_token": csrf(page), "name": "S", "code": "S",
                                    "version": str(ids[3]), "site": str(ids[2]),
                                    "steps": "3 months"})
    assert posted.status_code == 422 and "panel codes are off" in posted.text
    with fapp.app_context():
        assert db.session.scalar(select(func.count(FollowupSeries.id))) == 0


def test_a_navigator_sees_the_people_due_at_their_sites_and_records_outcomes(
        fapp: Flask) -> None:  # noqa: F811
    ids = _people(fapp)
    client = fapp.test_client()
    sign_in(client, fapp, ids["navigator"])
    url = f"/design/e/{ids['evaluation']}/due"
    page = client.get(url)
    assert page.status_code == 200
    assert "Clinique Nord" in page.text and "Clinique Sud" not in page.text
    assert "Personne #1" in page.text
    token = csrf(page)
    north = f"/design/e/{ids['evaluation']}/due/{ids['task_north']}"
    south = f"/design/e/{ids['evaluation']}/due/{ids['task_south']}"
    # Another site's person: not found, nothing recorded.
    assert client.post(south, data={"csrf_token": token, f"t{ids['task_south']}-outcome":
                                    "declined"}).status_code == 404
    # Without the form's token: refused with a message, nothing recorded.
    prefix = f"t{ids['task_north']}-"
    refused = client.post(north, data={prefix + "outcome": "declined"})
    assert refused.status_code == 422
    # A date in the future: refused in French.
    tomorrow = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    signed = {prefix + "csrf_token": token}
    future = client.post(north, data={**signed, prefix + "outcome": "not_reached",
                                      prefix + "happened_on": tomorrow})
    assert future.status_code == 422 and "ne peut pas être après aujourd" in unescape(future.text)
    with fapp.app_context():
        assert db.session.scalar(select(func.count(FollowupAttempt.id))) == 0
    tried = client.post(north, data={**signed, prefix + "outcome": "not_reached"})
    assert tried.status_code == 302
    assert "Non jointe (1 tentative, la dernière le" in unescape(client.get(url).text)
    declined = client.post(north, data={**signed, prefix + "outcome": "declined"})
    assert declined.status_code == 302
    page = client.get(url)
    assert "Personne n'est attendu cette semaine." in unescape(page.text)
    with fapp.app_context():
        assert db.session.scalar(select(func.count(FollowupAttempt.id))) == 2
        person = db.session.scalar(select(FollowupPerson).filter_by(series_id=ids["north"]))
        assert person.declined_on is not None
    # The research team's figures: the navigator and the partner never see them.
    for who, status in (("navigator", 403), ("partner", 403), ("researcher", 200)):
        other = fapp.test_client()
        sign_in(other, fapp, ids[who])
        assert other.get(f"/design/e/{ids['evaluation']}/series/{ids['north']}").status_code == (
            status)
    partner = fapp.test_client()
    sign_in(partner, fapp, ids["partner"])
    assert partner.get(url).status_code == 403


def test_the_due_list_shows_no_answers(fapp: Flask) -> None:  # noqa: F811
    ids = _people(fapp)
    with fapp.app_context():
        response = db.session.scalar(select(Response).where(Response.panel_hash == "a" * 64))
        response.answers = {"comment": "Ma voisine Ginette m'aide beaucoup"}
        db.session.commit()
    client = fapp.test_client()
    sign_in(client, fapp, ids["researcher"])
    page = client.get(f"/design/e/{ids['evaluation']}/due")
    assert "Personne #1" in page.text and "Ginette" not in page.text


def test_a_participant_leaves_an_address_after_the_baseline_kept_apart(
        fapp: Flask) -> None:  # noqa: F811
    from survey.secrets import digest

    with fapp.test_request_context():
        evaluation = make_evaluation()  # codes carried by invitations
        series = make_series(evaluation, steps="3 months")
        response = complete(series.baseline.campaign_id, None, utcnow())
        response.resume_hash = digest("r" * 32)
        db.session.commit()
        evaluation_id = evaluation.id
    client = fapp.test_client()
    page = client.get("/f/" + "r" * 32)
    assert page.status_code == 200 and "3 mois après aujourd" in unescape(page.text)
    bad = client.post("/f/" + "r" * 32, data={"csrf_token": csrf(page), "email": "pas une adresse"})
    assert bad.status_code == 422
    stale = client.post("/f/" + "r" * 32, data={"email": "ana@example.org"})
    assert stale.status_code == 422
    done = client.post("/f/" + "r" * 32, data={"csrf_token": csrf(page),
                                                "email": "Ana@Example.org"})
    assert done.status_code == 200 and "Nous vous écrirons" in done.text
    with fapp.app_context():
        contact = db.session.scalar(select(Contact).filter_by(evaluation_id=evaluation_id))
        assert contact.email == "Ana@example.org"
        stored = db.session.scalar(select(Response))
        assert "example.org" not in str(stored.answers) and stored.panel_hash
        assert db.session.scalar(select(FollowupPerson.contact_id)) == contact.id
        assert db.session.get(Evaluation, evaluation_id) is not None
    assert client.get("/f/" + "x" * 32).status_code == 404
    assert client.get("/f/short").status_code == 404


def test_guessing_address_pages_is_rate_limited(sqlite_template, tmp_path) -> None:  # noqa: ANN001
    import shutil

    from tests.conftest import make_app

    path = tmp_path / "limits.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", RATELIMIT_RESUME="3 per minute")
    client = app.test_client()
    statuses = [client.get(f"/f/{n:032d}").status_code for n in range(5)]
    assert statuses[:3] == [404, 404, 404] and statuses[-1] == 429
    with app.app_context():
        db.engine.dispose()


def test_the_thank_you_page_of_a_baseline_offers_the_next_steps(fapp: Flask) -> None:  # noqa: F811
    from .participant import Participant

    with fapp.test_request_context():
        evaluation = make_evaluation()  # codes carried by invitations: an open link has none
        series = make_series(evaluation, steps="3 months")
        definition = series.baseline.campaign.version.definition
    person = Participant(fapp.test_client())
    person.start("patients")
    person.complete(definition)
    link = re.search(r'href="([^"]*/f/[^"]+)"', person.html)
    assert link, "the thank-you page links to the address page"
    page = person.client.get(link.group(1))
    assert page.status_code == 200
    person.client.post(link.group(1), data={"csrf_token": csrf(page), "email": "eve@example.org"})
    with fapp.app_context():
        followed = db.session.scalar(select(FollowupPerson))
        assert followed.contact.email == "eve@example.org" and followed.number == 1
        assert "eve@example.org" not in str(db.session.scalar(select(Response)).answers)
    # Once the address is known, the page says so and keeps no second one.
    again = person.client.get(link.group(1))
    assert "Nous vous écrirons" in again.text and "<form" not in again.text.split("<main")[1]
