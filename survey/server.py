"""Serve the app with gunicorn, as ``survey run`` does: no client address in any log, and the
control socket in the instance folder (two instances on one machine never share it)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

# An IPv4 address, an IPv6 address (full, or shortened with "::"), or gunicorn's "ip=..." field.
ADDRESS_RE = re.compile(
    r"ip=\S+"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"
    r"|(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])"
    r"|(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?"
    r"(?:\.\d{1,3}){0,3}(?![\w:])",
    re.IGNORECASE)
HIDDEN = "[address hidden]"
#: a Unix socket path must fit in 108 bytes; beyond, the control socket is turned off
MAX_SOCKET_PATH = 100


def scrub(message: str) -> str:
    """``message`` without IP addresses (the server's own too: a client on the same machine
    has the same one; ``survey run`` says where it listens before gunicorn starts)."""
    return ADDRESS_RE.sub(HIDDEN, message)


class PrivateLogger(Logger):
    """Gunicorn's logger with no access log and every message scrubbed of addresses: a bad
    request line is logged as ``Invalid request from [address hidden]: ...``."""

    def log(self, lvl: Any, msg: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(lvl, str):
            lvl = self.LOG_LEVELS.get(lvl.lower(), logging.INFO)
        self.error_log.log(lvl, self._clean(msg, args), **kwargs)

    def critical(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.critical(self._clean(msg, args), **kwargs)

    def error(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.error(self._clean(msg, args), **kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.warning(self._clean(msg, args), **kwargs)

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.info(self._clean(msg, args), **kwargs)

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.debug(self._clean(msg, args), **kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.error_log.exception(self._clean(msg, args), **kwargs)

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """No access log: it would hold addresses and private links."""

    def _clean(self, msg: Any, args: tuple[Any, ...]) -> str:
        text = str(msg)
        if args:
            try:
                text = text % args
            except (TypeError, ValueError):
                text = " ".join([text, *map(str, args)])
        return scrub(text)


def control_socket(instance: Path) -> dict[str, Any]:
    """Gunicorn's control-socket settings: in the instance folder (mode 0600), or off when
    the path is too long for a Unix socket."""
    path = instance / "gunicorn.ctl"
    if len(str(path).encode()) > MAX_SOCKET_PATH:
        return {"control_socket_disable": True}
    return {"control_socket": str(path), "control_socket_mode": 0o600}


def options(host: str, port: int, workers: int, instance: Path) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
        "threads": 4, "timeout": 60, "accesslog": None, "errorlog": "-",
        "logger_class": "survey.server.PrivateLogger",
        **heartbeat_folder(),
        **control_socket(instance),
    }


def heartbeat_folder() -> dict[str, Any]:
    """Each worker touches a file after every request to tell the master it is alive; on a disk
    that took 13% of a worker's time under load (py-spy), so use memory where Linux offers it,
    as gunicorn's documentation advises."""
    shm = Path("/dev/shm")
    return {"worker_tmp_dir": str(shm)} if shm.is_dir() and os.access(shm, os.W_OK) else {}


def serve(host: str, port: int, workers: int, instance: Path,
          config: dict[str, Any] | None = None,
          factory: Callable[[], Any] | None = None) -> None:
    """Serve the app (or ``factory()``: ``bench/throughput.py`` serves its bare reference app
    through here, so both are served the same way) with gunicorn."""
    # Gunicorn's documented "custom application" pattern: serve our factory in-process.
    from gunicorn.app.base import BaseApplication

    from . import create_app

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options(host, port, workers, instance).items():
                if key in self.cfg.settings:  # older gunicorns have no control socket
                    self.cfg.set(key, value)

        def load(self):  # noqa: ANN202
            return factory() if factory is not None else create_app(config)

    Server().run()
