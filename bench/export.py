"""Benchmark of the exports: completed responses to a 500-item questionnaire.

    python bench/export.py [--sizes 10000 100000] [--databases sqlite postgresql]
                           [--wide-items 60] [--wide-size 100000] [--skip-xlsx-sav]

For each database (a temporary SQLite file; a temporary database on the local PostgreSQL,
``SURVEY_BENCH_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``) and each
size, the database is filled with that many completed responses to a 500-item questionnaire
(350 likert, 50 single choice, 50 whole numbers, 50 short texts, some of them hostile), then
the wide CSV export is timed:

- "cli": ``survey export responses bench500 --out FILE`` in a fresh process;
- "http": the same export streamed over HTTP by gunicorn (one worker) to a real client reading
  the body in 64 KB pieces; the peak memory is the serving worker's. The results pages' download
  route needs a signed-in member and an evaluation, so the bench mounts the same ``csv_wide``
  generator on a route of its own, in the app.

Then CSV, XLSX and SPSS for 100,000 responses x 60 items. Before the exports of each size, the
floor: the same rows dumped as stored (PostgreSQL's ``COPY``; SQLite's rows joined by tabs),
answers as JSON text; each export says how many times the
floor it took. On PostgreSQL the tables are analysed after the bulk load and the export query's
plan is printed (it should read ``response`` through an index in id order, never sort).
Each figure is wall-clock seconds,
the CPU seconds of the process doing the export (less sensitive than wall-clock time to other
jobs on a shared machine) and its peak memory (max RSS, interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.databases import database  # noqa: E402
from bench.memory import peak_mb  # noqa: E402

WORDS = ["bien", "merci", "trop long", "=1+1", "-3", "@SUM(A1)", "rien", "accueil chaleureux",
         "attente", "+33 6 12", "clinique", "parking"]


def definition_yaml(items: int, code: str) -> str:
    """A valid definition with ``items`` questions in sections of 10 (7/10 likert, then single
    choice, whole number and short text)."""
    import yaml

    sections = []
    kinds = ["likert"] * 7 + ["single", "integer", "text"]
    for s in range(items // 10):
        entries = []
        for i in range(10):
            n = s * 10 + i
            text = {"fr": f"Question {n}", "en": f"Question {n}"}
            kind = kinds[i]
            entry: dict = {"code": f"q{n:03d}", "type": kind, "text": text}
            if kind == "likert":
                entry["choices"] = "agree5"
            elif kind == "single":
                entry["choices"] = [{"code": c, "fr": c.upper(), "en": c.upper()}
                                    for c in ("aa", "bb", "cc", "dd")]
            elif kind == "integer":
                entry["special"] = ["dont_know"]
            entries.append(entry)
        sections.append({"code": f"s{s:02d}", "title": {"fr": f"Partie {s}", "en": f"Part {s}"},
                         "items": entries})
    document = {
        "format": 1, "code": code, "version": "bench", "audience": "patient",
        "languages": ["fr", "en"], "minutes": 60,
        "title": {"fr": "Banc d'essai", "en": "Benchmark"},
        "introduction": {"fr": "Essai.", "en": "Test."},
        "consent": {"fr": "D'accord.", "en": "Agreed."},
        "choice_lists": {"agree5": [{"code": k, "fr": f"{k}", "en": f"{k}"}
                                    for k in range(1, 6)]},
        "sections": sections,
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def answers_pool(definition, size: int = 500) -> list[dict]:  # noqa: ANN001
    """Distinct answer documents, reused in turn (generation is not what is measured)."""
    rng = random.Random(7)
    pool = []
    for _ in range(size):
        answers: dict = {}
        for item in definition.items():
            if item.type == "likert":  # the bench builds its own questionnaire: no registry here
                answers[item.code] = rng.randint(1, 5)
            elif item.type == "single":
                answers[item.code] = rng.choice(["aa", "bb", "cc", "dd"])
            elif item.type == "integer":
                answers[item.code] = rng.choice([rng.randint(-5, 60), "dont_know"])
            else:
                answers[item.code] = rng.choice(WORDS)
        pool.append(answers)
    return pool


def fill(url: str, items: int, total: int, code: str) -> None:
    """Bring the database to ``total`` completed responses to the questionnaire ``code``."""
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from survey import create_app
    from survey.extensions import db
    from survey.models import Response
    from survey.models.types import utcnow
    from survey.questionnaire import load_text
    from survey.versions import store_definition

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        version = store_definition(load_text(definition_yaml(items, code))).version
        have = db.session.scalar(select(func.count(Response.id))
                                 .where(Response.version_id == version.id))
        pool = answers_pool(version.definition)
        now = utcnow()
        batch = 2000
        for start in range(have, total, batch):
            rows = [{"version_id": version.id, "status": "completed", "language": "fr",
                     "answers": pool[n % len(pool)], "drafts": {}, "revision": 0,
                     "resume_hash": f"r{code:<10}{n:053d}", "start_hash": f"s{code:<10}{n:053d}",
                     "started_at": now, "updated_at": now, "completed_at": now}
                    for n in range(start, min(total, start + batch))]
            db.session.execute(insert(Response.__table__), rows)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":  # statistics for the planner after a bulk load
            db.session.execute(text("ANALYZE response"))
            db.session.commit()
        db.engine.dispose()


# -- measurements, each in a fresh process -------------------------------------------------


def child_cli(url: str, args: list[str]) -> None:
    """Run ``survey export ...`` in this process, then report its time and peak memory."""
    os.environ["SURVEY_DATABASE_URL"] = url
    os.environ["SURVEY_SECRET_KEY"] = "bench"
    from survey.cli import cli

    started, cpu = time.perf_counter(), time.process_time()
    try:
        cli.main(["export", *args], prog_name="survey", standalone_mode=False)
    finally:
        seconds = time.perf_counter() - started
        peak = peak_mb()
        print(json.dumps({"seconds": seconds, "cpu": time.process_time() - cpu,
                          "peak_mb": peak}), file=sys.stderr)


RAW_QUERY = ("SELECT r.id, r.version_id, r.status, r.language, CAST(r.answers AS TEXT), "
             "r.started_at, r.completed_at, r.campaign_id, r.panel_hash FROM response r "
             "JOIN questionnaire_version v ON v.id = r.version_id "
             "JOIN questionnaire q ON q.id = v.questionnaire_id "
             "WHERE q.code = '{code}' AND r.status = 'completed' ORDER BY r.id")


def child_raw(url: str, code: str, out: str) -> None:
    """The floor: the same rows as the export reads, dumped to a file as stored, answers as
    JSON text (PostgreSQL: ``COPY ... TO STDOUT WITH CSV``; SQLite, which has no dump of its
    own in Python: each row's fields joined by tabs)."""
    from sqlalchemy.engine import make_url

    from survey.config import normalise_database_url

    query = RAW_QUERY.format(code=code)
    started, cpu = time.perf_counter(), time.process_time()
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(make_url(url).database)
        with open(out, "w", encoding="utf-8") as handle:  # fields as stored, tab-separated
            cursor = connection.execute(query)
            while rows := cursor.fetchmany(500):
                handle.write("".join("\t".join(map(str, row)) + "\n" for row in rows))
        connection.close()
    else:
        import psycopg

        address = make_url(normalise_database_url(url)).set(drivername="postgresql")
        with psycopg.connect(address.render_as_string(hide_password=False)) as connection, \
                open(out, "wb") as handle, \
                connection.cursor().copy(f"COPY ({query}) TO STDOUT WITH CSV") as copy:
            for piece in copy:
                handle.write(piece)
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "cpu": time.process_time() - cpu,
                      "peak_mb": peak_mb()}),
          file=sys.stderr)


