"""Account pages: sign in and out, passwords, one-time links; admin pages for accounts and the
audit log. Views are thin: :mod:`survey.auth.accounts` does and audits the changes."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from .. import audit
from ..extensions import db
from ..models import Evaluation, User
from ..models.account import ACCOUNT_INVITATION, FIRST_ADMIN, PASSWORD_RESET
from ..options import options
from ..refusals import refusal
from . import accounts
from .forms import (
    ActionForm,
    AuditFilterForm,
    FirstAdminForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ResetRequestForm,
    UserCreateForm,
    UserEditForm,
)
from .mailing import send_account_link, send_reset_link
from .messages import account_error_message, weakness_message
from .passwords import verify, weakness
from .permissions import admin_only, signed_in

bp = Blueprint("auth", __name__, template_folder="templates")

Page = HttpResponse | str | tuple[str, int]






def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("design.evaluations")


def _sign_in(user: User) -> None:
    lang = session.get("lang")
    session.clear()  # a new session for a new identity (no fixation)
    if lang:
        session["lang"] = lang
    login_user(user)


# -- signing in and out ---------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            _sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        error = gettext("Wrong email or password.")
    elif request.method == "POST":
        error = gettext("Please fill in your email and password.")
    status = 401 if error else 200
    return render_template("auth/login.html", form=form, error=error,
                           idle=request.args.get("idle") == "1"), status


@bp.post("/logout")
def logout() -> HttpResponse:
    form = ActionForm()
    if current_user.is_authenticated and form.validate_on_submit():
        audit.record("sign-out", current_user.email, actor=current_user)
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def password() -> Page:
    form = PasswordChangeForm()
    error = None
    if form.validate_on_submit():
        if not verify(current_user.password_hash, form.current.data or ""):
            error = gettext("Your current password is not right.")
        else:
            error = weakness_message(weakness(form.password.data or "", current_user.email))
        if error is None:
            accounts.set_password(current_user, form.password.data)
            login_user(current_user._get_current_object())  # the new session token
            flash(gettext("Your password was changed."))
            return redirect(url_for("design.evaluations"))
    elif request.method == "POST":
        error = _form_error(form)
    return render_template("auth/password.html", form=form, error=error), 422 if error else 200


def _form_error(form: Any) -> str:
    for errors in form.errors.values():
        for message in errors:
            return str(message)
    return gettext("Please check the form.")


# -- one-time links -------------------------------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> Page:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data or "")
        if user is not None and user.active:
            send_reset_link(user)
        # The same answer whether or not the address has an account.
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form)






@bp.route("/welcome/<secret>", methods=["GET", "POST"])
def one_time(secret: str) -> Page:
    """A one-time link: create the first admin, or set the password of an account."""
    link = accounts.peek_link(secret, (FIRST_ADMIN, PASSWORD_RESET, ACCOUNT_INVITATION))
    if link is None:
        return render_template("auth/link_expired.html"), 404
    first = link.purpose == FIRST_ADMIN
    form = FirstAdminForm() if first else NewPasswordForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data if first else link.user.email
        error = weakness_message(weakness(form.password.data or "", email or ""))
        if error is None:
            try:
                if first:
                    user = accounts.create_first_admin(link, email or "", form.password.data,
                                                       form.name.data)
                else:
                    user = link.user
                    accounts.spend_link(link)
                    accounts.set_password(user, form.password.data, action="password-reset")
            except accounts.AccountError as refused:
                error = account_error_message(refused)
            else:
                _sign_in(user)
                return redirect(url_for("design.evaluations"))
    elif request.method == "POST":
        error = _form_error(form)
    return render_template("auth/one_time.html", form=form, first=first, error=error,
                           user=link.user), 422 if error else 200


# -- administration -------------------------------------------------------------------------

@bp.route("/admin/users", methods=["GET", "POST"])
@admin_only
def users() -> Page:
    form = UserCreateForm()
    error = link = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data or "", name=form.name.data,
                                        admin=form.admin.data, actor=current_user)
        except accounts.AccountError as refused:
            error = account_error_message(refused)
        else:
            link = send_account_link(user, current_user)
            flash(gettext("Account created; a link to choose a password was sent to %(email)s.",
                          email=user.email))
    elif request.method == "POST":
        error = _form_error(form)
    everyone = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("auth/users.html", form=form, users=everyone, error=error,
                           link=link), 422 if error else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int) -> Page:
    account = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=account if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        with refusal(accounts.AccountError, account_error_message) as outcome:
            accounts.set_admin(account, form.admin.data, actor=current_user)
            accounts.set_active(account, form.active.data, actor=current_user)
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for("auth.user", user_id=account.id))
    return render_template("auth/user.html", account=account, form=form,
                           reset_form=ActionForm(prefix="reset"), error=error), (
        422 if error else 200)


@bp.post("/admin/users/<int:user_id>/reset")
@admin_only
def user_reset(user_id: int) -> HttpResponse:
    account = db.session.get(User, user_id) or abort(404)
    if ActionForm(prefix="reset").validate_on_submit():
        if account.password_hash is None:
            send_account_link(account, current_user)
        else:
            send_reset_link(account)
        flash(gettext("A one-time link was sent to %(email)s.", email=account.email))
    return redirect(url_for("auth.user", user_id=account.id))


@bp.get("/admin/audit")
@admin_only
def audit_log() -> str:
    form = AuditFilterForm(request.args)
    form.action.choices = options([("", gettext("Any"))] + [(a, a) for a in audit.ACTIONS])
    evaluations = db.session.scalars(select(Evaluation).order_by(Evaluation.name)).all()
    form.evaluation.choices = options([("", gettext("Any"))]
                                      + [(str(e.id), e.name) for e in evaluations])
    form.validate()  # a bad date or choice is shown beside its field and not used
    action = form.action.data if form.action.data in audit.ACTIONS else None
    evaluation = form.evaluation.data
    before = request.args.get("before", "")
    rows = audit.events(action=action, text=(form.text.data or "").strip()[:200] or None,
                        evaluation_id=int(evaluation) if (evaluation or "").isdigit() else None,
                        since=form.since.data if not form.since.errors else None,
                        until=form.until.data if not form.until.errors else None,
                        before=int(before) if before.isdigit() and len(before) < 19 else None,
                        limit=100)
    names = {e.id: e.name for e in evaluations}
    more = None
    if len(rows) == 100:
        # Only the filter's own fields go into the link (never the raw query string).
        kept = {name: request.args[name] for name in ("action", "evaluation", "text", "since",
                                                       "until") if request.args.get(name)}
        more = url_for("auth.audit_log", **kept, before=rows[-1].id)
    return render_template("auth/audit.html", form=form, rows=rows, names=names, more=more)
