"""The printable A4 poster of a campaign's open link (for waiting rooms and notice boards)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from .qr import qr_svg_inline


def render_poster(url: str, title: str, evaluation: str, minutes: int | None = None,
                  responsible: str | None = None, back_url: str | None = None) -> str:
    """The poster page; the QR code is inline SVG made by segno (its title escaped there),
    every other value is escaped by the template."""
    code = Markup(qr_svg_inline(url, title=title))  # noqa: S704  (segno escapes the title)
    return render_template("invitations/poster.html", url=url, title=title,
                           evaluation=evaluation, minutes=minutes, responsible=responsible,
                           back_url=back_url, qr_svg=code)
