"""Benchmark of the results page of a large evaluation: first view, warm, after new answers.

    python bench/results.py [--size 100000] [--databases sqlite postgresql] [--warm 5]
                            [--name proximite_bench_results]

For each database (a temporary SQLite file; a temporary database on the local PostgreSQL,
``SURVEY_BENCH_POSTGRES_URL``), an evaluation with 4 sites (one a comparison site) and 2 waves
collects ``--size`` completed responses to the bundled patients' questionnaire (its scales and
equity descriptors answered at random) through 8 campaigns. Then an evaluator opens its results
page through the app (Flask's test client, in this process: no network; a queue no worker
serves, whose jobs this process runs as a worker would): the first request starts the results
job and says the indicators are being computed; the job (timed); the next ``--warm`` views find
them in the cache (warm); participants complete 5 responses as the app does without the job
that counts them (``complete``'s time before), then 5 with it (after); a view then (the last
figures, "updating"); the job the completions started; the next view (the refreshed figures).
The same with a wave filter. Each figure is wall-clock seconds of one request or job. Last,
``survey.results.services.compute`` alone for the whole evaluation in a fresh process: its
time and the process's peak memory (interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.databases import database  # noqa: E402
from bench.memory import peak_mb  # noqa: E402


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
    from sqlalchemy import insert, text

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
        source = (ROOT / "questionnaires" / "patients.yaml").read_text(encoding="utf-8")
        version = store_definition(load_text(source)).version
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
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk insert (statistics, visibility map): the
            # steady state of a server, not the minute after a load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE response"))
        ids = evaluation.id, evaluator.id, waves[1].id
        db.engine.dispose()
    return ids


@dataclass
class Views:
    """Wall-clock seconds of one selection's views and jobs (see the module's docstring)."""

    first: float  # the first view: the page says the indicators are being computed
    job: float  # the results job computing them (in the worker)
    warm: list[float]
    updating: float  # a view after new answers, before their job ran: the last figures
    refresh: float  # the job the completion started (new answers counted)
    after: float  # the next view after new answers: the refreshed figures
    complete: float  # the participant's completion, the job included (median)
    complete_before: float  # the same without starting the job (median): the cost before


def measure(url: str, evaluation: int, user: int, query: str, warm: int) -> Views:
    from sqlalchemy import select

    from survey import create_app
    from survey.extensions import db
    from survey.jobs import runner
    from survey.models import Job, User
    from survey.models.job import QUEUED

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_IMMEDIATE": False})
    client = app.test_client()
    with app.app_context():
        ident = db.session.get(User, user).get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ident, True

    def view(computing: bool, figures: bool) -> float:
        """One view, which follows a job (``computing``) and shows figures, or not."""
        started = time.perf_counter()
        response = client.get(f"/results/e/{evaluation}{query}")
        if response.status_code != 200:
            raise SystemExit(f"status {response.status_code}")
        html = response.get_data(as_text=True)
        if ("data-job-status" in html, "figures-time" in html) != (computing, figures):
            raise SystemExit(f"unexpected page (job {computing}, figures {figures} wanted)")
        return time.perf_counter() - started

    def run_queued() -> float:
        """What the worker does: every queued job, one after the other."""
        started = time.perf_counter()
        with app.app_context():
            for job_id in db.session.scalars(select(Job.id).where(Job.state == QUEUED)).all():
                runner.execute(job_id)
        return time.perf_counter() - started

    first = view(computing=True, figures=False)
    job = run_queued()
    warms = [view(computing=False, figures=True) for _ in range(warm)]
    with app.app_context():  # participants complete responses: the data revision changes
        before = completions(evaluation, 5, hook=False)
        after = completions(evaluation, 5, hook=True)
    updating = view(computing=True, figures=True)
    refresh = run_queued()
    return Views(first, job, warms, updating, refresh, view(computing=False, figures=True),
                 after, before)


def completions(evaluation: int, n: int, hook: bool) -> float:
    """The median time of ``participate.services.complete`` over ``n`` responses (their last
    page), with the job it starts, or (``hook=False``) as before it started one."""
    import statistics

    from sqlalchemy import insert, select

    from survey.extensions import db
    from survey.models import Campaign, Response
    from survey.models.types import utcnow
    from survey.participate import services

    campaign, version = db.session.execute(
        select(Campaign.id, Campaign.version_id).where(Campaign.evaluation_id == evaluation)
        .order_by(Campaign.id.desc()).limit(1)).one()
    times = []
    for _ in range(n):
        now, serial = utcnow(), time.time_ns()
        ident = db.session.execute(insert(Response.__table__).returning(Response.id), [{
            "version_id": version, "campaign_id": campaign, "status": "started",
            "language": "fr", "answers": {}, "drafts": {}, "revision": 0,
            "resume_hash": f"new{serial:061d}", "start_hash": f"new{serial:061d}",
            "started_at": now, "updated_at": now}]).scalar_one()
        db.session.commit()
        arrived = services.answers_arrived
        if not hook:
            services.answers_arrived = lambda *_args: None  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            services.complete(ident, {})
            times.append(time.perf_counter() - started)
        finally:
            services.answers_arrived = arrived
    return statistics.median(times)


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
    peak = peak_mb()
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
    parser.add_argument("--name", default="proximite_bench_results",
                        help="the PostgreSQL database made (and dropped) for the run")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-results-"))
    os.environ.setdefault("SURVEY_EMBEDDED_WORKER", "false")
    try:
        for kind in args.databases:
            os.environ["SURVEY_INSTANCE_PATH"] = str(work / kind)  # its queue and snapshots
            url, drop = database(kind, work, args.name)
            try:
                started = time.perf_counter()
                evaluation, user, wave = fill(url, args.size)
                print(f"{kind}, {args.size:,} responses (filled in "
                      f"{time.perf_counter() - started:.0f} s):", flush=True)
                for name, query in (("all responses", ""), ("wave T1", f"?wave={wave}")):
                    v = measure(url, evaluation, user, query, args.warm)
                    print(f"  {name}: first view {v.first:.2f} s (job {v.job:.2f} s), warm "
                          + " ".join(f"{t:.2f}" for t in v.warm)
                          + f" s; after new answers {v.updating:.2f} s (updating), job "
                          f"{v.refresh:.2f} s, next view {v.after:.2f} s; participant's "
                          f"completion {v.complete * 1000:.1f} ms (before: "
                          f"{v.complete_before * 1000:.1f} ms)", flush=True)
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
        peak = peak_mb()
        print(f"peak memory of this process: {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
