"""Listing page cost with 10 and 500 upcoming sessions: median time, ratio to a bare Flask route, SQL count.

Run: .venv/bin/python -m bench.listing  (uses a throwaway SQLite database; nothing else needed)
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlmodel import SQLModel

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db, utcnow
from portal.sessions.models import SupportSession

ROUNDS = 200


def _median_ms(client, url: str, headers: dict | None = None) -> float:
    for _ in range(20):  # warm up templates, caches, the connection pool
        client.get(url, headers=headers)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(samples) * 1000


def _add_sessions(count: int, offset: int) -> None:
    now = utcnow()
    for n in range(count):
        starts = now + timedelta(days=1, hours=(offset + n) * 3)
        db.session.add(SupportSession(
            title_en=f"Session {offset + n}", title_fr=f"Séance {offset + n}", description_en="About it.",
            description_fr="À ce sujet.", format="peer_support", topics=["stress"], language="en",
            moderator="Dr. Bench", starts_at=starts, ends_at=starts + timedelta(hours=1)))
    db.session.commit()


def main() -> None:
    """Print one line per scenario."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(Path(tmp)))

        @app.get("/bare")
        def bare():
            return "ok"

        client = app.test_client()
        statements: list[str] = []
        with app.app_context():
            SQLModel.metadata.create_all(db.engine)
            event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
            print(f"{'scenario':38} {'median ms':>10} {'x bare':>8} {'queries':>8}")
            bare_ms = _median_ms(client, "/bare")
            print(f"{'bare Flask route':38} {bare_ms:10.3f} {1:8.1f} {0:8d}")
            total = 0
            for size in (10, 500):
                _add_sessions(size - total, total)
                total = size
                for label, url, headers in (
                        ("listing page", "/en/sessions", None),
                        ("listing fragment (htmx)", "/en/sessions?format=peer_support", {"HX-Request": "true"}),
                        ("listing search q=session", "/fr/sessions?q=session", None)):
                    ms = _median_ms(client, url, headers)
                    statements.clear()
                    client.get(url, headers=headers)
                    print(f"{label + f' ({size} sessions)':38} {ms:10.3f} {ms / bare_ms:8.1f} {len(statements):8d}")


if __name__ == "__main__":
    main()
