"""The research workspace: evaluations, sites, waves, teams, members and campaigns."""

from . import questionnaires  # noqa: F401  (its views join the blueprint)
from .routes import bp

__all__ = ["bp"]
