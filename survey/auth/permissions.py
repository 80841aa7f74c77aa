"""Who may open what: every research-team view says it with one of these decorators.

``tests/test_authorization.py`` walks the app's URL map and checks each endpoint against its
rule for anonymous visitors, admins and each role, in a member and a foreign evaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import Evaluation
from ..models.account import EVALUATOR, NAVIGATOR, PARTNER, RESEARCHER
from .accounts import role_in

View = Callable[..., Any]

# What each role may do inside an evaluation it belongs to.
VIEW = (RESEARCHER, EVALUATOR, PARTNER)  # its design: sites, waves, campaigns, counts
OPERATE = (RESEARCHER, EVALUATOR)  # open and close campaigns, see its people
MANAGE = (RESEARCHER,)  # change its design and its members
# Collect answers (assisted mode, paper entry, the list of people due): navigators, and the
# team that may see its people. Navigators are in no other tuple: they never read answers.
COLLECT = (RESEARCHER, EVALUATOR, NAVIGATOR)


def signed_in(view: View) -> View:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)
    wrapper.access = "signed-in"  # type: ignore[attr-defined]
    return wrapper


def admin_only(view: View) -> View:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    wrapper.access = "admin"  # type: ignore[attr-defined]
    return wrapper


def member(roles: tuple[str, ...]) -> Callable[[View], View]:
    """Views of one evaluation (``evaluation_id`` in the URL): its members with one of these
    roles, and admins. Sets ``g.evaluation`` and ``g.role``."""
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, evaluation_id: int, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            evaluation = db.session.get(Evaluation, evaluation_id)
            if evaluation is None:
                abort(404)
            role = role_in(current_user, evaluation.id)
            if role not in roles:
                abort(403)
            g.evaluation, g.role = evaluation, role
            return view(*args, evaluation=evaluation, **kwargs)
        wrapper.access = roles  # type: ignore[attr-defined]
        return wrapper
    return decorator


def may(roles: tuple[str, ...]) -> bool:
    """In a template or view of the current evaluation: does the user's role allow this?"""
    return g.get("role") in roles


def role_reads_every_group(role: str) -> bool:
    """:func:`reads_every_group` for a member's role rather than the current reader (a
    partner's membership may also be limited to sites)."""
    return role in OPERATE


def reads_every_group() -> bool:
    """Whether the current reader sees the figures of every group, however small (researchers
    and evaluators), or figures suppressed below the privacy threshold ``MIN_GROUP_SIZE``
    (partners). The one home of that rule: counts, monitoring and results ask it."""
    return may(OPERATE)
