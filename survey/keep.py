"""The server's side of ``static/keep.js``: a saved post answered without a redirect.

keep.js posts a participant's page with ``fetch`` and marks it with ``X-Keep: 1``. Were the
answer the usual 303, fetch would follow it (one GET) and the script would then open that same
address (a second GET). Instead such a post gets ``204 No Content`` with the address in
``X-Keep-Location``, and the script opens it: one POST and one GET per saved page, each page a
real navigation (history, focus, screen readers). Posts without the header (no script, the
research workspace) get their ordinary redirect.
"""

from __future__ import annotations

from flask import Flask, Response, request

REQUEST_HEADER = "X-Keep"
LOCATION_HEADER = "X-Keep-Location"
_REDIRECTS = (301, 302, 303, 307, 308)


def told_not_redirected(response: Response) -> Response:
    if request.method != "POST" or request.headers.get(REQUEST_HEADER) != "1":
        return response
    response.vary.add(REQUEST_HEADER)
    location = response.headers.get("Location")
    if response.status_code not in _REDIRECTS or not location:
        return response
    del response.headers["Location"]
    response.headers[LOCATION_HEADER] = location
    response.status_code = 204
    response.set_data(b"")
    response.headers.pop("Content-Type", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(told_not_redirected)
