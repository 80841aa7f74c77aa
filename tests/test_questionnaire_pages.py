"""Questionnaires in the workspace: upload with a validation report, drafts, preview that
records nothing, publish with the diff, download back, campaigns moved; who may do what."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.design import services
from survey.extensions import db
from survey.models import Campaign, QuestionnaireVersion, Response
from survey.models.account import EVALUATOR, PARTNER, RESEARCHER
from survey.questionnaire import load_file, load_text
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.xlsform import read_xlsform

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
COOP = '          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n'
BROKEN_XLSX = (Path(__file__).parent / "data" / "xlsforms"
               / "xlsform2qgis__survey_flooding_rapid_assessment.xlsx")


def sign_in(client, app: Flask, email: str, role: str | None, evaluation_id: int) -> None:  # noqa: ANN001
    from survey.auth import accounts

    with app.app_context():
        user = accounts.find_user(email) or accounts.create_user(email)
        evaluation = db.session.get(services.Evaluation, evaluation_id)
        if role is not None:
            accounts.set_role(user, evaluation, role)
        ident = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = ident
        session["_fresh"] = True


def csrf(client, url: str) -> str:  # noqa: ANN001
    page = client.get(url)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    return match.group(1) if match else ""


@pytest.fixture
def evaluation_id(app: Flask) -> int:
    with app.app_context():
        return services.create_evaluation(None, name="Pilot").id


def base(evaluation_id: int) -> str:
    return f"/design/e/{evaluation_id}/questionnaires"


def upload(client, evaluation_id: int, name: str, content: bytes):  # noqa: ANN001, ANN201
    token = csrf(client, base(evaluation_id))
    return client.post(f"{base(evaluation_id)}/upload", data={
        "csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data")


def count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_broken_spreadsheet_gets_a_report_with_sheet_row_and_column(app, client,
                                                                      evaluation_id):
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    page = upload(client, evaluation_id, "flooding.xlsx", BROKEN_XLSX.read_bytes())
    assert page.status_code == 422
    # placed at its cell and said in the researcher's language (French by default)
    assert "<code>survey!P1</code>" in page.text
    assert "Impossible de savoir la langue de la colonne" in page.text
    assert "cannot tell the language" not in page.text
    plain = Path(__file__).parent / "data" / "xlsforms" / "pyxform__text_and_integer.xlsx"
    page = upload(client, evaluation_id, "plain.xlsx", plain.read_bytes())
    assert page.status_code == 302
    draft_url = page.headers["Location"]
    draft = client.get(draft_url)
    assert 'id="notes"' in draft.text and "un texte de consentement standard" in draft.text
    assert "<code>settings</code>" in draft.text
    page = upload(client, evaluation_id, "notes.xlsx", b"just text")
    assert page.status_code == 422 and "Ce n’est pas un classeur" in page.text
    assert "<td>Tout le fichier</td>" in page.text and "<td>ligne 1</td>" not in page.text
    assert "a standard consent text" in client.get(draft_url + "?lang=en").text
    page = upload(client, evaluation_id, "flooding.xlsx", BROKEN_XLSX.read_bytes())
    assert "<code>survey!P1</code>" in page.text and "Cannot tell the language" in page.text


def test_a_broken_yaml_gets_a_report_by_line_in_the_researchers_language(app, client,
                                                                          evaluation_id):
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    text = EVERY_TYPE.read_text(encoding="utf-8").replace("audience: professional",
                                                          "audience: martians")
    lines = text.splitlines()
    line = next(n for n, row in enumerate(lines, start=1) if row.startswith("audience:"))
    page = upload(client, evaluation_id, "every.yaml", text.encode("utf-8"))
    assert page.status_code == 422
    row = re.search(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page.text)
    assert row is not None and row.group(1) == f"ligne {line}"
    assert row.group(2) == "«\u00a0audience\u00a0» doit être l’un de patient, professional, citizen"
    client.get("/?lang=en")
    page = upload(client, evaluation_id, "every.yaml", text.encode("utf-8"))
    row = re.search(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", page.text)
    assert row is not None and row.group(1) == f"line {line}"
    assert row.group(2) == "&#39;audience&#39; must be one of patient, professional, citizen"


def test_upload_preview_publish_change_diff_move_and_download(app, client, evaluation_id,
                                                              tmp_path):
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    original = EVERY_TYPE.read_text(encoding="utf-8")
    # an XLSForm upload becomes a draft
    page = upload(client, evaluation_id, "every.xlsx", as_xlsform(load_text(original)))
    assert page.status_code == 302
    draft_url = page.headers["Location"]
    draft = client.get(draft_url)
    assert draft.status_code == 200
    assert 'id="notes"' not in draft.text  # our own XLSForm needs no assumption
    assert "Français, English" in draft.text  # languages by name, not code
    with app.app_context():
        before = (count(Response), count(QuestionnaireVersion))
    # previews in both languages at phone width record nothing
    frames = re.findall(r'<iframe class="phone-frame" src="([^"]+)"', draft.text)
    assert len(frames) == 2
    for frame in frames:
        shown = client.get(frame)
        assert shown.status_code == 200
        assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
        assert "form-action 'self'" in shown.headers["Content-Security-Policy"]
    english = client.get(frames[1].replace("/1", "/1"))
    assert "Which service?" in english.text and "Preview" in english.text
    french = client.get(frames[0])
    assert "Quel service\u00a0?" in french.text
    with app.app_context():
        assert (count(Response), count(QuestionnaireVersion)) == before
    # publish (the first version of every_type has no previous one)
    token = csrf(client, draft_url)
    hash1 = draft_url.rstrip("/").split("/")[-1].split("?")[0]
    assert client.post(f"{draft_url.split('?')[0]}/publish",
                       data={"csrf_token": token, "confirm": "publish"}).status_code == 302
    with app.app_context():
        v1 = db.session.scalar(select(QuestionnaireVersion).filter_by(content_hash=hash1))
        assert v1 is not None
        campaign = services.create_campaign(db.session.get(services.Evaluation,
                                                           evaluation_id), None, version=v1)
        campaign_id, v1_id = campaign.id, v1.id
    # someone answered version 1 through the campaign
    with app.app_context():
        db.session.add(Response(version_id=v1_id, campaign_id=campaign_id, language="fr",
                                answers={"service": "coop"}, resume_hash="a" * 64,
                                start_hash="b" * 64))
        db.session.commit()
    # reword one item, remove a choice: the YAML upload shows the diff with warnings
    changed = original.replace('en: "Which service?"', 'en: "Which service do you use?"') \
        .replace(COOP, "")
    page = upload(client, evaluation_id, "every.yaml", changed.encode("utf-8"))
    assert page.status_code == 302
    draft = client.get(page.headers["Location"])
    # the workspace's French
    assert "Question «\u00a0service\u00a0» reformulée (en)." in draft.text
    assert ("<dt>English</dt><dd><del>Which service?</del> → "
            "<ins>Which service do you use?</ins></dd>") in draft.text
    assert "Choix «\u00a0coop\u00a0» retiré de la question «\u00a0service\u00a0»" in draft.text
    assert ("Attention\u00a0: le choix «\u00a0coop\u00a0» a été retenu dans des réponses "
            "antérieures\u00a0: les "
            "vagues n&#39;offriront pas les mêmes choix.") in draft.text
    draft_url = page.headers["Location"].split("?")[0]
    hash2 = draft_url.split("/")[-1]
    token = csrf(client, draft_url)
    assert client.post(f"{draft_url}/publish", data={"csrf_token": token,
                                                     "confirm": "publish"}).status_code == 302
    # move the campaign to version 2
    version_url = f"{base(evaluation_id)}/versions/{hash2}"
    token = csrf(client, version_url)
    moved = client.post(f"{version_url}/campaigns/{campaign_id}", data={"csrf_token": token})
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).version.content_hash == hash2
        v1_data = db.session.scalar(select(QuestionnaireVersion)
                                    .filter_by(content_hash=hash1)).definition_data
        assert "coop" in str(v1_data)  # the old version is intact
        answered = db.session.scalar(select(Response))
        assert answered.version.content_hash == hash1  # and its response keeps it
        assert answered.answers == {"service": "coop"}
    # download both versions as YAML and XLSForm: same content hashes
    for digest in (hash1, hash2):
        for fmt in ("yaml", "xlsx"):
            got = client.get(f"{base(evaluation_id)}/versions/{digest}/download.{fmt}")
            assert got.status_code == 200
            assert "attachment" in got.headers["Content-Disposition"]
            path = tmp_path / f"v.{fmt}"
            path.write_bytes(got.data)
            back = (read_xlsform(got.data).definition if fmt == "xlsx" else load_file(path))
            assert back.content_hash == digest


@pytest.mark.parametrize(("role", "view", "manage"), [
    (None, 403, 403), (PARTNER, 200, 403), (EVALUATOR, 200, 403), (RESEARCHER, 200, 302)])
def test_route_by_role(app, client, evaluation_id, role, view, manage):  # noqa: ANN001
    with app.app_context():
        version = db.session.scalar(select(QuestionnaireVersion).limit(1))
        digest = version.content_hash
    sign_in(client, app, f"{role or 'stranger'}@example.org", role, evaluation_id)
    q = base(evaluation_id)
    assert client.get(q).status_code == view
    assert client.get(f"{q}/versions/{digest}").status_code == view
    assert client.get(f"{q}/versions/{digest}/download.yaml").status_code == view
    assert client.get(f"{q}/versions/{digest}/preview/fr/1").status_code == view
    if role is None:
        return  # a stranger is refused before any form (the matrix checks POST without CSRF)
    if role == RESEARCHER:
        result = upload(client, evaluation_id, "e.yaml", EVERY_TYPE.read_bytes())
    else:
        token = csrf(client, q)
        result = client.post(f"{q}/upload", data={"csrf_token": token, "file": (
            io.BytesIO(EVERY_TYPE.read_bytes()), "e.yaml")}, content_type="multipart/form-data")
    assert result.status_code == manage


def test_anonymous_visitors_are_sent_to_sign_in(client, evaluation_id):  # noqa: ANN001
    page = client.get(base(evaluation_id))
    assert page.status_code in (302, 401)


def test_the_preview_language_never_changes_the_researchers_own(app, client, evaluation_id):  # noqa: ANN001
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    client.get(f"{base(evaluation_id)}?lang=fr")  # the researcher works in French
    page = upload(client, evaluation_id, "every.yaml", EVERY_TYPE.read_bytes())
    draft_url = page.headers["Location"].split("?")[0]
    english = client.get(f"{draft_url}/preview/en/1?lang=en")
    assert "Which service?" in english.text
    assert '<html lang="en">' in english.text
    # its switch leads to the French preview of the same page, by its URL
    switch = re.search(r'<a class="lang" href="([^"]+)" lang="fr"', english.text).group(1)
    assert switch == f"{draft_url}/preview/fr/1".replace("http://survey.test", "")
    assert "Quel service\u00a0?" in client.get(switch).text
    with client.session_transaction() as session:
        assert session["lang"] == "fr"
    workspace = client.get(base(evaluation_id))
    assert '<html lang="fr">' in workspace.text and "Téléverser" in workspace.text


HOUSEHOLD = Path(__file__).parent / "data" / "household.yaml"


def preview_post(client, url: str, page_text: str, data: dict):  # noqa: ANN001, ANN201
    """Post a preview page as its form does: its token, its signed answers and ``data``."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text).group(1)
    state = re.search(r'name="preview_state" type="hidden" value="([^"]*)"', page_text).group(1)
    return client.post(url, data={"csrf_token": token, "preview_state": state, **data})


