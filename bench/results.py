"""Benchmark of the results page of a large evaluation, cold and warm.

    python bench/results.py [--size 100000] [--databases sqlite postgresql] [--warm 5]

For each database (a temporary SQLite file; a temporary database on the local PostgreSQL,
``SURVEY_BENCH_POSTGRES_URL``), an evaluation with 4 sites (one a comparison site) and 2 waves
collects ``--size`` completed responses to the bundled patients' questionnaire (its scales and
equity descriptors answered at random) through 8 campaigns. Then an evaluator opens its results
page through the app (Flask's test client, in this process: no network): the first request
computes the indicators (cold), the next ``--warm`` ones find them in the cache (warm); then
the same with a wave filter, and once more after a participant completes one more response (the
data revision changes: the first view after new answers). Each figure is wall-clock seconds of
one request. Last, ``survey.results.services.compute`` alone for the whole evaluation in
a fresh process: its time and the process's peak memory (interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.databases import database  # noqa: E402


def answers_pool(definition, size: int = 1000) -> list[dict]:  # noqa: ANN001
    """Scale items from 1 to their scale's points, equity descriptors among their choices."""
    rng = random.Random(11)
    points = {code: scale.points for scale in definition.scales for code in scale.items}
    equity = {item.code: [c.key for c in item.choices] for item in definition.items()
              if item.equity and item.choices}
    pool = []
    for _ in range(size):
        answers: dict = {code: rng.randint(1, n) for code, n in points.items()}
        answers.update({code: rng.choice(keys) for code, keys in equity.items()})
        pool.append(answers)
    return pool


def fill(url: str, total: int) -> tuple[int, int, int]:
    """The evaluation, its evaluator's user id and the id of its second wave."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from survey import create_app
    from survey.auth import accounts
    from survey.design import services
    from survey.extensions import db
    from survey.models import Response
    from survey.models.types import utcnow
    from survey.questionnaire import load_text
    from survey.versions import store_definition

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        text = (ROOT / "questionnaires" / "patients.yaml").read_text(encoding="utf-8")
        version = store_definition(load_text(text)).version
        researcher = accounts.create_user("researcher@example.org")
        evaluator = accounts.create_user("evaluator@example.org")
        evaluation = services.create_evaluation(researcher, name="Bench",
                                                responsible_name="Bench",
                                                contact_email="bench@example.org")
        accounts.set_role(evaluator, evaluation, "evaluator")
        sites = [services.save_site(evaluation, None, name=f"Site {n}", kind="clinic",
                                    is_comparison=n == 3) for n in range(4)]
        waves = [services.save_wave(evaluation, None, code=code) for code in ("T0", "T1")]
        campaigns = [services.create_campaign(evaluation, researcher, version=version,
                                              site=site, wave=wave).id
                     for site in sites for wave in waves]
        pool = answers_pool(version.definition)
        now = utcnow()
        for start in range(0, total, 2000):
            db.session.execute(insert(Response.__table__), [
                {"version_id": version.id, "campaign_id": campaigns[n % len(campaigns)],
                 "status": "completed", "language": "fr", "answers": pool[n % len(pool)],
                 "drafts": {}, "revision": 0, "resume_hash": f"r{n:063d}",
                 "start_hash": f"s{n:063d}", "started_at": now, "updated_at": now,
                 "completed_at": now}
                for n in range(start, min(total, start + 2000))])
            db.session.commit()
        ids = evaluation.id, evaluator.id, waves[1].id
        db.engine.dispose()
    return ids


def measure(url: str, evaluation: int, user: int, query: str, warm: int) -> list[float]:
    from survey import create_app
    from survey.extensions import db
    from survey.models import User

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    with app.app_context():
        ident = db.session.get(User, user).get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ident, True
    def view() -> float:
        started = time.perf_counter()
        response = client.get(f"/results/e/{evaluation}{query}")
        if response.status_code != 200:
            raise SystemExit(f"status {response.status_code}")
        return time.perf_counter() - started

    times = [view() for _ in range(1 + warm)]
    with app.app_context():  # a participant completes a response: the data revision changes
        one_more_response(evaluation)
    times.append(view())
    return times


def one_more_response(evaluation: int) -> None:
    from sqlalchemy import insert, select

    from survey.extensions import db
    from survey.models import Campaign, Response
    from survey.models.types import utcnow

    campaign, version = db.session.execute(
        select(Campaign.id, Campaign.version_id).where(Campaign.evaluation_id == evaluation)
        .order_by(Campaign.id.desc()).limit(1)).one()
    now, serial = utcnow(), time.time_ns()
    db.session.execute(insert(Response.__table__), [{
        "version_id": version, "campaign_id": campaign, "status": "completed",
        "language": "fr", "answers": {}, "drafts": {}, "revision": 0,
        "resume_hash": f"new{serial:061d}", "start_hash": f"new{serial:061d}",
        "started_at": now, "updated_at": now, "completed_at": now}])
    db.session.commit()


def child_compute(url: str, evaluation: int) -> None:
    """Compute the results of the whole evaluation once in this process (no page): its time
    and this process's peak memory."""
    import json

    from survey import create_app
    from survey.extensions import db
    from survey.models import Evaluation
    from survey.results.services import Filters, compute
    from survey.results.snapshots import Spec

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        chosen = db.session.get(Evaluation, evaluation)
        started, cpu = time.perf_counter(), time.process_time()
        compute(Spec(Filters().selection("patients", chosen), min_group=5))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak}))


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--child-compute":
        child_compute(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-results-"))
    try:
        for kind in args.databases:
            url, drop = database(kind, work, "proximite_bench_results")
            try:
                started = time.perf_counter()
                evaluation, user, wave = fill(url, args.size)
                print(f"{kind}, {args.size:,} responses (filled in "
                      f"{time.perf_counter() - started:.0f} s):", flush=True)
                for name, query in (("all responses", ""), ("wave T1", f"?wave={wave}")):
                    cold, *warm, after = measure(url, evaluation, user, query, args.warm)
                    print(f"  {name:<14} cold {cold:6.2f} s   warm "
                          + " ".join(f"{t:.2f}" for t in warm)
                          + f" s   after a new response {after:.2f} s", flush=True)
                done = subprocess.run([sys.executable, __file__, "--child-compute", url,
                                       str(evaluation)], capture_output=True, text=True,
                                      cwd=ROOT)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
                alone = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"  results.services.compute alone, fresh process: {alone['seconds']:.2f} s "
                      f"(CPU {alone['cpu']:.2f} s), process peak {alone['peak_mb']:.0f} MB",
                      flush=True)
            finally:
                drop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
