"""Paper entries carry the date written on the copy (the day the person filled it in): the
response is dated from it. Entries typed before have none (their responses keep the date
they were stored).

Revision ID: 5d1e7a9c3b20
Revises: b3d5f7a9c1e2
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '5d1e7a9c3b20'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_entry') as batch:
        batch.add_column(sa.Column('filled_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('paper_entry') as batch:
        batch.drop_column('filled_on')
