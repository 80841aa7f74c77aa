"""Paper copies in easy-read wording: the wording each copy is printed in (standard or easy);
every copy printed before is standard.

Revision ID: 293c8f94cfc4
Revises: f6b8d0a2c4e7
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '293c8f94cfc4'
down_revision = 'f6b8d0a2c4e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_copy') as batch:
        batch.add_column(sa.Column('wording', sa.String(8), nullable=False,
                                   server_default='standard'))


def downgrade():
    with op.batch_alter_table('paper_copy') as batch:
        batch.drop_column('wording')
