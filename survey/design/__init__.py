"""The research workspace: evaluations, sites, waves, teams, members and campaigns."""

from .routes import bp

__all__ = ["bp"]
