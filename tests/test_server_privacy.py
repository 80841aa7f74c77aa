"""``survey run`` as an operator runs it (issue 11, items 7 and 10): no client address in what
gunicorn writes, and two instances on one machine each keep their own control socket."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from survey.server import HIDDEN, scrub

from .test_run_command import fetch, free_port, stop


def start(instance: Path, port: int, home: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SURVEY_") and k != "XDG_RUNTIME_DIR"}
    env.update(SURVEY_INSTANCE_PATH=str(instance), HOME=str(home))
    return subprocess.Popen([sys.executable, "-m", "survey", "run", "--port", str(port),
                             "--workers", "1"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def send_raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        return sock.recv(4096)


def test_scrub_hides_every_kind_of_address() -> None:
    for message, address in (
            ("Invalid request from ip=192.0.2.10: Invalid HTTP method", "192.0.2.10"),
            ("peer 2001:db8::7 closed", "2001:db8::7"),
            ("peer ::ffff:192.0.2.1 closed", "192.0.2.1"),
            ("from fe80:0:0:0:0:0:0:1 now", "fe80:0:0:0:0:0:0:1")):
        cleaned = scrub(message)
        assert address not in cleaned and HIDDEN in cleaned, cleaned
    assert scrub("Booting worker with pid: 4242 at 12:34:56") == \
        "Booting worker with pid: 4242 at 12:34:56"


def test_two_instances_log_no_address_and_keep_their_own_control_socket(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # short folders: a Unix socket path must fit in about 100 bytes
    first, second = (Path(tempfile.mkdtemp(prefix="px")) for _ in "12")
    ports = free_port(), free_port()
    servers = [start(first, ports[0], home), start(second, ports[1], home)]
    outputs = []
    try:
        for port in ports:
            status, _headers, _body = fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 90)
            assert status == 200
        for instance in (first, second):
            control = instance / "gunicorn.ctl"
            # gunicorn opens its control socket in a thread of its own, which may come after
            # the first answer on a loaded machine
            deadline = time.monotonic() + 30
            while not control.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert control.exists() and stat.S_ISSOCK(control.stat().st_mode), control
            assert stat.S_IMODE(control.stat().st_mode) == 0o600
        for bad in (b"G@T / HTTP/1.1\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"):
            assert send_raw(ports[0], bad).split(b" ")[1][:1] == b"4"
        time.sleep(0.5)  # let the worker write its log line
    finally:
        outputs = [stop(server) for server in servers]
        for instance in (first, second):
            shutil.rmtree(instance, ignore_errors=True)
    assert not (home / ".gunicorn").exists()
    log = outputs[0]
    assert "Invalid request from [address hidden]" in log, log
    lines = [line for line in log.splitlines() if "127.0.0.1" in line]
    # only what `survey run` prints itself: where it serves, and the first admin's link
    assert all(line.startswith("Proximité is served on") or "/welcome/" in line
               for line in lines), lines
