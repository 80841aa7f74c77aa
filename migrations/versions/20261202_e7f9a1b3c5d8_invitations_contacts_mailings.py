"""Invitations: contacts (apart from answers), single-use invitations (token digests), mailings
and their deliveries (one row per message, unique per mailing and invitation).

Nothing existing changes: the new tables start empty.

Revision ID: e7f9a1b3c5d8
Revises: c4e6a8b0d2f1
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'e7f9a1b3c5d8'
down_revision = 'c4e6a8b0d2f1'
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'email'))
    op.create_index('ix_contact_evaluation_id', 'contact', ['evaluation_id'])
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('seed', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=True),
        sa.Column('used_at', WHEN, nullable=True),
        sa.Column('revoked_at', WHEN, nullable=True),
        sa.Column('invited_at', WHEN, nullable=True),
        sa.Column('reminders_sent', sa.Integer(), nullable=False),
        sa.Column('unsubscribed_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id']),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'contact_id'),
        sa.UniqueConstraint('token_hash'))
    op.create_index('ix_invitation_campaign_id', 'invitation', ['campaign_id'])
    op.create_index('ix_invitation_contact_id', 'invitation', ['contact_id'])
    op.create_index('ix_invitation_response_id', 'invitation', ['response_id'])
    op.create_table(
        'mailing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('due_at', WHEN, nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('started_at', WHEN, nullable=True),
        sa.Column('finished_at', WHEN, nullable=True),
        sa.Column('sent_count', sa.Integer(), nullable=False),
        sa.Column('failed_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_mailing_campaign_id', 'mailing', ['campaign_id'])
    op.create_index('ix_mailing_due_at', 'mailing', ['due_at'])
    op.create_table(
        'delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mailing_id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('sent_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id']),
        sa.ForeignKeyConstraint(['mailing_id'], ['mailing.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('mailing_id', 'invitation_id'))
    op.create_index('ix_delivery_mailing_id', 'delivery', ['mailing_id'])
    op.create_index('ix_delivery_invitation_id', 'delivery', ['invitation_id'])


def downgrade():
    for table in ('delivery', 'mailing', 'invitation', 'contact'):
        op.drop_table(table)
