"""Pictures and sounds shown with questions, served by their content-addressed name: public
like the pages that show them, unguessable, never changing, so cached for a year."""

from __future__ import annotations

from flask import abort, make_response
from werkzeug.wrappers import Response as HttpResponse

from ..versions.media import find_media
from .blueprint import bp

YEAR = 365 * 24 * 3600


@bp.get("/media/<name>")
def media_file(name: str) -> HttpResponse:
    stored = find_media(name)
    if stored is None:
        abort(404)
    response = make_response(bytes(stored.data))
    response.headers["Content-Type"] = stored.content_type
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
