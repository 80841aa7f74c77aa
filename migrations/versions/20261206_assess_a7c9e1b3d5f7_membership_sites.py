"""Memberships limited to sites: the ``membership_site`` table.

A new table: every existing membership has no row in it, so it stays unrestricted (it sees
every site of its evaluation, as before).

Revision ID: a7c9e1b3d5f7
Revises: b7c9d1e3f5a2
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c9e1b3d5f7'
down_revision = 'b7c9d1e3f5a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'membership_site',
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('membership_id', 'site_id'),
    )
    op.create_index('ix_membership_site_site_id', 'membership_site', ['site_id'])


def downgrade():
    op.drop_index('ix_membership_site_site_id', table_name='membership_site')
    op.drop_table('membership_site')