def measure_raw(url: str, code: str, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child-raw", url, code, str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stderr.strip().splitlines()[-1])


def export_plan(url: str, code: str) -> str:
    """PostgreSQL's plan of the export's query (``survey.exports.source``), first lines."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    from survey import create_app
    from survey.exports.source import Selection, export_query, stored_versions
    from survey.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        ids = [v.id for v in stored_versions(code)]
        statement = export_query(Selection(code), ids)
        sql = str(statement.compile(dialect=postgresql.dialect(),
                                    compile_kwargs={"literal_binds": True}))
        plan = [row[0] for row in db.session.execute(text(f"EXPLAIN {sql}"))]
        db.engine.dispose()
    return " / ".join(line.strip() for line in plan[:3])


def measure_cli(url: str, args: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child-cli", url, *args],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stderr.strip().splitlines()[-1])


SERVER = """
import sys
import tempfile
from pathlib import Path
from flask import Response, stream_with_context
from survey import create_app
from survey.server import serve
from survey.exports import CsvOptions, Export, Selection, csv_wide

def factory():
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench"})

    @app.get("/bench/<code>.csv")
    def export_csv(code):
        export = Export.of(Selection(code))
        return Response(stream_with_context(csv_wide(export, CsvOptions())),
                        mimetype="text/csv")
    return app

serve("127.0.0.1", int(sys.argv[2]), 1, Path(tempfile.mkdtemp()), factory=factory)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def worker_peak(master: int) -> float:
    """Peak RSS (MB) of the gunicorn workers of ``master``."""
    peak = 0.0
    for child in workers(master):
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) the gunicorn workers of ``master`` have used."""
    ticks = 0
    for child in workers(master):
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure_http(url: str, code: str) -> dict:
    port = free_port()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_for(port, log)
            started, cpu = time.perf_counter(), worker_cpu(server.pid)
            size, first = 0, None
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/{code}.csv",
                                        timeout=600) as body:
                while piece := body.read1(65536):
                    if first is None:
                        first = time.perf_counter() - started
                    size += len(piece)
            seconds = time.perf_counter() - started
            return {"seconds": seconds, "cpu": worker_cpu(server.pid) - cpu,
                    "peak_mb": worker_peak(server.pid), "bytes": size, "first_byte": first}
        finally:
            server.terminate()
            server.wait()


def wait_for(port: int, log) -> None:  # noqa: ANN001
    """Until the server on ``port`` answers (its log is shown if it never does)."""
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error: the server answers
                return
            time.sleep(0.1)
    log.seek(0)
    raise SystemExit(f"the server did not start: {log.read()[-3000:].decode()}")


def line(label: str, result: dict, floor: float | None = None) -> None:
    extra = f", {result['bytes'] / 1e6:.0f} MB sent" if "bytes" in result else ""
    if result.get("first_byte") is not None:
        extra += f", first byte {result['first_byte']:.2f} s"
    if "file_mb" in result:
        extra += f", file {result['file_mb']:.0f} MB"
    if floor:
        extra += f", {result['seconds'] / floor:.1f} x the raw dump"
    print(f"  {label:<30} {result['seconds']:7.1f} s (CPU {result['cpu']:5.1f} s)  "
          f"peak {result['peak_mb']:6.0f} MB{extra}", flush=True)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child-cli":
        child_cli(sys.argv[2], sys.argv[3:])
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--child-raw":
        child_raw(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--wide-items", type=int, default=60)
    parser.add_argument("--wide-size", type=int, default=100_000)
    parser.add_argument("--skip-xlsx-sav", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        for kind in args.databases:
            url, drop = database(kind, work, f"bench_export_{os.getpid()}")
            try:
                for size in sorted(args.sizes):
                    started = time.perf_counter()
                    fill(url, args.items, size, "bench500")
                    print(f"{kind}, {size:,} responses x {args.items} items "
                          f"(filled in {time.perf_counter() - started:.0f} s):", flush=True)
                    if kind == "postgresql":
                        print(f"  plan: {export_plan(url, 'bench500')}", flush=True)
                    raw = measure_raw(url, "bench500", work / "raw.csv")
                    line("raw dump (the floor)", raw)
                    out = work / "export.csv"
                    line("wide CSV, CLI", measure_cli(url, ["responses", "bench500", "--out",
                                                            str(out)]), raw["seconds"])
                    print(f"  {'':<34} {out.stat().st_size / 1e6:.0f} MB written", flush=True)
                    if not args.skip_http:
                        line("wide CSV, streamed over HTTP", measure_http(url, "bench500"),
                             raw["seconds"])
                if not args.skip_xlsx_sav:
                    fill(url, args.wide_items, args.wide_size, "bench60")
                    print(f"{kind}, {args.wide_size:,} responses x {args.wide_items} items:",
                          flush=True)
                    raw = measure_raw(url, "bench60", work / "raw60.csv")
                    line("raw dump (the floor)", raw)
                    for fmt in ("csv", "xlsx", "sav"):
                        target = work / f"export60.{fmt}"
                        result = measure_cli(url, ["responses", "bench60", "--format", fmt,
                                                   "--out", str(target)])
                        result["file_mb"] = target.stat().st_size / 1e6
                        line(f"{fmt}, CLI", result, raw["seconds"])
            finally:
                drop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
