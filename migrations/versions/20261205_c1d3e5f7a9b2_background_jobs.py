"""Background jobs: the ``job`` table (state, progress, attempts, result file, owner, expiry).

A new table: existing data is untouched.

Revision ID: c1d3e5f7a9b2
Revises: 5d1e3a7c9b24
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = 'c1d3e5f7a9b2'
down_revision = '5d1e3a7c9b24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('result_file', sa.String(length=500), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_job_evaluation_id', 'job', ['evaluation_id'])
    op.create_index('ix_job_key', 'job', ['key'])
    op.create_index('ix_job_state', 'job', ['state'])


def downgrade():
    op.drop_index('ix_job_state', table_name='job')
    op.drop_index('ix_job_key', table_name='job')
    op.drop_index('ix_job_evaluation_id', table_name='job')
    op.drop_table('job')
