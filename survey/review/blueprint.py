"""The review blueprint: researchers' pages under /design, reviewers' pages under /r."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="templates")

from . import account, public, routes  # noqa: E402,F401  (register the views)
