"""Configuration: instance folder, SURVEY_* variables, generated secret, SQLite settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from survey import create_app
from survey.config import normalise_database_url
from survey.extensions import db


def test_instance_config_then_environment_then_defaults(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("MIN_GROUP_SIZE = 7\nLANGUAGES = ['fr', 'en']\n")
    app = create_app()
    assert app.config["MIN_GROUP_SIZE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'survey.db'}"
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024  # a default nobody overrode
    monkeypatch.setenv("SURVEY_MIN_GROUP_SIZE", "10")
    monkeypatch.setenv("SURVEY_DATABASE_URL", "postgresql://postgres@db.example/survey")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "shared")  # required on PostgreSQL
    app = create_app()
    assert app.config["MIN_GROUP_SIZE"] == 10
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://postgres@db.example/survey")


def test_secret_key_is_generated_once_into_the_instance_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second == (tmp_path / "secret_key").read_text()
    assert len(first) == 64


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "k"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_postgresql_urls_use_psycopg_3(given: str, used: str) -> None:
    assert normalise_database_url(given) == used
