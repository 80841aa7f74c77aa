"""The participant blueprint."""

from .conditions import condition_text
from .routes import bp

bp.add_app_template_global(condition_text, "condition")

__all__ = ["bp"]
