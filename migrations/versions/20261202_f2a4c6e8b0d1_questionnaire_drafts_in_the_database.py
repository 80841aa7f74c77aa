"""Questionnaire drafts in the database (table ``questionnaire_draft``) instead of JSON files
in the instance folder (``drafts/<evaluation id>/<content hash>.json``).

Upgrading imports the draft files of the app's instance folder, when there are any: files of
evaluations that no longer exist, with a name that is not a content hash, or unreadable, are
skipped (a draft can always be uploaded again), and an offline upgrade (``--sql``) imports
nothing. The files are left in place; once the upgrade is done the ``drafts`` folder can be
deleted. Downgrading drops the table: drafts
uploaded since then must be uploaded again.

Revision ID: f2a4c6e8b0d1
Revises: b8d0f2a4c6e9
Create Date: 2026-12-02
"""
import datetime as dt
import json
import re
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op
from flask import current_app
from sqlalchemy.dialects.postgresql import JSONB

revision = 'f2a4c6e8b0d1'
down_revision = 'b8d0f2a4c6e9'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), 'postgresql')
HASH = re.compile(r'^[0-9a-f]{64}$')


def upgrade():
    draft = op.create_table(
        'questionnaire_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('source_name', sa.String(length=255), nullable=False),
        sa.Column('definition_data', JSON_DOCUMENT, nullable=False),
        sa.Column('notes', JSON_DOCUMENT, nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'content_hash'))
    op.create_index('ix_questionnaire_draft_evaluation_id', 'questionnaire_draft',
                    ['evaluation_id'])
    if context.is_offline_mode():
        return  # an SQL script (--sql) cannot read the database: the files stay to upload
    rows = list(_draft_files(set(op.get_bind().execute(
        sa.text('SELECT id FROM evaluation')).scalars())))
    if rows:
        op.bulk_insert(draft, rows)


def _draft_files(evaluations: set[int]):
    """The rows of the draft files kept by earlier versions, for evaluations that exist."""
    folder = Path(current_app.instance_path) / 'drafts'
    for evaluation_id in sorted(evaluations):
        for path in sorted((folder / str(evaluation_id)).glob('*.json')):
            if not HASH.match(path.stem):
                continue
            try:
                stored = json.loads(path.read_text(encoding='utf-8'))
                uploaded = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            except (OSError, ValueError):
                continue
            if not isinstance(stored, dict) or not isinstance(stored.get('data'), dict):
                continue
            notes = stored.get('notes') if isinstance(stored.get('notes'), list) else []
            yield {'evaluation_id': evaluation_id, 'content_hash': path.stem,
                   'source_name': str(stored.get('source_name') or '')[:255],
                   'definition_data': stored['data'], 'notes': [str(n) for n in notes],
                   'uploaded_at': uploaded}


def downgrade():
    op.drop_index('ix_questionnaire_draft_evaluation_id', table_name='questionnaire_draft')
    op.drop_table('questionnaire_draft')
