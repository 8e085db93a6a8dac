"""Real processes for the delivery tests: a `dramatiq worker.actors` process against the real Redis."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.config import ROOT

BIN = Path(sys.executable).parent


class WorkerProcess:
    """`dramatiq worker.actors` in its own process group, configured only through the environment."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        """Start the worker (one process, two threads)."""
        with self.log.open("ab") as handle:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(BIN / "dramatiq"), "worker.actors", "--processes", "1", "--threads", "2"], cwd=ROOT,
                env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (the dramatiq parent and its worker process) and wait."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def output(self) -> str:
        """What the worker logged (for failure messages)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def worker_env(tmp_path, redis_url, smtp_server, app_config):
    """The environment of the worker and clock processes: same database, Redis, SMTP and secret as the app."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_TEST", "PYTEST"))}
    env.update(REDIS_URL=redis_url, DATABASE_URL=app_config.DATABASE_URL, SMTP_URL=smtp_server.url,
               SECRET_KEY=app_config.SECRET_KEY, PORTAL_INSTANCE_DIR=str(tmp_path / "instance"),
               PORTAL_BASE_URL=app_config.PORTAL_BASE_URL, PORTAL_DELIVERY_MIN_BACKOFF_MS="300",
               PYTHONUNBUFFERED="1", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return env


@pytest.fixture
def real_app_config(app_config, redis_url):
    """The test app sends to the real Redis (the worker process consumes it)."""
    app_config.REDIS_URL = redis_url
    return app_config


@pytest.fixture
def worker_process(worker_env, tmp_path):
    """A factory of worker processes; all are killed at the end of the test."""
    started: list[WorkerProcess] = []

    def _start(**extra_env) -> WorkerProcess:
        worker = WorkerProcess({**worker_env, **extra_env}, tmp_path / f"worker{len(started)}.log").start()
        started.append(worker)
        return worker

    yield _start
    for worker in started:
        worker.kill(signal.SIGTERM)


def run_clock_once(env: dict[str, str]) -> str:
    """`flask --app portal clock --once` as its own process; returns its output."""
    result = subprocess.run([str(BIN / "flask"), "--app", "portal", "clock", "--once"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll until predicate() is truthy; returns its value (fails the test on time-out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
