"""Queued mail knows its delivery: ``queued_mail.delivery_id``, and a delivery waiting in the
queue is "queued" until the mail server accepts it ("sent") or finally refuses it ("failed").

Existing data: queued messages keep no delivery (they are delivered as before); a delivery
left "queued" before this revision was a claim cut off mid-send (the queue marked its
deliveries sent at once), so it becomes "claimed", the status of a reserved message.

Revision ID: e2b4d6f8a0c3
Revises: c1d3e5f7a9b2
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = 'e2b4d6f8a0c3'
down_revision = 'c1d3e5f7a9b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('queued_mail') as batch:
        batch.add_column(sa.Column('delivery_id', sa.Integer(), nullable=True))
        batch.create_index('ix_queued_mail_delivery_id', ['delivery_id'])
        batch.create_foreign_key('fk_queued_mail_delivery_id_delivery', 'delivery',
                                 ['delivery_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE delivery SET status = 'claimed' WHERE status = 'queued'")


def downgrade():
    # The earlier code counted a queued message as sent.
    op.execute("UPDATE delivery SET status = 'sent' WHERE status = 'queued'")
    op.execute("UPDATE delivery SET status = 'queued' WHERE status = 'claimed'")
    with op.batch_alter_table('queued_mail') as batch:
        batch.drop_constraint('fk_queued_mail_delivery_id_delivery', type_='foreignkey')
        batch.drop_index('ix_queued_mail_delivery_id')
        batch.drop_column('delivery_id')
