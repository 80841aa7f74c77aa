"""The diff's "already answered" check against many responses: existence queries in the
database (``survey.versions.answered.StoredAnswers``) against reading every response's answers
in Python (how the check was made before).

    python bench/answered.py [--sizes 10000 100000] [--databases sqlite postgresql]

For each database (a temporary SQLite file; a temporary database on the local PostgreSQL,
``SURVEY_BENCH_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``) and each
size, the bundled ``patients`` questionnaire gets that many responses answering each choice
item with its first choice. Timed, in seconds, with the peak of Python memory allocated:

- "read all": every response's answers read to collect the keys holding an answer;
- "queries, worst": ``chosen`` + ``answered`` for a choice no response chose, on an item no
  response answered (the database scans every row of the questionnaire);
- "queries, first row": the same for a choice the first responses chose (the database stops
  at the first row).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_postgres  # noqa: E402


def read_all(code: str) -> set[str]:
    """The former check: every response's answers read in Python."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Questionnaire, QuestionnaireVersion, Response

    keys: set[str] = set()
    for document in db.session.scalars(
            select(Response.answers).join(QuestionnaireVersion).join(Questionnaire)
            .where(Questionnaire.code == code).execution_options(yield_per=500)):
        keys.update(k for k, v in (document or {}).items() if v is not None)
    return keys


def measure(work: Callable[[], object]) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak


def fill(size: int) -> tuple[str, str, int | str]:
    """``size`` responses to ``patients``; an item left unanswered, one answered and its
    first choice."""
    from sqlalchemy import insert

    from survey.extensions import db
    from survey.models import Response
    from survey.versions import latest_version

    version = latest_version("patients")
    items = [i for i in version.definition.items() if i.choices and i.type in ("single",
                                                                                "likert")]
    answered, left = items[0], items[-1]
    answers = {i.code: i.choices[0].code for i in items if i is not left}
    rows = [{"version_id": version.id, "status": "completed", "language": "fr",
             "answers": answers, "drafts": {}, "revision": 0,
             "resume_hash": f"r{n:063d}", "start_hash": f"s{n:063d}"} for n in range(size)]
    for start in range(0, size, 5000):
        db.session.execute(insert(Response), rows[start:start + 5000])
    db.session.commit()
    return left.code, answered.code, answered.choices[0].code


def run(url: str, size: int) -> list[tuple[str, float, float]]:
    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db
    from survey.versions import load_directory
    from survey.versions.answered import StoredAnswers

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        load_directory(ROOT / "questionnaires")
        left, answered, choice = fill(size)
        stored = StoredAnswers("patients")
        figures = [
            ("read all", *measure(lambda: read_all("patients"))),
            ("queries, worst", *measure(lambda: (stored.chosen([left], "none"),
                                                 stored.answered([left])))),
            ("queries, first row", *measure(lambda: (stored.chosen([answered], choice),
                                                     stored.answered([answered])))),
        ]
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    print(f"{'database':<11}{'responses':>10}  {'check':<20}{'seconds':>9}{'peak MB':>9}")
    for database in options.databases:
        for size in options.sizes:
            with tempfile.TemporaryDirectory() as folder:
                drop = None
                if database == "sqlite":
                    url = f"sqlite:///{Path(folder) / 'bench.db'}"
                else:
                    url, drop = fresh_postgres("proximite_bench_answered")
                try:
                    for check, seconds, peak in run(url, size):
                        print(f"{database:<11}{size:>10}  {check:<20}{seconds:>9.3f}"
                              f"{peak:>9.1f}", flush=True)
                finally:
                    if drop:
                        drop()


if __name__ == "__main__":
    main()
