"""Server CPU per page cycle: one participant at a time against ``survey run`` with one worker.

    python bench/server_cpu.py [--cycles 800] [--databases sqlite postgresql]

Starts ``survey run --workers 1`` on a fresh database, walks the bundled questionnaires over
HTTP as ``bench/throughput.py`` does (warm-up first), and reads the CPU time of the server's
whole process group from ``/proc`` (Linux) before and after: milliseconds of server CPU per page
cycle, less sensitive to the machine's load than cycles per second. Also printed: wall time
and the client's own CPU per cycle. PostgreSQL's own processes are not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.databases import database  # noqa: E402
from bench.throughput import DEFINITIONS, free_port, start, stop  # noqa: E402
from tests.http_participant import HttpClient, HttpParticipant  # noqa: E402


def group_cpu(group: int) -> float:
    """CPU seconds (user and system) of every process in a process group."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def walk(port: int, cycles: int) -> int:
    done = n = 0
    while done < cycles:
        definition = DEFINITIONS[n % len(DEFINITIONS)]
        n += 1
        participant = HttpParticipant(HttpClient("127.0.0.1", port), definition)
        participant.start()
        done += 1
        while not participant.done:
            participant.answer_page()
            done += 1
        participant.client.close()
    return done


def measure(kind: str, cycles: int, work: Path) -> None:
    url, drop = database(kind, work, "proximite_server_cpu")
    instance = work / kind
    instance.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update(SURVEY_INSTANCE_PATH=str(instance), SURVEY_DATABASE_URL=url,
               SURVEY_SECRET_KEY="bench",  # PostgreSQL needs the instances' shared key
               SURVEY_RATELIMIT_CONSENT="1000000 per minute")  # one client address
    port = free_port()
    server = start([sys.executable, "-m", "survey", "run", "--port", str(port), "--workers",
                    "1"], env, port, instance / "server.log")
    try:
        walk(port, 60)
        cpu, wall, client = group_cpu(server.pid), time.monotonic(), time.process_time()
        n = walk(port, cycles)
        cpu = group_cpu(server.pid) - cpu
        wall, client = time.monotonic() - wall, time.process_time() - client
        print(f"{kind:<12}{n:>7}{1000 * cpu / n:>12.2f}{1000 * wall / n:>10.2f}"
              f"{1000 * client / n:>12.2f}", flush=True)
    finally:
        stop(server)
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=800)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"{'database':<12}{'cycles':>7}{'server ms':>12}{'wall ms':>10}{'client ms':>12}"
          "   (per page cycle)")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.databases:
            measure(kind, args.cycles, Path(folder))


if __name__ == "__main__":
    main()
