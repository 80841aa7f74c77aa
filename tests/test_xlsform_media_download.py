"""A version with pictures or sounds downloads as a ZIP (its XLSForm and its files under their
stored names) that uploads back with the same content hash; a version without them as the
.xlsx. The files of a draft dropped without being published are removed, those a version or
another draft shows are kept."""

from __future__ import annotations

import io
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.design import services
from survey.extensions import db
from survey.models import QuestionnaireMedia
from survey.models.account import RESEARCHER
from survey.questionnaire.media import already_prepared, names_in
from survey.questionnaire.xlsform import read_upload

from .test_questionnaire_pages import base, csrf, sign_in, upload
from .test_xlsform import workbook
from .test_xlsform_media import FILES, picture
from .test_xlsform_zip import zipped


def stored_media(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(QuestionnaireMedia.name)))


def start(app: Flask, client: FlaskClient) -> int:
    with app.app_context():
        evaluation_id = services.create_evaluation(None, name="Pilot").id
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    return evaluation_id


def draft_of(client: FlaskClient, evaluation_id: int, name: str, content: bytes) -> str:
    page = upload(client, evaluation_id, name, content)
    assert page.status_code == 302, page.text
    return page.headers["Location"].split("?")[0]


def publish(client: FlaskClient, evaluation_id: int, draft_url: str) -> None:
    token = csrf(client, base(evaluation_id))
    assert client.post(f"{draft_url}/publish", data={"csrf_token": token,
                                                     "confirm": "publish"}).status_code == 302


def drop(client: FlaskClient, evaluation_id: int, draft_url: str) -> None:
    token = csrf(client, base(evaluation_id))
    assert client.post(f"{draft_url}/drop", data={"csrf_token": token}).status_code == 302


def test_a_version_with_media_downloads_as_a_zip_that_uploads_back_the_same(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    imported = read_upload(zipped(FILES), "pictures.zip")
    digest = imported.definition.content_hash
    publish(client, evaluation_id, draft_of(client, evaluation_id, "pictures.zip",
                                            zipped(FILES)))
    listing = client.get(base(evaluation_id)).text
    link = f"{base(evaluation_id)}/versions/{digest}/download.zip"
    assert link in listing and ("XLSForm (ZIP avec ses médias)" in listing
                                or "XLSForm (ZIP with its media)" in listing)
    assert link in client.get(f"{base(evaluation_id)}/versions/{digest}").text
    got = client.get(link)
    assert got.status_code == 200 and got.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    shown = names_in(imported.definition.raw)
    assert len(shown) == 3  # two pictures and a sound
    assert set(members) == {f"pictures-{digest[:12]}.xlsx"} | {f"media/{n}" for n in shown}
    for name in shown:
        assert members[f"media/{name}"] == imported.media[name].data
    again = read_upload(got.data, "downloaded.zip")
    assert again.definition.content_hash == digest
    assert again.definition.item("seen").image == imported.definition.item("seen").image
    assert set(again.media) == shown
    # uploading the downloaded ZIP is the same version: nothing new to publish
    assert draft_of(client, evaluation_id, "downloaded.zip", got.data).endswith(digest)


def test_a_version_without_media_downloads_as_the_xlsx(app: Flask, client: FlaskClient
                                                       ) -> None:
    evaluation_id = start(app, client)
    plain = {"survey": [["type", "name", "label::English (en)"], ["text", "q", "Q?"]],
             "settings": [["form_id"], ["plain"]]}
    publish(client, evaluation_id, draft_of(client, evaluation_id, "plain.xlsx",
                                            workbook(plain)))
    listing = client.get(base(evaluation_id)).text
    assert "download.xlsx" in listing and "download.zip" not in listing


def test_only_our_own_stored_files_are_kept_as_they_are() -> None:
    imported = read_upload(zipped(FILES), "pictures.zip")
    name = imported.definition.item("seen").image["en"]
    data = imported.media[name].data
    assert already_prepared("image", name, data) is not None
    assert already_prepared("image", name, data + b"x") is None  # not its content
    assert already_prepared("audio", name, data) is None
    other = picture(900, 900, "WEBP")  # too large to be ours, though named by its hash
    import hashlib
    named = f"{hashlib.sha256(other).hexdigest()}-900x900.webp"
    assert already_prepared("image", named, other) is None


def test_the_files_of_a_dropped_draft_go_unless_something_else_shows_them(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    first = read_upload(zipped(FILES), "pictures.zip")
    first_names = names_in(first.definition.raw)
    changed = dict(FILES, **{"media/poster.png": picture(400, 300, "PNG", "purple")})
    second = read_upload(zipped(changed), "pictures2.zip")
    second_names = names_in(second.definition.raw)
    only_second = second_names - first_names
    assert len(only_second) == 1 and len(first_names & second_names) == 2
    draft_one = draft_of(client, evaluation_id, "pictures.zip", zipped(FILES))
    draft_two = draft_of(client, evaluation_id, "pictures2.zip", zipped(changed))
    assert stored_media(app) == first_names | second_names
    drop(client, evaluation_id, draft_two)  # replaced by the first, never published
    assert stored_media(app) == first_names  # the shared ones stay, the purple poster goes
    publish(client, evaluation_id, draft_one)  # published: the version shows them
    assert stored_media(app) == first_names
    draft_three = draft_of(client, evaluation_id, "pictures.zip", zipped(FILES))
    drop(client, evaluation_id, draft_three)  # the same files as the published version
    assert stored_media(app) == first_names
