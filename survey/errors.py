"""Error pages that cannot fail.

A handler that raises leaves the WSGI server to send a bare 500 without the security headers,
so each page is rendered with its template and, should that fail (a broken session, a crafted
request, a database down), with a fixed bilingual page built without templates or requests.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

#: status -> template of its page (405 and 413 are a page the browser sent wrongly: 400)
PAGES = {400: 400, 404: 404, 405: 400, 413: 400, 429: 429, 500: 500}

FALLBACK = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Proximité</title></head>
<body>
<h1>Désolé, cette page n'a pas pu être affichée.</h1>
<p>Les réponses déjà enregistrées sont conservées. Veuillez réessayer dans quelques minutes.</p>
<h1 lang="en">Sorry, this page could not be shown.</h1>
<p lang="en">The answers you had already saved are kept. Please try again in a few minutes.</p>
<p><a href="/">Proximité</a></p>
</body>
</html>
"""


def register_errors(app: Flask) -> None:
    def render(status: int, page: int):  # noqa: ANN202
        def handler(error: Exception) -> tuple[str, int, dict[str, str]]:
            headers: dict[str, str] = {}
            if isinstance(error, HTTPException):
                # e.g. Retry-After of a rate limit, Allow of a 405
                headers = {k: v for k, v in error.get_headers() if k != "Content-Type"}
            try:
                # a blueprint may have its own page (errors/auth/429.html: sign-in attempts)
                templates = [f"errors/{request.blueprint}/{page}.html", f"errors/{page}.html"]
                return render_template(templates, error=error), status, headers
            except Exception:  # noqa: BLE001  (the last resort must not fail in turn)
                app.logger.exception("the error page %s could not be rendered", page)
                return FALLBACK, status, headers
        return handler

    for status, page in PAGES.items():
        app.register_error_handler(status, render(status, page))
