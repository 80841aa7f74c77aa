"""Database models, one module per part of the domain."""

from .questionnaire import Questionnaire, QuestionnaireVersion
from .response import Response, SpentToken

__all__ = ["Questionnaire", "QuestionnaireVersion", "Response", "SpentToken"]
