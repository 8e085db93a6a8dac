"""A signed-in member's listing in process: CPU time per request, catalog and context lookups, SELECTs.

A member is never served from the page cache (their header and registration panels are theirs), so every request
renders: 20 session cards of 1,000 upcoming sessions (SQLite), through Flask's test client.

    .venv/bin/python -m bench.member_listing                 # this checkout
    .venv/bin/python -m bench.member_listing ../other-tree   # A/B: this checkout against another one, interleaved

With another tree, one warm process per tree answers batches of 25 requests in alternating order, so both see the
same moments of a machine whose speed varies; it prints the medians and, per round, the ratio to the other tree.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

URLS = ("/en/sessions", "/fr/sessions", "/en/sessions?format=peer_support&q=session")
BATCH = 25
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def _config(database: Path):
    from portal.config import TestConfig

    config = TestConfig(database.parent)
    config.DATABASE_URL = f"sqlite:///{database}"
    return config


def _prepare(database: Path) -> str:
    """The database every tree reads (a copy each): 1,000 upcoming sessions and a member; returns the id of the
    member's sign-in, which the session cookie carries."""
    from sqlmodel import SQLModel

    from bench.http_load import upcoming_sessions
    from portal import create_app
    from portal.accounts import signins
    from portal.accounts.models import User
    from portal.extensions import db

    app = create_app(_config(database))
    with app.app_context():
        SQLModel.metadata.create_all(db.engine)
        db.session.add_all(upcoming_sessions(1000))
        user = User(email="member@example.org", password_hash="-", first_name="Bench", last_name="Member",
                    cma_id="123456", category="resident", province="ON", locale="en",
                    email_verified_at=datetime.now(timezone.utc))
        db.session.add(user)
        db.session.flush()
        identity = signins.start(db.session, user)
        db.session.commit()
        db.dispose()
    return identity


def _counts(client, engine, url: str) -> dict:
    """Flask-Babel context lookups, Flask-Babel catalog lookups and SELECTs during one request."""
    import flask_babel
    from sqlalchemy import event

    counts = {"context_lookups": 0, "catalog_lookups": 0, "selects": 0}
    real_context, real_catalog = flask_babel._get_current_context, flask_babel.Domain.get_translations

    def context():
        counts["context_lookups"] += 1
        return real_context()

    def catalog(domain):
        counts["catalog_lookups"] += 1
        return real_catalog(domain)

    def statement(_conn, _cursor, sql, *_args):
        counts["selects"] += sql.lstrip().upper().startswith("SELECT")

    flask_babel._get_current_context, flask_babel.Domain.get_translations = context, catalog
    event.listen(engine, "before_cursor_execute", statement)
    try:
        body = client.get(url).get_data(as_text=True)
    finally:
        flask_babel._get_current_context, flask_babel.Domain.get_translations = real_context, real_catalog
        event.remove(engine, "before_cursor_execute", statement)
    assert "/account/logout" in body, "the bench must render a signed-in member's page"
    return counts


def serve(database: Path, identity: str) -> None:
    """Worker mode, on its copy of the database: answer "count URL" and "time URL" lines on stdin with one JSON
    line each."""
    from portal import create_app
    from portal.extensions import db

    app = create_app(_config(database))
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = identity, True
    for url in URLS:
        for _ in range(20):  # warm templates, caches and the pool
            assert client.get(url).status_code == 200
    print("ready", flush=True)
    for line in sys.stdin:
        command, url = line.split()
        if command == "count":
            print(json.dumps(_counts(client, engine, url)), flush=True)
            continue
        samples = []
        for _ in range(BATCH):
            start = time.process_time()
            client.get(url)
            samples.append(time.process_time() - start)
        print(json.dumps(statistics.median(samples) * 1000), flush=True)


def main(trees: list[str] | None = None) -> None:
    """Print counts and CPU medians per URL, for this checkout and any other trees given."""
    here = str(Path(__file__).resolve().parent.parent)
    trees = [here, *(str(Path(tree).resolve()) for tree in (trees or []))]
    workdir = Path(tempfile.mkdtemp())
    identity = _prepare(workdir / "bench.db")
    workers = []
    for number, tree in enumerate(trees):
        copy = workdir / f"tree{number}" / "bench.db"
        copy.parent.mkdir()
        shutil.copyfile(workdir / "bench.db", copy)
        # The script itself runs, with only the tree's own code importable (this checkout's bench is not).
        workers.append(subprocess.Popen([sys.executable, __file__, "--serve", str(copy), identity], cwd=tree,
                                        text=True, env={**os.environ, "PYTHONPATH": tree}, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE))

    def ask(worker, line: str):
        worker.stdin.write(line + "\n")
        worker.stdin.flush()
        return json.loads(worker.stdout.readline())

    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready"
        for url in URLS:
            for tree, worker in zip(trees, workers):
                print(f"{url}  {tree}: {ask(worker, f'count {url}')}")
            times: list[list[float]] = [[] for _ in workers]
            for round_number in range(ROUNDS):
                order = list(range(len(workers)))
                for index in (order if round_number % 2 == 0 else order[::-1]):
                    times[index].append(ask(workers[index], f"time {url}"))
            for tree, samples in zip(trees, times):
                ratios = [mine / first for mine, first in zip(samples, times[0])]
                print(f"{url}  {tree}: median {statistics.median(samples):.2f} ms CPU per request (min "
                      f"{min(samples):.2f}, max {max(samples):.2f}; {ROUNDS} batches of {BATCH}); ÷ {trees[0]} "
                      f"per round: median {statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f})")
    finally:
        for worker in workers:
            worker.stdin.close()
            worker.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]), sys.argv[3])
    else:
        main(sys.argv[1:])
