"""Co-design review of draft questionnaires: the researcher's rounds, links and review page
(:mod:`.routes`), the reviewers' public pages (:mod:`.public`), the work in :mod:`.services`."""

from .blueprint import bp

__all__ = ["bp"]
