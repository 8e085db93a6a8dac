"""gratitude: stories, appreciations, reports (gratitude_flag) and the moderation record (moderation_action)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:18:00
"""
import sqlalchemy as sa
from alembic import op

import portal.extensions


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gratitude_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('display', sa.String(length=16), nullable=False),
    sa.Column('lang', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('open_reports', sa.Integer(), nullable=False),
    sa.Column('appreciation_count', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reported_at', portal.extensions.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', portal.extensions.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('gratitude_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gratitude_post_approved_at'), ['approved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gratitude_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_gratitude_post_status_created', ['status', 'created_at'], unique=False)

    op.create_table('gratitude_appreciation',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['gratitude_post.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'user_id')
    )
    with op.batch_alter_table('gratitude_appreciation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gratitude_appreciation_user_id'), ['user_id'], unique=False)

    op.create_table('gratitude_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['gratitude_post.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('post_id', 'reporter_id', name='uq_gratitude_flag_post_reporter')
    )
    with op.batch_alter_table('gratitude_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gratitude_flag_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gratitude_flag_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('moderation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', portal.extensions.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['gratitude_post.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_action_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_post_id'), ['post_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_action_post_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_created_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_actor_id'))

    op.drop_table('moderation_action')
    with op.batch_alter_table('gratitude_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gratitude_flag_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_gratitude_flag_post_id'))

    op.drop_table('gratitude_flag')
    with op.batch_alter_table('gratitude_appreciation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gratitude_appreciation_user_id'))

    op.drop_table('gratitude_appreciation')
    with op.batch_alter_table('gratitude_post', schema=None) as batch_op:
        batch_op.drop_index('ix_gratitude_post_status_created')
        batch_op.drop_index(batch_op.f('ix_gratitude_post_author_id'))
        batch_op.drop_index(batch_op.f('ix_gratitude_post_approved_at'))

    op.drop_table('gratitude_post')

