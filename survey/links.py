"""Links the app builds from a request: never from what the client may forge.

* Absolute links (the private resume link) start with ``SURVEY_BASE_URL``; without it, with
  Flask's ``SERVER_NAME``; without either, with the request's host only when ``TRUSTED_HOSTS``
  lists the hosts it may be (Werkzeug refuses any other with a 400). The ``Host`` header alone
  is never trusted: ``Host: evil.example`` would otherwise put a phishing host in the link.
* Emails and the command line need an absolute link outside any request: :func:`external_url`
  (``survey run`` sets ``BASE_URL`` from its host and port when none is configured, and records
  that address in the instance folder, ``server-address``, for the other commands while it
  serves; without any, the path alone, with a warning on stderr).
* The language switch links to the same page with only the query arguments the pages read
  (an allow-list): ``?endpoint=x`` or ``?_method=POST`` would otherwise reach ``url_for``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
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
    else the address ``survey run`` serves on (recorded in the instance folder); the path
    alone, with a warning on stderr, when no address is known."""
    if not has_request_context():
        with current_app.test_request_context():
            return external_url(endpoint, **values)
    path = url_for(endpoint, **values)
    base = base_url() or served_url(Path(current_app.instance_path))
    if base is None:
        if not current_app.extensions.get("survey.no_address_warned"):
            current_app.extensions["survey.no_address_warned"] = True
            print("warning: no server address is known (SURVEY_BASE_URL is not set and "
                  "`survey run` is not running): links are printed without the site's "
                  "address.", file=sys.stderr)
        return path
    return base + path


# -- the address `survey run` serves on -------------------------------------------------------

SERVER_FILE = "server-address"


def record_server(instance: Path, url: str) -> Path:
    """Write the address this process serves on (mode 0600, replaced atomically)."""
    from .storage import private_folder

    private_folder(instance)
    path = instance / SERVER_FILE
    temporary = instance / f".{SERVER_FILE}.{os.getpid()}"
    descriptor = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": url.rstrip("/"), "pid": os.getpid()}, handle)
    os.replace(temporary, path)
    return path


def forget_server(instance: Path) -> None:
    """Remove the record when the server that wrote it stops (its workers, which share the
    same stack, leave it alone)."""
    path = instance / SERVER_FILE
    recorded = _read_record(path)
    if recorded is not None and recorded.get("pid") == os.getpid():
        path.unlink(missing_ok=True)


def served_url(instance: Path) -> str | None:
    """The address recorded by a running ``survey run``; None without one, or when its process
    is gone (a stale record, left by a server that was killed)."""
    recorded = _read_record(instance / SERVER_FILE)
    if recorded is None:
        return None
    url, pid = recorded.get("url"), recorded.get("pid")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    if not isinstance(pid, int) or not _alive(pid):
        return None
    return url


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


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
