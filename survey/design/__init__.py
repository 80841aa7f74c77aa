"""The research workspace: evaluations, sites, waves, teams, members and campaigns."""

from . import invitations, monitoring  # noqa: F401  (their routes join the blueprint)
from .routes import bp

__all__ = ["bp"]
