"""The research workspace: evaluations, sites, waves, teams, members and campaigns."""

from . import invitations, monitoring, questionnaires  # noqa: F401  (their views join the blueprint)
from .routes import bp

__all__ = ["bp"]
