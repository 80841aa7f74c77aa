"""Links the app builds from a request: never from what the client may forge.

* Absolute links (the private resume link) start with ``SURVEY_BASE_URL``; without it, with
  Flask's ``SERVER_NAME``; without either, with the request's host only when ``TRUSTED_HOSTS``
  lists the hosts it may be (Werkzeug refuses any other with a 400). The ``Host`` header alone
  is never trusted: ``Host: evil.example`` would otherwise put a phishing host in the link.
* Emails and the command line need an absolute link outside any request: :func:`external_url`
  (``survey run`` sets ``BASE_URL`` from its host and port when none is configured).
* The language switch links to the same page with only the query arguments the pages read
  (an allow-list): ``?endpoint=x`` or ``?_method=POST`` would otherwise reach ``url_for``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for

#: The query arguments a page reads and the language switch keeps (``check``: the page says
#: what is missing after "Finish").
KEPT_ARGUMENTS = ("check",)


def base_url() -> str | None:
    """The configured scheme and host (and path prefix) of absolute links, without the final
    slash; ``None`` when nothing trustworthy is configured."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "http"
        root = request.script_root if has_request_context() else ""
        return f"{scheme}://{server_name}{root}".rstrip("/")
    if has_request_context() and current_app.config.get("TRUSTED_HOSTS"):
        return request.host_url.rstrip("/")  # Werkzeug checked the host against the list
    return None


def absolute_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint``: the base URL and the path; the path alone (relative to
    this site) when no base URL is configured, and a warning in the log once."""
    path = url_for(endpoint, **values)
    base = base_url()
    if base is None:
        if not current_app.extensions.get("survey.base_url_warned"):
            current_app.extensions["survey.base_url_warned"] = True
            current_app.logger.warning("SURVEY_BASE_URL is not set: private links are shown "
                                       "without the site's address")
        return path
    script_root = request.script_root
    if script_root and path.startswith(script_root):
        path = path[len(script_root):]
    return base + path


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an email or the terminal, in or outside a request: the base URL,
    or the default address of ``survey run`` when nothing is configured."""
    if not has_request_context():
        with current_app.test_request_context():
            return external_url(endpoint, **values)
    return (base_url() or "http://127.0.0.1:8000") + url_for(endpoint, **values)


def same_page(**values: Any) -> str:
    """This page's URL with ``values`` added, keeping only the allowed query arguments; the
    list of questionnaires when the page has no route (a 404, a 405)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or request.routing_exception is not None:
        return url_for("participate.index", **values)
    arguments: dict[str, Any] = dict(request.view_args or {})
    for name in KEPT_ARGUMENTS:
        value = request.args.get(name)
        if value is not None and name not in arguments:
            arguments[name] = value
    arguments.update(values)
    return url_for(endpoint, **arguments)
