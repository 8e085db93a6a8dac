"""accounts: auth stamp (ends other sessions); outbox: delivery lease and retry time

Revision ID: 0002_accounts
Revises: 0001
Create Date: 2026-11-21 23:36:54.051964
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import portal.extensions


revision = '0002_accounts'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', portal.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retry_at', portal.extensions.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_stamp', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))
    # Existing accounts get a random stamp of their own (an empty one would never sign in).
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE user_account SET auth_stamp = substr(md5(random()::text || id::text), 1, 16)")
    else:
        op.execute("UPDATE user_account SET auth_stamp = lower(hex(randomblob(8)))")


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('auth_stamp')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('retry_at')
        batch_op.drop_column('claimed_until')
