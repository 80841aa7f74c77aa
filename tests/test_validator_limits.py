"""``survey questionnaire validate`` on files a researcher can produce by accident (or a tool by
design): always exit 1 and ``file:line: reason``, never a traceback, without reading a huge
file whole (issue 11, item 11)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.cli import cli
from survey.questionnaire import DefinitionError, load_file

HEAD = "format: 1\ncode: broken\n"
CASES = {
    "raw control character": (HEAD + 'title: {fr: "a\x00b"}\n', 3, "control character"),
    "escaped NUL": (HEAD + 'title: {fr: "a\\0b"}\n', 3, "U+0000"),
    "escaped \\u0000": (HEAD + 'title: {fr: "a\\u0000b"}\n', 3, "U+0000"),
    "escaped bell": (HEAD + 'title: {fr: "a\\x07b"}\n', 3, "U+0007"),
    "lone surrogate": (HEAD + 'title: {fr: "\\ud800"}\n', 3, "U+D800"),
    "python tag": (HEAD + "title: !!python/name:os.system x\n", 3, "tags"),
    "python object tag": (HEAD + "title: !!python/object/apply:os.system [ls]\n", 3, "tags"),
    "unknown tag": (HEAD + "title: !secret x\n", 3, "tags"),
    "binary tag": (HEAD + "title: !!binary aGVsbG8=\n", 3, "tags"),
    "merge key": (HEAD + "base: &b {fr: x}\ntitle:\n  <<: *b\n", 5, "merge keys"),
    "bad timestamp": (HEAD + "version: 2024-13-45\n", 3, "cannot be read"),
    "bad timestamp day": (HEAD + "version: 2024-02-31 10:00:00\n", 3, "cannot be read"),
    "huge integer": (HEAD + "minutes: " + "9" * 5000 + "\n", 3, "cannot be read"),
    "deep flow nesting": (HEAD + "title: " + "[" * 50_000 + "]" * 50_000 + "\n", 3,
                          "too deeply nested"),
    "deep block nesting": (HEAD + "".join(" " * n + f"k{n}:\n" for n in range(200)), None,
                           "too deeply nested"),
    "recursive alias as key": (HEAD + "? &a [*a]\n: 1\n", 3, "a key must be"),
    "mapping as its own key": (HEAD + "x: &a {*a : 1}\n", 3, "a key must be"),
    "billion laughs": (HEAD + "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n"
        for n in range(8)), None, "too large"),
    "not UTF-8": ("format: 1\ncode: caf\xe9\n".encode("latin-1"), 2, "UTF-8"),
}


def write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "definition.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def validate(*paths: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["questionnaire", "validate", *paths])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exc_info
    return result.exit_code, result.output


@pytest.mark.parametrize("case", CASES)
def test_every_odd_file_gives_exit_1_and_a_located_reason(tmp_path: Path, case: str) -> None:
    content, line, reason = CASES[case]
    path = write(tmp_path, content)
    status, output = validate(str(path))
    assert status == 1, output
    assert "Traceback" not in output
    located = re.search(rf"^{re.escape(str(path))}:(\d+): (.+)$", output, re.MULTILINE)
    assert located, output
    if line is not None:
        assert int(located.group(1)) == line, output
    assert reason in located.group(2), output


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        row = "- {code: x, fr: " + "a" * 80 + "}\n"
        for _ in range(50_000_000 // len(row)):
            handle.write(row)
    with pytest.raises(DefinitionError) as refused:
        load_file(path)
    assert "larger than 1 MB" in str(refused.value)
    status, output = validate(str(path))
    assert status == 1 and f"{path}:1: the file is larger than 1 MB" in output


def test_a_file_of_many_small_nodes_stops_while_it_is_composed(tmp_path: Path) -> None:
    # under the size limit, far over the node limit: refused at the limit, not after
    path = write(tmp_path, HEAD + "items: [" + "1," * 400_000 + "1]\n")
    status, output = validate(str(path))
    assert status == 1 and "too large" in output


def test_a_directory_is_a_located_problem_not_a_usage_error(tmp_path: Path) -> None:
    status, output = validate(str(tmp_path))
    assert status == 1, output
    assert f"{tmp_path}:1: cannot read the file: Is a directory" in output


def test_the_command_itself_prints_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "title: !!python/name:os.system x\n" + "v: 2024-13-45\n")
    done = subprocess.run([sys.executable, "-m", "survey", "questionnaire", "validate",
                           str(path), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{path}:3: YAML tags" in done.stderr
    assert f"{tmp_path}:1: cannot read the file" in done.stderr


def test_the_bundled_questionnaires_are_still_valid() -> None:
    from survey.config import PROJECT_ROOT

    paths = sorted(str(p) for p in (PROJECT_ROOT / "questionnaires").glob("*.yaml"))
    status, output = validate(*paths)
    assert status == 0, output
