"""Rate limits on what can be guessed or flooded: resume codes, consent posts, sign-in.

Flask-Limiter counts requests per client in a window. The counters live in memory by default
(per worker process: with 4 workers, a client may do up to 4 times the limit) and in Redis
when ``SURVEY_REDIS_URL`` is set (``redis://127.0.0.1:6379/0``; ``SURVEY_RATELIMIT_STORAGE_URI``
is its older name): then every worker and every server share them, as they share the
background jobs' queue. A client is known by a keyed digest of its address, so neither
the memory nor Redis ever holds an IP address. Behind a reverse proxy, set
``SURVEY_PROXY_COUNT`` to the number of proxies in front, or every participant shares one key.

A limited participant gets the polite page ``errors/429.html`` in their language (see
:mod:`survey.errors`), with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as HttpResponse

from .secrets import derive

DEFAULTS = {
    # Bad resume codes from one client (only refused codes count). A real participant types
    # or opens their link a few times; a guesser needs billions of tries.
    "RATELIMIT_RESUME": "10 per minute;60 per hour",
    # Consent posts (each may start a response) from one client. A group on one network
    # (a care home's wifi) starting together stays well below.
    "RATELIMIT_CONSENT": "30 per minute;300 per hour",
    # Sign-in, reset requests and one-time links of the research team, per client.
    "LOGIN_RATE_LIMIT": "10 per minute;60 per hour",
    # Reactions posted on a public results-back page from one client (one per finding per
    # browser is kept; this bounds a client clearing its cookie). Also bad results links.
    "RATELIMIT_REACTIONS": "20 per minute;100 per hour",
    # Sealed responses sent by navigators' devices (a day's queue arrives at once).
    "RATELIMIT_COLLECT": "60 per minute;1000 per hour",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "proximite",
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on the polite page
    # Redis down: count in memory rather than refuse participants or answer 500
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "PROXY_COUNT": 0,
}


def client_key() -> str:
    """Who is counted: a digest of the client's address with the app's key (never the address
    itself, in memory or in Redis)."""
    address = request.remote_addr or "unknown"
    return derive(current_app.config["SECRET_KEY"], "ratelimit", address, nbytes=12)


def resume_limit() -> str:
    return str(current_app.config["RATELIMIT_RESUME"])


def consent_limit() -> str:
    return str(current_app.config["RATELIMIT_CONSENT"])


def login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def collect_limit() -> str:
    return str(current_app.config["RATELIMIT_COLLECT"])


def reactions_limit() -> str:
    return str(current_app.config["RATELIMIT_REACTIONS"])


def refused(response: HttpResponse) -> bool:
    """Whether a resume request counts against its client: only refused codes do."""
    return response.status_code == 404


#: endpoint -> (its limit, Flask-Limiter's options): one place for every limit of the app
LIMITS: dict[str, tuple[Callable[[], str], dict[str, Any]]] = {
    "participate.resume": (resume_limit, {"deduct_when": refused}),
    "participate.consent": (consent_limit, {"methods": ["POST"]}),
    # sign-in, reset requests and one-time links of the research team: password guessing
    # results given back: reactions on a public page, unknown participants' links
    "restitution.public_page": (reactions_limit, {"methods": ["POST"]}),
    "restitution.by_resume": (resume_limit, {"deduct_when": refused}),
    "restitution.by_invitation": (resume_limit, {"deduct_when": refused}),
    # the address page after a follow-up series' baseline is reached by a resume code too
    "followup.address": (resume_limit, {"deduct_when": refused}),
    # a reviewer's link of a co-design review: unknown links count, as unknown resume codes do
    "review.start": (resume_limit, {"deduct_when": refused}),
    "review.page": (resume_limit, {"deduct_when": refused}),
    "review.done": (resume_limit, {"deduct_when": refused}),
    # sealed responses from navigators' devices (each signed in, with a CSRF token)
    "collect.receive": (collect_limit, {"methods": ["POST"]}),
    "auth.login": (login_limit, {"methods": ["POST"]}),
    "auth.reset_request": (login_limit, {"methods": ["POST"]}),
    "auth.one_time": (login_limit, {"methods": ["POST"]}),
}


class ViewLimiter(Limiter):
    """Flask-Limiter with no check before every request: every limit of this app sits on its
    view (:data:`LIMITS`) and is checked in the view's wrapper, so the global hook would only
    spend time finding no limit for the other requests."""

    def _check_request_limit(self, callable_name: str | None = None,
                             in_middleware: bool = True) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name=callable_name, in_middleware=False)


def init_app(app: Flask) -> Limiter:
    """A limiter of this app's own (the tests make many apps in one process; they must not
    share counters), with the limits of :data:`LIMITS`; call after the blueprints are
    registered."""
    from .jobs.queue import redis_url

    shared = redis_url(app.config)  # SURVEY_REDIS_URL: the jobs' Redis counts the limits too
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if shared:
        app.config["RATELIMIT_STORAGE_URI"] = shared
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies > 0:
        # only the client's address is taken from the proxy's header, for the limits
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=0,  # type: ignore[method-assign]
                                x_host=0, x_port=0, x_prefix=0)
    limiter = ViewLimiter(key_func=client_key, app=app, default_limits=[])
    app.extensions["survey.limiter"] = limiter  # the wrapped views only hold a weak reference
    for endpoint, (limit, options) in LIMITS.items():
        # what the route decorator would do (Flask-Limiter checks inside the wrapper), kept
        # here so every limit is in one place
        app.view_functions[endpoint] = limiter.limit(limit, **options)(
            app.view_functions[endpoint])
    return limiter
