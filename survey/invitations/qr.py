"""QR codes of a link, as PNG and SVG (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno

# Medium error correction: a poster in a waiting room gets creased and stained.
ERROR = "m"


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, title: str | None = None, scale: int = 10) -> bytes:
    """A standalone SVG; ``title`` (escaped by segno) is what screen readers announce."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=scale, border=4, xmldecl=True,
                    title=title or url, unit=None)
    return buffer.getvalue()


def qr_svg_inline(url: str, title: str) -> str:
    """The SVG element alone, to place in an HTML page (the poster); sized by the stylesheet."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True,
                    title=title, svgclass="qr", lineclass=None, omitsize=True)
    return buffer.getvalue().decode("utf-8")
