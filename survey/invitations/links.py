"""Absolute links that leave the app (emails, CSV for a mail merge, posters).

They are never built from the request's ``Host`` header, which a client chooses: the instance's
``SURVEY_BASE_URL`` gives the scheme and host, else the configured ``SERVER_NAME``, else the
local address ``survey run`` serves by default.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

LOCAL = "http://127.0.0.1:8000"


def absolute_url(endpoint: str, app: Flask | None = None, **values: Any) -> str:
    app = app or current_app
    base = str(app.config.get("BASE_URL") or "").rstrip("/")
    if not base:
        server = app.config.get("SERVER_NAME")
        scheme = app.config.get("PREFERRED_URL_SCHEME") or "http"
        base = f"{scheme}://{server}" if server else LOCAL
    adapter = app.url_map.bind("localhost", script_name=app.config.get("APPLICATION_ROOT"))
    return base + adapter.build(endpoint, values, force_external=False)
