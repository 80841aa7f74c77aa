"""Restart of ``survey run``: seconds from the command to the first page served.

    python bench/restart.py [--databases sqlite postgresql] [--restarts 5] [--workers 2]

For each database, ``survey run`` sets up a fresh one (SQLite in a temporary instance folder;
PostgreSQL in a database ``proximite_bench_restart`` on ``SURVEY_BENCH_POSTGRES_URL``), then is
stopped and started again ``--restarts`` times on it; each restart is timed from the process's
start until ``GET /`` answers 200. Printed per database: the first start and the restarts'
minimum, median and maximum, and where a restart's time goes: the Python imports of the
``survey`` command (``python -X importtime``), the setup before gunicorn starts (migrations,
bundled questionnaires, first run; from the server's own log lines) and the rest (gunicorn,
its workers, the first request).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import database  # noqa: E402
from bench.throughput import free_port, stop  # noqa: E402
from tests.http_participant import HttpClient, Unacknowledged  # noqa: E402


def start(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen, float]:
    """Start ``survey run`` and wait for its first page; returns it and the seconds taken."""
    port = free_port()
    began = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "survey", "run", "--port", str(port), "--workers",
             str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    client = HttpClient("127.0.0.1", port, timeout=5)
    while time.monotonic() - began < 120:
        try:
            if client.request("GET", "/").status == 200:
                client.close()
                return process, time.monotonic() - began
        except Unacknowledged:
            if process.poll() is not None:
                break
            time.sleep(0.02)
    raise SystemExit(f"server did not start: {log.read_text()[-3000:]}")


def import_seconds(env: dict[str, str]) -> float:
    """Seconds the ``survey`` command's imports take (``-X importtime``, cumulative)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import survey.cli"],
                            env=env, capture_output=True, text=True, check=True)
    total = 0
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)
        if match and match.group(2) == "survey.cli":
            total = int(match.group(1))
    return total / 1e6


def bench(kind: str, args: argparse.Namespace, work: Path) -> None:
    instance = work / kind
    instance.mkdir()
    url, drop = database(kind, instance, "proximite_bench_restart")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update(SURVEY_INSTANCE_PATH=str(instance), SURVEY_DATABASE_URL=url,
               SURVEY_SECRET_KEY="bench-restart")
    log = instance / "server.log"
    try:
        process, first = start(env, args.workers, log)
        stop(process)
        times = []
        for _ in range(args.restarts):
            process, seconds = start(env, args.workers, log)
            stop(process)
            times.append(seconds)
        imports = statistics.median(import_seconds(env) for _ in range(3))
        print(f"{kind:<12}{first:>8.2f}{min(times):>8.2f}{statistics.median(times):>8.2f}"
              f"{max(times):>8.2f}{imports:>10.2f}", flush=True)
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; seconds until the first page")
    print(f"{'database':<12}{'first':>8}{'min':>8}{'median':>8}{'max':>8}{'imports':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases:
            bench(kind, args, Path(folder))


if __name__ == "__main__":
    main()
