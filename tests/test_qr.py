"""QR codes of campaign links: PNG and SVG that decode back to the link."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import segno

from survey.invitations.qr import qr_png, qr_svg, qr_svg_inline

URL = "https://survey.test/c/clinique-x-t0?ref=poster"


def test_png_is_an_image_of_the_link() -> None:
    data = qr_png(URL)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    # Same matrix as segno makes for the URL: the picture encodes exactly this link.
    reference = segno.make(URL, error="m", micro=False)
    assert reference.error in ("M", "Q", "H")  # at least medium: posters get creased
    buffer = io.BytesIO()
    reference.save(buffer, kind="png", scale=10, border=4)
    assert buffer.getvalue() == data


def test_svg_is_well_formed_with_an_escaped_title() -> None:
    root = ET.fromstring(qr_svg(URL, title='Clinique <X> & "Y"'))
    assert root.tag.endswith("svg")
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == 'Clinique <X> & "Y"'
    inline = qr_svg_inline(URL, title="<script>")
    assert inline.startswith("<svg") and "<script>" not in inline
    assert 'class="qr"' in inline


def test_the_poster_is_a_printable_page_without_inline_style_or_script(tmp_path: Path) -> None:
    from survey.invitations.poster import render_poster
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'survey.db'}")
    hostile = "<script>alert(1)</script>"
    with app.test_request_context("/?lang=en"):
        html = render_poster(URL, title=hostile, evaluation="Clinique <b>X</b>", minutes=10,
                             responsible="Dre Lin, lin@example.org")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Clinique &lt;b&gt;X&lt;/b&gt;" in html
    assert "style=" not in html and "<style" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="qr"' in html
    assert URL in html
    assert "poster.css" in html
    css = Path(app.static_folder, "poster.css").read_text(encoding="utf-8")
    assert "@page{size:A4" in css
