"""The CSV files an uploaded XLSForm's choices came from, kept with its draft and version
(``csv_sources``: base name -> stored file, each item's type cell, the lists they give), so
the version downloads as a ZIP holding them. The files are rows of ``questionnaire_media``.
Existing drafts and versions keep none (NULL) and download as before.

Revision ID: f4a6c8e0b2d5
Revises: e2b4d6f8a0c3
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'f4a6c8e0b2d5'
down_revision = 'e2b4d6f8a0c3'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    for table in ('questionnaire_version', 'questionnaire_draft'):
        op.add_column(table, sa.Column('csv_sources', JSON, nullable=True))


def downgrade():
    op.execute("DELETE FROM questionnaire_media WHERE name LIKE '%.csv'")  # kept only for these
    for table in ('questionnaire_draft', 'questionnaire_version'):
        # a plain DROP COLUMN (SQLite 3.35+ has it): recreating questionnaire_version, as a
        # batch would on SQLite, fails on the responses that refer to it
        op.execute(f"ALTER TABLE {table} DROP COLUMN csv_sources")