def blocks(page_text: str) -> list[str]:
    return re.findall(r'<h2 id="occurrence-\d+-title">([^<]+)</h2>', page_text)


def test_the_preview_adds_and_removes_the_blocks_of_a_repeated_page(app, client,  # noqa: ANN001
                                                                     evaluation_id):
    """"Add another" and "Remove" work in the preview as on the participant's page (no script
    needed), the answers travelling signed in the page, and nothing is recorded."""
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    page = upload(client, evaluation_id, "household.yaml", HOUSEHOLD.read_bytes())
    draft_url = page.headers["Location"].split("?")[0]
    with app.app_context():
        before = (count(Response), count(QuestionnaireVersion))
    url = f"{draft_url}/preview/en/3"  # the visits, added one by one
    page = client.get(url)
    assert blocks(page.text) == ["Visit 1 of 1"]
    # "Add another" posts to the page's address with the new block as its fragment: the page
    # comes back at that block, even without a script
    path = url.replace("http://survey.test", "")
    assert f'value="add" formaction="{path}#occurrence-2">Add another' in page.text
    page = preview_post(client, url, page.text, {"nav": "add", "visit_reason-1": "Flu"})
    assert page.status_code == 200
    assert blocks(page.text) == ["Visit 1 of 2", "Visit 2 of 2"]
    assert f'value="add" formaction="{path}#occurrence-3">' in page.text
    # "Remove" lands at the block before the one removed (the first: the new first one)
    assert f'value="remove-1" formaction="{path}#occurrence-1">' in page.text
    assert f'value="remove-2" formaction="{path}#occurrence-1">' in page.text
    assert 'name="visit_reason-1" value="Flu"' in page.text
    page = preview_post(client, url, page.text, {"nav": "add", "visit_reason-1": "Flu",
                                                 "visit_reason-2": "Check-up"})
    assert blocks(page.text) == ["Visit 1 of 3", "Visit 2 of 3", "Visit 3 of 3"]
    assert ">Add another</button>" not in page.text and "You can give at most 3." in page.text
    # the third visit is required: the summary names its block
    refused = preview_post(client, url, page.text, {"nav": "next", "visit_reason-1": "Flu",
                                                    "visit_reason-2": "Check-up"})
    assert refused.status_code == 422
    assert re.search(r'<li><a href="#q-visit_reason-3">Visit 3 of 3: Why did you come\?',
                     refused.text)
    page = preview_post(client, url, refused.text, {"nav": "remove-1", "visit_reason-1": "Flu",
                                                    "visit_reason-2": "Check-up"})
    assert blocks(page.text) == ["Visit 1 of 2", "Visit 2 of 2"]
    assert re.search(r'name="visit_reason-1" value="Check-up"', page.text)
    page = preview_post(client, url, page.text, {"nav": "remove-2",
                                                 "visit_reason-1": "Check-up"})
    assert blocks(page.text) == ["Visit 1 of 1"] and ">Remove: " not in page.text
    page = preview_post(client, url, page.text, {"nav": "next", "visit_reason-1": "Check-up"})
    assert page.status_code == 200 and "Your opinion" in page.text  # moved on
    # a count page has no buttons: "add" there is an ordinary "Next"
    members = client.get(f"{draft_url}/preview/fr/2")
    assert "En ajouter un autre" not in members.text
    with app.app_context():
        assert (count(Response), count(QuestionnaireVersion)) == before


def test_a_preview_page_opened_by_its_address_reads_the_hidden_values_of_earlier_pages(
        app, client, evaluation_id):  # noqa: ANN001
    """A page opened directly in the preview knows the values the form fixes on the pages
    before it (a hidden year), so its calculations and conditions behave as a participant's:
    an adult's job is asked, a child's is not, in the page's script and on submit."""
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    source = Path(__file__).parent / "data" / "repeat_computed.yaml"
    page = upload(client, evaluation_id, "repeat_computed.yaml", source.read_bytes())
    url = f"{page.headers['Location'].split('?')[0]}/preview/en/2"
    page = client.get(url)
    prior = re.search(r'<script type="application/json" id="prior-answers">([^<]*)</script>',
                      page.text)
    assert prior and json.loads(prior.group(1)) == {"year": "2026"}
    # and the page's signed answers carry it to the next post, as a participant's would
    page = preview_post(client, url, page.text, {"nav": "add", "born-1": "1990"})
    assert page.status_code == 200 and "Person 2 of 2" in page.text
    assert '"year": "2026"' in page.text
