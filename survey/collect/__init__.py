"""Assisted and offline collection by navigators (issue 26): their home with counts, the
assisted mode that keeps working offline, and the endpoint that receives sealed responses."""

from . import routes  # noqa: F401,E402  (registers the views)
from .blueprint import bp

__all__ = ["bp"]
