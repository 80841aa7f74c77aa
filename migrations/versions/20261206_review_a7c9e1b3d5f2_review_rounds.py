"""Co-design review of draft questionnaires: review rounds (per questionnaire, on a draft's
content), reviewers (a panel's link, its token kept as a digest, or a partner's account),
their ratings of each item (relevance, clarity, a rewording, a comment, the researcher's
decision on the rewording) and partners' proposals of new items.

Revision ID: a7c9e1b3d5f2
Revises: a7c9e1b3d5f7
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'a7c9e1b3d5f2'
down_revision = 'a7c9e1b3d5f7'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'review_round',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('evaluation_id', sa.Integer(), sa.ForeignKey('evaluation.id'), nullable=False),
        sa.Column('questionnaire_code', sa.String(64), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('content_hash', sa.String(64), nullable=False),
        sa.Column('definition_data', JSON, nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('opened_by', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('opened_at', WHEN, nullable=False),
        sa.Column('closed_at', WHEN, nullable=True),
        sa.UniqueConstraint('evaluation_id', 'questionnaire_code', 'number'),
    )
    op.create_index('ix_review_round_evaluation_id', 'review_round', ['evaluation_id'])
    op.create_table(
        'reviewer',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('round_id', sa.Integer(), sa.ForeignKey('review_round.id'), nullable=False),
        sa.Column('panel', sa.String(16), nullable=False),
        sa.Column('seed', sa.String(64), nullable=True),
        sa.Column('token_hash', sa.String(64), nullable=True, unique=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('revoked_at', WHEN, nullable=True),
        sa.Column('pages_saved', JSON, nullable=False),
        sa.Column('saved_at', WHEN, nullable=True),
        sa.UniqueConstraint('round_id', 'user_id'),
    )
    op.create_index('ix_reviewer_round_id', 'reviewer', ['round_id'])
    op.create_index('ix_reviewer_user_id', 'reviewer', ['user_id'])
    op.create_table(
        'review_rating',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('reviewer_id', sa.Integer(), sa.ForeignKey('reviewer.id'), nullable=False),
        sa.Column('item_code', sa.String(64), nullable=False),
        sa.Column('relevance', sa.Integer(), nullable=True),
        sa.Column('clarity', sa.Integer(), nullable=True),
        sa.Column('rewording', sa.Text(), nullable=False),
        sa.Column('language', sa.String(8), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('updated_at', WHEN, nullable=False),
        sa.Column('decision', sa.String(16), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('decided_at', WHEN, nullable=True),
        sa.UniqueConstraint('reviewer_id', 'item_code'),
    )
    op.create_index('ix_review_rating_reviewer_id', 'review_rating', ['reviewer_id'])
    op.create_table(
        'item_proposal',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('round_id', sa.Integer(), sa.ForeignKey('review_round.id'), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('texts', JSON, nullable=False),
        sa.Column('item_type', sa.String(32), nullable=False),
        sa.Column('rationale', sa.Text(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('decision', sa.String(16), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('decided_at', WHEN, nullable=True),
    )
    op.create_index('ix_item_proposal_round_id', 'item_proposal', ['round_id'])


def downgrade():
    for table in ('item_proposal', 'review_rating', 'reviewer', 'review_round'):
        op.drop_table(table)
