"""The participant blueprint: its views live in routes (the questionnaire's pages), campaigns
(``/c/<slug>`` links and the closed page), panel (the panel-code page) and media (pictures
and sounds of questions)."""

from ..questionnaire.cascading import choice_data
from ..questionnaire.media import size_of
from . import campaigns, media, panel, routes  # noqa: F401  (their views, on this blueprint)
from .blueprint import bp
from .conditions import condition_text

bp.add_app_template_global(condition_text, "condition")
bp.add_app_template_global(size_of, "media_size")
bp.add_app_template_global(choice_data, "choice_data")

__all__ = ["bp"]
