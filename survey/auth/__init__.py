"""Research-team accounts: sign-in, passwords, one-time links, roles, admin pages."""

from __future__ import annotations

import time

from flask import Flask, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user
from flask_login.utils import _user_context_processor

from ..extensions import db, login_manager
from ..models import User
from .permissions import role_reads_every_group


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    # Templates get ``current_user`` as the lazy proxy rather than through Flask-Login's context
    # processor, which loads the user for every page rendered, participants' too: the same
    # object, looked up only by the pages that show it.
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if p is not _user_context_processor]
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["role_reads_every_group"] = role_reads_every_group
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why on its own

    from .routes import bp

    app.register_blueprint(bp)
    app.before_request(_end_idle_session)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The cookie holds ``id:session_token``: a new password or a deactivation draws a new
    token, which ends every other session of the account."""
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit() or not token:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _end_idle_session():  # noqa: ANN202
    """A researcher's session ends after ``IDLE_MINUTES`` without a request."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now = int(time.time())
    seen = session.get("seen")
    if isinstance(seen, int) and now - seen > current_app.config["IDLE_MINUTES"] * 60:
        logout_user()
        session.pop("seen", None)
        if request.blueprint == "participate":
            return None
        return redirect(url_for("auth.login", idle=1))
    if current_user.is_authenticated:
        session["seen"] = now
    return None
