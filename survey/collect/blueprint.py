"""The collect blueprint (its views in routes.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("collect", __name__, url_prefix="/collect", template_folder="templates")
# The assisted pages live under this path: the service worker is served there and its scope
# is that path alone (the rest of the workspace never goes through it).
ASSISTED = "/a"
