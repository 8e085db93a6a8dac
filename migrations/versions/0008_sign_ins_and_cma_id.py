"""accounts: server-side sign-ins (signing out ends the cookies); CMA ID unique among verified accounts only

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:40:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import portal.extensions

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

VERIFIED = sa.text("email_verified_at IS NOT NULL")


def upgrade() -> None:
    # Sessions signed in before this revision named the account, not a sign-in: they end here (sign in again).
    op.create_table('sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_sign_in_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_cma_id'))
        batch_op.create_index(batch_op.f('ix_user_account_cma_id'), ['cma_id'], unique=False)
        batch_op.create_index('uq_user_account_verified_cma_id', ['cma_id'], unique=True,
                              sqlite_where=VERIFIED, postgresql_where=VERIFIED)


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('uq_user_account_verified_cma_id')
        batch_op.drop_index(batch_op.f('ix_user_account_cma_id'))
        batch_op.create_index(batch_op.f('ix_user_account_cma_id'), ['cma_id'], unique=True)
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_user_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_key'))
    op.drop_table('sign_in')
