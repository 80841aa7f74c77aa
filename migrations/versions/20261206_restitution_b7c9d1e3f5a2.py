"""Results given back (restitution): a results-back page per evaluation and audience
(``results_page``), its findings (``results_finding``) and participants' reactions to them
(``results_reaction``: one per finding per link or browser, a keyed digest, no identity).

Revision ID: b7c9d1e3f5a2
Revises: a7c9e1f3b5d8
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'b7c9d1e3f5a2'
down_revision = 'a7c9e1f3b5d8'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.create_table(
        'results_page',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('audience', sa.String(length=32), nullable=False),
        sa.Column('access', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('title', JSON, nullable=False),
        sa.Column('use', JSON, nullable=False),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'audience'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_results_page_evaluation_id', 'results_page', ['evaluation_id'])
    op.create_table(
        'results_finding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', JSON, nullable=False),
        sa.Column('generated', JSON, nullable=False),
        sa.Column('questionnaire', sa.String(length=64), nullable=True),
        sa.Column('question', sa.String(length=64), nullable=True),
        sa.Column('chart', JSON, nullable=True),
        sa.ForeignKeyConstraint(['page_id'], ['results_page.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_results_finding_page_id', 'results_finding', ['page_id'])
    op.create_table(
        'results_reaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('reactor', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.String(length=8), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('given_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['results_finding.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('finding_id', 'reactor'),
    )
    op.create_index('ix_results_reaction_finding_id', 'results_reaction', ['finding_id'])


def downgrade():
    op.drop_index('ix_results_reaction_finding_id', table_name='results_reaction')
    op.drop_table('results_reaction')
    op.drop_index('ix_results_finding_page_id', table_name='results_finding')
    op.drop_table('results_finding')
    op.drop_index('ix_results_page_evaluation_id', table_name='results_page')
    op.drop_table('results_page')
