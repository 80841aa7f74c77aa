"""Time zones and the minimum interval between two emails to one contact.

``evaluation.time_zone`` (empty: the instance's ``SURVEY_TIME_ZONE``), ``contact.last_message_at``
(filled from the deliveries already sent, so the interval holds across the upgrade), and
``mailing.resume_at`` / ``mailing.waiting_count`` (a mailing some of whose contacts must wait)
and ``mailing.cancelled``.

Revision ID: 2ebbd9647973
Revises: a9c1e3f5b7d9
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '2ebbd9647973'
down_revision = 'a9c1e3f5b7d9'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('evaluation', sa.Column('time_zone', sa.String(length=64), server_default='',
                                          nullable=False))
    op.add_column('contact', sa.Column('last_message_at', sa.DateTime(timezone=True),
                                       nullable=True))
    op.add_column('mailing', sa.Column('resume_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('mailing', sa.Column('waiting_count', sa.Integer(), server_default='0',
                                       nullable=False))
    op.add_column('mailing', sa.Column('cancelled', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.execute(
        "UPDATE contact SET last_message_at = ("
        " SELECT max(delivery.sent_at) FROM delivery"
        " JOIN invitation ON invitation.id = delivery.invitation_id"
        " WHERE invitation.contact_id = contact.id AND delivery.status = 'sent')")


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 or newer): rebuilding the evaluation table
    # would break the foreign keys of its sites and campaigns.
    op.drop_column('mailing', 'cancelled')
    op.drop_column('mailing', 'waiting_count')
    op.drop_column('mailing', 'resume_at')
    op.drop_column('contact', 'last_message_at')
    op.drop_column('evaluation', 'time_zone')
