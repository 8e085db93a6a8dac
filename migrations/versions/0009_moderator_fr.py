"""support_session.moderator_fr: the French form of the moderator's name and title ("Dre Daniela Isfan")

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing sessions get an empty French form: French pages show `moderator` until staff fill it in.
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderator_fr', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.drop_column('moderator_fr')
