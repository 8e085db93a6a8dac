"""Finding a topic in a session's JSON array of topics, in SQL, on either database.

`has_topic(SupportSession.topics, "grief")` is a boolean SQL expression: on PostgreSQL the JSONB containment
operator (`topics @> '["grief"]'`, which a GIN index could serve), on SQLite a look through `json_each`. The topic
may also be a named bind parameter (`bindparam("topic")`), for a statement built once and given its value later.
"""
from __future__ import annotations

from sqlalchemy import Boolean, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import BindParameter, ColumnElement, FunctionElement


class has_topic(FunctionElement):  # noqa: N801 - used like a SQL function
    """True when the JSON array in the column holds the topic slug."""

    type = Boolean()
    inherit_cache = True
    name = "has_topic"

    def __init__(self, column: ColumnElement, topic: str | BindParameter) -> None:
        super().__init__(column, topic if isinstance(topic, BindParameter) else bindparam(None, topic, unique=True))


@compiles(has_topic, "postgresql")
def _has_topic_postgresql(element: has_topic, compiler, **kw) -> str:
    column, topic = element.clauses
    return (f"({compiler.process(column, **kw)} @> "
            f"jsonb_build_array(CAST({compiler.process(topic, **kw)} AS TEXT)))")


@compiles(has_topic)
def _has_topic_sqlite(element: has_topic, compiler, **kw) -> str:
    column, topic = element.clauses
    return (f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "
            f"WHERE json_each.value = {compiler.process(topic, **kw)})")

