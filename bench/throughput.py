"""Throughput of the participant pages against a bare Flask endpoint on the same database.

    python bench/throughput.py [--databases sqlite postgresql] [--seconds 15] [--participants 16]

For each database, two servers run one after the other, both through ``survey.server.serve``
(gunicorn, gthread, the options of ``survey run``) with 4 workers:

- the app, started by ``survey run`` itself on a fresh database (SQLite in a temporary instance
  folder; PostgreSQL in a database ``--name`` (``proximite_bench``) created on ``--postgres``,
  dropped after the run);
- a bare Flask app on the same database that inserts the posted form as one JSON row and
  redirects to a page that reads it back (no template, no session, no CSRF, no checks).

The same client then runs for ``--seconds`` against each, alternating between the two in windows
of 5 s (so a change in the machine's load weighs on both alike): ``--participants`` concurrent
participants (threads spread over 4 client processes, one keep-alive connection each). On the
app, each walks a bundled questionnaire with valid answers (``ItemType.example``), then starts
the next; on the bare app, each posts the same pages' answers. A *page cycle* is one post
acknowledged by a redirect plus the GET of the page it leads to. Printed: cycles per second for
both and their ratio (the app's share of what the bare stack does).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.databases import fresh_postgres  # noqa: E402
from survey.config import normalise_database_url  # noqa: E402
from survey.questionnaire import load_file  # noqa: E402
from tests.http_participant import (  # noqa: E402
    HttpClient,
    HttpParticipant,
    Unacknowledged,
    typical_pairs,
)

WORKERS = 4
CLIENT_PROCESSES = 4
WARM_UP = 1.0  # seconds of each window not counted (connections, first pages)
WINDOW = 5.0  # seconds measured on one server before switching to the other
DEFINITIONS = [load_file(p) for p in sorted((ROOT / "questionnaires").glob("*.yaml"))]


# -- the bare reference app ------------------------------------------------------------------

def bare_app(database_url: str):  # noqa: ANN201
    """Insert the posted form as one JSON row, redirect, read it back: the floor of a page
    cycle on this stack (Flask, gunicorn, SQLAlchemy, the database)."""
    from flask import Flask, abort, redirect, request
    from markupsafe import escape
    from sqlalchemy import event

    app = Flask("bare")
    engine = create_engine(normalise_database_url(database_url), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # noqa: ANN001  (as the app sets them)
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000",
                           "synchronous=NORMAL"):
                connection.execute(f"PRAGMA {pragma}")

    @app.post("/bare")
    def insert():  # noqa: ANN202
        data = json.dumps(request.form.to_dict(flat=False))
        with engine.begin() as connection:
            row = connection.execute(text("INSERT INTO bench_row (data) VALUES (:d) "
                                          "RETURNING id"), {"d": data}).scalar_one()
        return redirect(f"/bare/{row}", 303)

    @app.get("/bare/<int:row>")
    def show(row: int):  # noqa: ANN202
        with engine.connect() as connection:
            data = connection.execute(text("SELECT data FROM bench_row WHERE id = :i"),
                                      {"i": row}).scalar()
        if data is None:
            abort(404)
        answers = json.loads(data)
        return (f"<!doctype html><html lang=fr><title>Bare</title><ul>"
                f"{''.join(f'<li>{escape(k)}: {escape(v)}' for k, v in answers.items())}</ul>")

    return app


def create_bench_table(database_url: str) -> None:
    engine = create_engine(normalise_database_url(database_url))
    key = ("INTEGER PRIMARY KEY AUTOINCREMENT" if engine.dialect.name == "sqlite"
           else "SERIAL PRIMARY KEY")
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS bench_row (id {key}, data TEXT)"))
    engine.dispose()


# -- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    client = HttpClient("127.0.0.1", port, timeout=5)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            client.request("GET", "/bare/0" if "--serve-bare" in command else "/")
            client.close()
            return process
        except Unacknowledged:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# -- the client ------------------------------------------------------------------------------

def app_loop(port: int, seed: int, stop_at: float, count_from: float, counts: list[int]) -> None:
    n = seed
    while time.monotonic() < stop_at:
        definition = DEFINITIONS[n % len(DEFINITIONS)]
        n += 1
        participant = HttpParticipant(HttpClient("127.0.0.1", port), definition)
        try:
            participant.start()
            if time.monotonic() >= count_from:
                counts[0] += 1
            while not participant.done and time.monotonic() < stop_at:
                participant.answer_page()
                if time.monotonic() >= count_from:
                    counts[0] += 1
        finally:
            participant.client.close()


def bare_loop(port: int, seed: int, stop_at: float, count_from: float, counts: list[int]) -> None:
    pages = [typical_pairs(d, s.code) for d in DEFINITIONS for s in d.sections]
    client = HttpClient("127.0.0.1", port)
    n = seed
    while time.monotonic() < stop_at:
        reply = client.request("POST", "/bare", pages[n % len(pages)])
        n += 1
        assert reply.status == 303, reply.status
        assert client.request("GET", reply.location).status == 200
        if time.monotonic() >= count_from:
            counts[0] += 1
    client.close()


def client_process(target: str, port: int, first: int, threads: int, seconds: float) -> int:
    loop = app_loop if target == "app" else bare_loop
    count_from = time.monotonic() + WARM_UP
    stop_at = count_from + seconds
    counts = [[0] for _ in range(threads)]
    workers = [threading.Thread(target=loop, args=(port, first + i, stop_at, count_from, c))
               for i, c in enumerate(counts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(c[0] for c in counts)


def measure(target: str, port: int, participants: int, seconds: float) -> float:
    per = [participants // CLIENT_PROCESSES + (i < participants % CLIENT_PROCESSES)
           for i in range(CLIENT_PROCESSES)]
    firsts = [sum(per[:i]) for i in range(CLIENT_PROCESSES)]
    with multiprocessing.get_context("fork").Pool(CLIENT_PROCESSES) as pool:
        totals = pool.starmap(client_process, [(target, port, f, n, seconds)
                                               for f, n in zip(firsts, per, strict=True) if n])
    return sum(totals) / seconds


# -- one database ----------------------------------------------------------------------------

def bench(database: str, args: argparse.Namespace, folder: Path) -> tuple[float, float]:
    """Both servers up at once on the same database; the client alternates between them in
    windows of a few seconds, so a change in the machine's load weighs on both alike."""
    instance = folder / database
    instance.mkdir()
    url, drop = ((f"sqlite:///{instance / 'survey.db'}", lambda: None) if database == "sqlite"
                 else fresh_postgres(args.name, args.postgres))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    # All simulated participants share one address: the consent limit (meant for one person or
    # one care home's wifi) would stop them after a few dozen starts.
    env.update(SURVEY_INSTANCE_PATH=str(instance), SURVEY_DATABASE_URL=url,
               SURVEY_SECRET_KEY="bench",  # PostgreSQL needs the instances' shared key
               SURVEY_RATELIMIT_CONSENT="1000000 per minute")
    log = instance / "server.log"
    servers = []
    try:
        app_port = free_port()
        servers.append(start([sys.executable, "-m", "survey", "run", "--port", str(app_port),
                              "--workers", str(WORKERS)], env, app_port, log))
        create_bench_table(url)
        bare_port = free_port()
        servers.append(start([sys.executable, __file__, "--serve-bare", url, "--port",
                              str(bare_port)], env, bare_port, log))
        windows = max(1, round(args.seconds / WINDOW))
        app = bare = 0.0
        for _ in range(windows):
            app += measure("app", app_port, args.participants, args.seconds / windows)
            bare += measure("bare", bare_port, args.participants, args.seconds / windows)
        return app / windows, bare / windows
    finally:
        for server in servers:
            stop(server)
        drop()  # the PostgreSQL database made for the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--participants", type=int, default=16)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server where the database proximite_bench is made")
    parser.add_argument("--name", default="proximite_bench",
                        help="the PostgreSQL database made for the run (dropped after it)")
    parser.add_argument("--serve-bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        from survey.server import serve

        serve("127.0.0.1", args.port, WORKERS, Path(tempfile.mkdtemp()),
              factory=lambda: bare_app(args.serve_bare))
        return

    print(f"{args.participants} participants, {WORKERS} gunicorn workers, {args.seconds:g} s "
          f"on each server in {WINDOW:g}-s windows, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'database':<12}{'app cycles/s':>14}{'bare cycles/s':>15}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for database in args.databases:
            app, bare = bench(database, args, Path(folder))
            print(f"{database:<12}{app:>14.1f}{bare:>15.1f}{app / bare:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
