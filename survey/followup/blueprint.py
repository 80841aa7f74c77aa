"""The follow-up blueprint: the research team's and navigators' pages under
``/design/e/<id>/...`` and the participant's ``/f/<resume_code>``."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response as HttpResponse

bp = Blueprint("followup", __name__, template_folder="templates")

Page = HttpResponse | str | tuple[str, int]
E = "/design/e/<int:evaluation_id>"


def form_status(error: str | None) -> int:
    """A form page refused with a message answers 422, else 200."""
    return 422 if error else 200
