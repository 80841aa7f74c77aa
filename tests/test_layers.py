"""The layer order holds: import-linter's contracts (pyproject.toml) pass, no module takes a
private name from another, and ``analysis`` declares the API the app may use."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import analysis

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports() -> list[str]:
    script = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return [script, "--no-cache"]


def test_import_contracts_hold() -> None:
    run = subprocess.run(_lint_imports(), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _imports_from(package: str) -> list[tuple[Path, str, str]]:
    """(file, module, name) for every ``from <package>... import name`` in the app."""
    found = []
    for path in sorted((ROOT / "survey").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package):
                found += [(path, node.module, alias.name) for alias in node.names]
    return found


def _analysis_modules() -> list[str]:
    return [f"analysis.{info.name}" for info in pkgutil.iter_modules(analysis.__path__)
            if info.name != "__main__"]


def test_every_analysis_module_declares_its_api() -> None:
    for name in _analysis_modules():
        module = importlib.import_module(name)
        declared = getattr(module, "__all__", None)
        assert declared, f"{name} has no __all__"
        missing = [n for n in declared if not hasattr(module, n)]
        assert not missing, f"{name}.__all__ names what it lacks: {missing}"


def test_the_app_uses_only_the_declared_analysis_api() -> None:
    outside = []
    for path, module, name in _imports_from("analysis"):
        if module == "analysis":
            continue  # a submodule itself
        declared = getattr(importlib.import_module(module), "__all__", ())
        if name not in declared:
            outside.append(f"{path.relative_to(ROOT)}: {module}.{name}")
    assert not outside, outside


def test_no_module_takes_a_private_name_from_another() -> None:
    private = []
    for path in sorted([*(ROOT / "survey").rglob("*.py"), *(ROOT / "analysis").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            ours = isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").split(".")[0] in ("survey", "analysis"))
            private += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                        for alias in (node.names if ours else ())
                        if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private, private
