"""Pictures and sounds of an XLSForm uploaded in a ZIP: resized, stored once under a
content-addressed name, shown lazily on the participant's page and served from /media/;
a file missing from the upload or unreadable is a note, never a refusal."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from survey.questionnaire.media import size_of
from survey.questionnaire.xlsform import read_upload, read_xlsform

from .test_xlsform import workbook
from .test_xlsform_zip import zipped

FR, EN = "label::Français (fr)", "label::English (en)"
FORM = {"survey": [["type", "name", FR, EN, "media::image::Français (fr)",
                    "media::image::English (en)", "audio", "video"],
                   ["begin group", "p", "Page", "Page"],
                   ["select_one yn", "seen", "Vu ?", "Seen?", "affiche.jpg", "poster.png",
                    "message.mp3"],
                   ["note", "look", "Regardez", "Look", "absent.png", None, None, "film.mp4"],
                   ["text", "bad", "Texte", "Text", "notes.png"],
                   ["end group"]],
        "choices": [["list_name", "name", FR, EN, "image"],
                    ["yn", "yes", "Oui", "Yes", "yes.png"], ["yn", "no", "Non", "No", None]],
        "settings": [["form_id", "default_language"], ["pictures", "Français (fr)"]]}


def picture(width: int, height: int, fmt: str, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, fmt)
    return out.getvalue()


FILES = {"form.xlsx": workbook(FORM), "media/affiche.jpg": picture(3000, 2000, "JPEG"),
         "media/poster.png": picture(400, 300, "PNG", "orange"), "media/message.mp3":
         b"ID3\x03\x00fake mp3", "media/notes.png": b"not a picture at all"}


def test_pictures_are_resized_and_named_by_content_missing_files_are_notes():
    imported = read_upload(zipped(FILES), "pictures.zip")
    seen = imported.definition.item("seen")
    assert set(seen.image) == {"fr", "en"}
    assert size_of(seen.image["fr"]) == (800, 533)  # the longer side at most 800 pixels
    assert size_of(seen.image["en"]) == (400, 300)
    stored = imported.media[seen.image["fr"]]
    assert stored.content_type == "image/webp" and len(stored.data) < 20_000
    assert seen.image["fr"].startswith(hashlib.sha256(stored.data).hexdigest())
    assert Image.open(io.BytesIO(stored.data)).size == (800, 533)
    assert seen.audio == {"fr": hashlib.sha256(b"ID3\x03\x00fake mp3").hexdigest() + ".mp3"}
    assert imported.definition.item("look").image is None
    notes = {note.place: str(note.text) for note in imported.notes}
    assert notes["survey!E4"] == ("'absent.png' is not in the ZIP file, so it is not shown: "
                                  "add it next to the XLSForm")
    assert "only pictures and sounds" in notes["survey!H4"]
    assert "it is not a picture" in notes["survey!E5"]
    assert "column 'image' is not used here" in notes["choices!E2"]


def test_a_changed_picture_makes_a_new_version_and_an_xlsx_alone_still_imports():
    first = read_upload(zipped(FILES), "a.zip").definition
    changed = dict(FILES, **{"media/poster.png": picture(400, 300, "PNG", "navy")})
    assert read_upload(zipped(changed), "b.zip").definition.content_hash != first.content_hash
    alone = read_xlsform(workbook(FORM), "form.xlsx")
    assert alone.definition.item("seen").image is None and not alone.media
    assert any("upload a ZIP file holding the XLSForm and its pictures" in str(n)
               for n in alone.notes)


def test_the_preview_shows_the_picture_lazily_and_media_are_served_by_name(app, client):
    from survey.design import services
    from survey.models.account import RESEARCHER

    from .test_questionnaire_pages import sign_in, upload

    with app.app_context():
        evaluation_id = services.create_evaluation(None, name="Pilot").id
    sign_in(client, app, "r@example.org", RESEARCHER, evaluation_id)
    page = upload(client, evaluation_id, "pictures.zip", zipped(FILES))
    assert page.status_code == 302, page.text
    draft_url = page.headers["Location"]
    imported = read_upload(zipped(FILES), "pictures.zip")
    name = imported.definition.item("seen").image["en"]
    preview = client.get(f"{draft_url}/preview/en/1?lang=en")
    assert (f'<img class="picture" src="/media/{name}" width="400" height="300" '
            'loading="lazy"') in preview.text
    assert "/media/" + imported.definition.item("seen").audio["fr"] in preview.text
    client.get("/logout")
    served = client.get(f"/media/{name}")  # public: participants are anonymous
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.data == imported.media[name].data
    assert "immutable" in served.headers["Cache-Control"]
    assert client.get("/media/" + "0" * 64 + "-1x1.webp").status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404
