"""Follow-up series (issue 26): steps (a wave and a campaign each), the people who answered
the baseline (panel code, optional contact), each later step due for each person, and what
navigators recorded when they tried to reach them.

Revision ID: c89d9cda4a41
Revises: e4b8c2d6f0a1
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = 'c89d9cda4a41'
down_revision = 'e4b8c2d6f0a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'followup_series',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('evaluation_id', sa.Integer(), sa.ForeignKey('evaluation.id'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('code', sa.String(8), nullable=False),
        sa.Column('site_id', sa.Integer(), sa.ForeignKey('site.id'), nullable=False),
        sa.Column('created_by', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('evaluation_id', 'code'),
    )
    op.create_index('ix_followup_series_evaluation_id', 'followup_series', ['evaluation_id'])
    op.create_index('ix_followup_series_site_id', 'followup_series', ['site_id'])
    op.create_table(
        'followup_step',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('series_id', sa.Integer(), sa.ForeignKey('followup_series.id'),
                  nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(8), nullable=False),
        sa.Column('wave_id', sa.Integer(), sa.ForeignKey('wave.id'), nullable=False),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('campaign.id'), nullable=False,
                  unique=True),
        sa.UniqueConstraint('series_id', 'position'),
    )
    op.create_index('ix_followup_step_series_id', 'followup_step', ['series_id'])
    op.create_table(
        'followup_person',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('series_id', sa.Integer(), sa.ForeignKey('followup_series.id'),
                  nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('panel_hash', sa.String(64), nullable=False),
        sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id'), nullable=True),
        sa.Column('baseline_response_id', sa.Integer(),
                  sa.ForeignKey('response.id', ondelete='SET NULL'), nullable=True),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('declined_on', sa.Date(), nullable=True),
        sa.UniqueConstraint('series_id', 'panel_hash'),
        sa.UniqueConstraint('series_id', 'number'),
    )
    op.create_index('ix_followup_person_series_id', 'followup_person', ['series_id'])
    op.create_table(
        'followup_task',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('person_id', sa.Integer(), sa.ForeignKey('followup_person.id'),
                  nullable=False),
        sa.Column('step_id', sa.Integer(), sa.ForeignKey('followup_step.id'), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), sa.ForeignKey('invitation.id'), nullable=True),
        sa.Column('outcome', sa.String(16), nullable=False, server_default=''),
        sa.Column('outcome_on', sa.Date(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.UniqueConstraint('person_id', 'step_id'),
    )
    op.create_index('ix_followup_task_person_id', 'followup_task', ['person_id'])
    op.create_index('ix_followup_task_step_id', 'followup_task', ['step_id'])
    op.create_index('ix_followup_task_due_on', 'followup_task', ['due_on'])
    op.create_table(
        'followup_attempt',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('followup_task.id'), nullable=False),
        sa.Column('outcome', sa.String(16), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('recorded_by', sa.Integer(), sa.ForeignKey('user_account.id'),
                  nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_followup_attempt_task_id', 'followup_attempt', ['task_id'])


def downgrade():
    for table in ('followup_attempt', 'followup_task', 'followup_person', 'followup_step',
                  'followup_series'):
        op.drop_table(table)
