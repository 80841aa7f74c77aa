"""Proximité: participatory evaluation surveys for proximity-care innovations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import get_locale

from . import keep, ratelimit
from .config import load_config
from .context import contact
from .errors import register_errors
from .extensions import babel, compress, csrf, db, migrate
from .language import participant_language, switch_language
from .reconnect import RetryingFlask, track_commits
from .storage import configure_sqlite, end_reads_with_commit, prepare_sqlite_file

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = RetryingFlask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("SURVEY_INSTANCE_PATH") or None)
    load_config(app, config)
    prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    babel.init_app(app, locale_selector=participant_language)
    csrf.init_app(app)
    compress.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        end_reads_with_commit(app)
        track_commits(db.engine)

    from . import datastamp, models  # noqa: F401  (the tables; the data stamps' listeners)
    from .participate import bp as participate_bp

    # Participant forms check their CSRF token themselves (FlaskForm.validate_on_submit), so a
    # stale token gives the page back with the participant's answers and a message, not a bare
    # error; every other blueprint keeps the global check.
    csrf.exempt(participate_bp)
    app.register_blueprint(participate_bp)
    _register_workspace(app)
    _register_invitations(app)
    from . import jobs

    jobs.init_app(app)
    ratelimit.init_app(app)  # after every blueprint: it wraps their views
    _register_language_switch(app)
    register_errors(app)
    _register_headers(app)
    keep.init_app(app)  # a post from keep.js is told where to go, not redirected
    _register_template_helpers(app)
    return app


def _register_workspace(app: Flask) -> None:
    """The research team's side: accounts (survey/auth) and evaluations (survey/design)."""
    from .auth import init_auth
    from .design import bp as design_bp
    from .design.labels import HELPERS

    init_auth(app)
    app.register_blueprint(design_bp)
    from .results import bp as results_bp

    app.register_blueprint(results_bp)
    from .assess.routes import bp as assess_bp

    app.register_blueprint(assess_bp)
    from .paper.routes import bp as paper_bp

    app.register_blueprint(paper_bp)

    from .review import bp as review_bp

    app.register_blueprint(review_bp)
    from .collect import bp as collect_bp

    app.register_blueprint(collect_bp)  # its device posts carry X-CSRFToken (global check)

    from .followup import public, routes  # noqa: F401  (their views)
    from .followup.blueprint import bp as followup_bp

    # Its forms check their token themselves (a stale one gives the page back with a message).
    csrf.exempt(followup_bp)
    app.register_blueprint(followup_bp)

    from .designer import bp as designer_bp
    from .designer.labels import HELPERS as DESIGNER_HELPERS

    app.register_blueprint(designer_bp)
    app.jinja_env.globals.update(DESIGNER_HELPERS)
    app.jinja_env.globals.update(HELPERS, contact_evaluation=contact)


def _register_invitations(app: Flask) -> None:
    from .invitations.routes import bp as invite_bp

    csrf.exempt(invite_bp)  # its forms check their token themselves, as the participant's do
    app.register_blueprint(invite_bp)
    from .restitution.routes import bp as restitution_bp

    app.register_blueprint(restitution_bp)


def _languages() -> list[str]:
    from flask import current_app

    return list(current_app.config["LANGUAGES"])


def _register_language_switch(app: Flask) -> None:
    @app.before_request
    def _switch_language() -> None:
        switch_language(_languages())


ASSET_TYPES = ("text/javascript", "text/css")


def _register_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype in ASSET_TYPES:
            # A script or a stylesheet: the page's policy governs it, a policy or a framing
            # rule of its own would govern nothing, and a versioned address needs neither
            # Expires beside max-age nor a file name; a participant's phone pays every byte
            # of headers on every asset (bench/page_weight.py).
            for name in ("Content-Disposition", "Expires"):
                response.headers.pop(name, None)
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _register_template_helpers(app: Flask) -> None:
    from .templating import (
        chosen,
        install_translations,
        language_name,
        other_languages,
        paragraphs,
        special_label,
        static_url,
        text,
        translated,
        yesno_choices,
    )

    install_translations(app)
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.globals.update(t=text, chosen=chosen, other_languages=other_languages,
                                 static_url=static_url,
                                 language_name=language_name,
                                 yesno_choices=yesno_choices, special_answer_label=special_label,
                                 current_locale=lambda: str(get_locale()))
    from .timezones import TEMPLATE_HELPERS

    app.jinja_env.globals.update(TEMPLATE_HELPERS)
