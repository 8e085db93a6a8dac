"""sessions: topics as a JSON array (JSONB on PostgreSQL), and the confirmed count kept on the session row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TOPICS_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
sessions = sa.table("support_session", sa.column("id", sa.Integer), sa.column("topics", sa.String),
                    sa.column("topic_list", TOPICS_TYPE), sa.column("places_taken", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_list', TOPICS_TYPE, nullable=True))
        batch_op.add_column(sa.Column('places_taken', sa.Integer(), server_default='0', nullable=False))
    conn = op.get_bind()
    for session_id, packed in conn.execute(sa.select(sessions.c.id, sessions.c.topics)).all():
        topics = [slug for slug in (packed or "").split(",") if slug]
        conn.execute(sessions.update().where(sessions.c.id == session_id).values(topic_list=topics))
    conn.execute(sa.text(
        "UPDATE support_session SET places_taken = (SELECT count(*) FROM registration "
        "WHERE registration.session_id = support_session.id AND registration.status = 'confirmed')"))
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.drop_column('topics')
        batch_op.alter_column('topic_list', new_column_name='topics', existing_type=TOPICS_TYPE, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('packed_topics', sa.String(length=500), server_default='', nullable=False))
    conn = op.get_bind()
    packed_table = sa.table("support_session", sa.column("id", sa.Integer), sa.column("topics", TOPICS_TYPE),
                            sa.column("packed_topics", sa.String))
    for session_id, topics in conn.execute(sa.select(packed_table.c.id, packed_table.c.topics)).all():
        if isinstance(topics, str):
            topics = json.loads(topics)
        packed = "," + ",".join(topics) + "," if topics else ""
        conn.execute(packed_table.update().where(packed_table.c.id == session_id).values(packed_topics=packed))
    with op.batch_alter_table('support_session', schema=None) as batch_op:
        batch_op.drop_column('places_taken')
        batch_op.drop_column('topics')
        batch_op.alter_column('packed_topics', new_column_name='topics', existing_type=sa.String(length=500),
                              server_default=None)
