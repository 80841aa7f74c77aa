"""The README's first command ends in ``survey run``: it must set up and serve on its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, deadline: float) -> tuple[int, dict[str, str], str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                return reply.status, dict(reply.headers), reply.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run_server(instance: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env["SURVEY_INSTANCE_PATH"] = str(instance)
    return subprocess.Popen([sys.executable, "-m", "survey", "run", "--port", str(port),
                             "--workers", "1"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_survey_run_migrates_loads_and_serves_with_gunicorn(tmp_path: Path) -> None:
    port = free_port()
    process = run_server(tmp_path, port)
    try:
        status, headers, body = fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
    finally:
        output = stop(process)
    assert status == 200, output
    assert "gunicorn" in headers.get("Server", "").lower()
    # the demonstration evaluation is public: its campaigns' links on the home page
    assert '<html lang="fr">' in body and body.count('href="/c/') == 3
    assert (tmp_path / "survey.db").exists()
    secret = tmp_path / "secret_key"
    assert len(secret.read_text()) == 64 and secret.stat().st_mode & 0o777 == 0o600
    assert "questionnaire patients: new version" in output
    # first start: the one-time link to create the first admin, on the address served
    assert f"http://127.0.0.1:{port}/welcome/" in output

    # a second start changes nothing and keeps the secret
    key = secret.read_text()
    port = free_port()
    process = run_server(tmp_path, port)
    try:
        _, _, home = fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
    finally:
        output = stop(process)
    assert "questionnaire patients: unchanged" in output
    # the home page leads to the demonstration evaluation's campaigns
    assert home.count('href="/c/') == 3
    assert secret.read_text() == key
