"""Migrations are the schema: ``upgrade head`` gives exactly the models, from one head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from survey import MIGRATIONS
from survey.extensions import db
from survey.questionnaire import Definition
from survey.versions import store_definition


def test_there_is_a_single_head() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgraded_database_matches_the_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_nothing_and_back(app: Flask, bundled: dict[str, Definition]) -> None:
    with app.app_context():
        downgrade(revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert {"questionnaire", "questionnaire_version", "response"} <= set(
            db.inspect(db.engine).get_table_names())
        for definition in bundled.values():  # the database is shared by the next tests
            store_definition(definition)
