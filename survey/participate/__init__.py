"""The participant blueprint: its views live in routes (the questionnaire's pages), campaigns
(``/c/<slug>`` links and the closed page) and panel (the panel-code page)."""

from . import campaigns, panel, routes  # noqa: F401  (their views, on this blueprint)
from .blueprint import bp
from .conditions import condition_text

bp.add_app_template_global(condition_text, "condition")

__all__ = ["bp"]
