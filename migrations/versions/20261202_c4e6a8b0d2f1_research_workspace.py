"""Research workspace: accounts, memberships, evaluations, sites, waves, teams, campaigns,
audit log, and the campaign of each response.

Existing responses keep their ids and answers; their campaign stays empty (they came from the
open /q/<code> links, which keep working).

Revision ID: c4e6a8b0d2f1
Revises: a1c3e5f7b9d2
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'c4e6a8b0d2f1'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'user_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('session_token', sa.String(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('is_admin', sa.Boolean(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('last_login', WHEN, nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'))
    op.create_table(
        'evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('responsible_name', sa.String(length=200), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('contact_phone', sa.String(length=64), nullable=False),
        sa.Column('privacy_officer_name', sa.String(length=200), nullable=False),
        sa.Column('privacy_officer_email', sa.String(length=254), nullable=False),
        sa.Column('is_demo', sa.Boolean(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'account_link',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('expires_at', WHEN, nullable=False),
        sa.Column('used_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('digest'))
    op.create_index('ix_account_link_user_id', 'account_link', ['user_id'])
    op.create_table(
        'membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'evaluation_id'))
    op.create_index('ix_membership_user_id', 'membership', ['user_id'])
    op.create_index('ix_membership_evaluation_id', 'membership', ['evaluation_id'])
    op.create_table(
        'site',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('is_comparison', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'name'))
    op.create_index('ix_site_evaluation_id', 'site', ['evaluation_id'])
    op.create_table(
        'wave',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id', 'code'))
    op.create_index('ix_wave_evaluation_id', 'wave', ['evaluation_id'])
    op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('site_id', 'name'))
    op.create_index('ix_team_site_id', 'team', ['site_id'])
    op.create_table(
        'team_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['team.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'code'))
    op.create_index('ix_team_member_team_id', 'team_member', ['team_id'])
    op.create_table(
        'campaign',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('audience', sa.String(length=32), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.Column('wave_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('roster', JSON, nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('opened_at', WHEN, nullable=True),
        sa.Column('closed_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.ForeignKeyConstraint(['site_id'], ['site.id']),
        sa.ForeignKeyConstraint(['team_id'], ['team.id']),
        sa.ForeignKeyConstraint(['version_id'], ['questionnaire_version.id']),
        sa.ForeignKeyConstraint(['wave_id'], ['wave.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'))
    for column in ('evaluation_id', 'version_id', 'site_id', 'wave_id', 'team_id'):
        op.create_index(f'ix_campaign_{column}', 'campaign', [column])
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', WHEN, nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target', sa.String(length=200), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=True),
        sa.Column('details', JSON, nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id']),
        sa.PrimaryKeyConstraint('id'))
    for column in ('at', 'actor_id', 'action', 'evaluation_id'):
        op.create_index(f'ix_audit_event_{column}', 'audit_event', [column])
    # The response table keeps AUTOINCREMENT on SQLite (ids never reused) through the rebuild.
    with op.batch_alter_table('response', recreate='always' if _sqlite() else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_response_campaign_id', ['campaign_id'])
        batch_op.create_foreign_key('fk_response_campaign_id_campaign', 'campaign',
                                    ['campaign_id'], ['id'])


def downgrade():
    with op.batch_alter_table('response', recreate='always' if _sqlite() else 'auto',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('fk_response_campaign_id_campaign', type_='foreignkey')
        batch_op.drop_index('ix_response_campaign_id')
        batch_op.drop_column('campaign_id')
    for table in ('audit_event', 'campaign', 'team_member', 'team', 'wave', 'site', 'membership',
                  'account_link', 'evaluation', 'user_account'):
        op.drop_table(table)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'
