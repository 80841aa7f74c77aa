"""The research workspace: evaluations, sites, waves, teams, members and campaigns."""

# Their views join the blueprint.
from . import invitations, monitoring, panel, questionnaires, routes  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
