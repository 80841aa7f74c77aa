"""Absolute links for emails and printed messages, from the configuration only.

Never from the request's Host header: a forged header would otherwise put an attacker's
address in a password-reset email. ``survey run`` sets ``BASE_URL`` from its host and port
when none is configured.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def base_url() -> str:
    configured = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    server = current_app.config.get("SERVER_NAME")
    return f"http://{server}" if server else "http://127.0.0.1:8000"


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for`` as an absolute link under :func:`base_url` (works outside requests)."""
    if has_request_context():
        return base_url() + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base_url() + url_for(endpoint, **values)
