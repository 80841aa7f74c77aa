"""Results of an evaluation: indicators, charts and tables from ``analysis``, and the downloads
of :mod:`survey.exports`."""

from .routes import bp

__all__ = ["bp"]
