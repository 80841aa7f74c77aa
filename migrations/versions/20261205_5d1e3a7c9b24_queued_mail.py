"""Queued mail: messages kept in the database until the mail server accepts them, so that
several instances share one queue (``SURVEY_MAIL_QUEUE``). A new, empty table.

Revision ID: 5d1e3a7c9b24
Revises: d3f5a7b9c1e4
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '5d1e3a7c9b24'
down_revision = 'd3f5a7b9c1e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'queued_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message', sa.LargeBinary(), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_queued_mail_next_attempt_at', 'queued_mail', ['next_attempt_at'])


def downgrade():
    op.drop_index('ix_queued_mail_next_attempt_at', table_name='queued_mail')
    op.drop_table('queued_mail')
