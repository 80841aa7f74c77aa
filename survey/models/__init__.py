"""Database models, one module per part of the domain."""

from .questionnaire import Questionnaire, QuestionnaireVersion
from .response import Response

__all__ = ["Questionnaire", "QuestionnaireVersion", "Response"]
