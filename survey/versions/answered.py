"""Which answers older responses hold, asked of the database one existence query at a time
(for the diff's comparability warnings): no response is loaded, the database stops at the
first row that fits.

JSON is read with each database's own functions: ``jsonb_typeof`` and containment (``@>``)
on PostgreSQL, ``json_type`` and ``json_each`` on SQLite. Answer keys are item codes
(``[a-z][a-z0-9_]*``, checked when a definition is loaded), so they fit a JSON path as is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select, text

from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion, Response
from ..questionnaire.loader import CODE_RE


class StoredAnswers:
    """The answers of every response to any version of the questionnaire ``code``."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.postgres = db.engine.dialect.name == "postgresql"

    def answered(self, keys: Sequence[str]) -> bool:
        """Some response holds an answer (not null) at one of these keys."""
        return self._exists([self._answered(n, key) for n, key in enumerate(_keys(keys))])

    def chosen(self, keys: Sequence[str], choice: str | int) -> bool:
        """Some response chose ``choice`` at one of these keys (a single answer equal to it,
        or a list of answers holding it)."""
        return self._exists([self._chosen(n, key, choice) for n, key in enumerate(_keys(keys))])

    def _answered(self, n: int, key: str) -> ColumnElement[bool]:
        if self.postgres:
            return text(f"jsonb_typeof(response.answers -> :key{n}) <> 'null'").bindparams(
                **{f"key{n}": key})
        return text(f"json_type(response.answers, :path{n}) <> 'null'").bindparams(
            **{f"path{n}": f'$."{key}"'})

    def _chosen(self, n: int, key: str, choice: str | int) -> ColumnElement[bool]:
        if self.postgres:
            return text(f"(response.answers @> CAST(:one{n} AS jsonb) "
                        f"OR response.answers @> CAST(:many{n} AS jsonb))").bindparams(
                **{f"one{n}": json.dumps({key: choice}),
                   f"many{n}": json.dumps({key: [choice]})})
        return text(f"((json_type(response.answers, :path{n}) = 'array' AND EXISTS (SELECT 1 "
                    f"FROM json_each(response.answers, :path{n}) AS answer "
                    f"WHERE answer.value = :choice{n})) "
                    f"OR (json_type(response.answers, :path{n}) NOT IN ('array', 'object') "
                    f"AND json_extract(response.answers, :path{n}) = :choice{n}))").bindparams(
            **{f"path{n}": f'$."{key}"', f"choice{n}": choice})

    def _exists(self, conditions: list[Any]) -> bool:
        if not conditions:
            return False
        # each condition is one parenthesised SQL text: or_ does not group text clauses
        query = (select(Response.id).join(QuestionnaireVersion).join(Questionnaire)
                 .where(Questionnaire.code == self.code, or_(*conditions)).limit(1))
        return db.session.scalar(query) is not None


def _keys(keys: Sequence[str]) -> list[str]:
    unknown = [key for key in keys if not CODE_RE.match(key)]
    if unknown:
        raise ValueError(f"not answer keys: {unknown}")
    return list(dict.fromkeys(keys))
