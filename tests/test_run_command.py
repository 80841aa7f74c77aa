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


def survey(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env["SURVEY_INSTANCE_PATH"] = str(instance)
    return subprocess.run([sys.executable, "-m", "survey", *args], env=env, text=True,
                          capture_output=True, timeout=120)


def test_other_commands_print_links_on_the_address_survey_run_serves(tmp_path: Path) -> None:
    """`survey users create` and `survey campaigns list` print links on the port the server
    really uses; once it stops, the path alone with a warning, never a made-up address."""
    port = free_port()
    process = run_server(tmp_path, port)
    record = tmp_path / "server-address"
    try:
        fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 60)
        assert record.stat().st_mode & 0o777 == 0o600
        created = survey(tmp_path, "users", "create", "--role", "admin", "ana@example.org")
        campaigns = survey(tmp_path, "campaigns", "list")
    finally:
        output = stop(process)
    assert created.returncode == 0, created.stderr
    assert f"http://127.0.0.1:{port}/welcome/" in created.stdout
    assert f"http://127.0.0.1:{port}/c/" in campaigns.stdout, campaigns.stdout + output
    assert "warning" not in created.stderr
    assert not record.exists()  # removed when the server stopped

    again = survey(tmp_path, "users", "reset-link", "ana@example.org")
    assert again.returncode == 0, again.stderr
    link = again.stdout.strip().splitlines()[-1]
    assert link.startswith("/welcome/") and len(link) > len("/welcome/") + 20
    assert "http://" not in again.stdout
    assert "no server address is known" in again.stderr


def test_a_stale_record_of_a_killed_server_is_not_used(tmp_path: Path) -> None:
    from survey.links import SERVER_FILE, forget_server, record_server, served_url

    path = record_server(tmp_path, "http://127.0.0.1:8123/")
    assert path.stat().st_mode & 0o777 == 0o600
    assert served_url(tmp_path) == "http://127.0.0.1:8123"
    # a process that no longer exists wrote it: stale
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    path.write_text(f'{{"url": "http://127.0.0.1:8123", "pid": {dead}}}')
    assert served_url(tmp_path) is None
    # a hostile record gives no address either
    for bad in ("not json", '{"url": "javascript:alert(1)", "pid": 1}', "[]"):
        path.write_text(bad)
        assert served_url(tmp_path) is None
    record_server(tmp_path, "http://127.0.0.1:8123")
    forget_server(tmp_path)
    assert not (tmp_path / SERVER_FILE).exists()
