"""staff: the record of staff actions (staff_action)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import portal.extensions

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('summary', sa.Text(), server_default='', nullable=False),
        sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['support_session.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('staff_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_action_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_action_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_action_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_action_created_at'))
        batch_op.drop_index(batch_op.f('ix_staff_action_session_id'))
        batch_op.drop_index(batch_op.f('ix_staff_action_actor_id'))
    op.drop_table('staff_action')
