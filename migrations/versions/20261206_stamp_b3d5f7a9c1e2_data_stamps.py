"""The data stamp of each evaluation (survey/datastamp.py): the results' data revision read
with one primary-key lookup instead of counting the selected responses at each view. Every
existing evaluation gets its row, stamped with the time of this migration in microseconds.

Revision ID: b3d5f7a9c1e2
Revises: 293c8f94cfc4
Create Date: 2026-12-06
"""
import time

import sqlalchemy as sa
from alembic import op

revision = 'b3d5f7a9c1e2'
down_revision = '293c8f94cfc4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_stamp',
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('evaluation_id'))
    op.execute(sa.text('INSERT INTO data_stamp (evaluation_id, stamp) '
                       'SELECT id, :seed FROM evaluation')
               .bindparams(seed=time.time_ns() // 1000))


def downgrade():
    op.drop_table('data_stamp')
