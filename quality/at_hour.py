"""Run pytest with the machine's clock moved to a given hour of today, Eastern Time (libfaketime).

    python -m quality.at_hour 22:00 [pytest arguments...]
    python -m quality.at_hour 10:00 22:00 [pytest arguments...]   # both at once, each with its own Redis database
                                                                  # and SMTP ports; reports both, fails if either does

The whole process tree sees the moved clock: pytest, and every worker, gunicorn or honcho it starts (libfaketime is
preloaded through the environment, which children inherit). The clock keeps ticking from there, and monotonic
clocks are left alone (FAKETIME_DONT_FAKE_MONOTONIC=1): timed waits in threads would otherwise hang. Chromium does
not start under libfaketime, so `make test-clock` runs the suite without its browser tests.

Debian's libfaketime 0.9.10 makes `time.sleep` fail with EINVAL when monotonic time is left alone (its
clock_nanosleep wrapper mangles the absolute monotonic deadline Python 3.11 passes). Every Python process of the
run therefore starts with a small `sitecustomize` that sleeps on a timed `threading.Event` wait instead, which is
unaffected. Nothing of it reaches the portal: it exists only for runs started here.

A test that passes at one hour and fails at another is building its times from "now" instead of an explicit
instant; `make test-clock` runs the suite at 10:00 and at 22:00 Eastern so that such a test fails here first.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
from datetime import datetime, time
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/Toronto")
LIBRARY_GLOBS = ("/usr/lib/*/faketime/libfaketimeMT.so.1", "/usr/lib/faketime/libfaketimeMT.so.1",
                 "/usr/local/lib/faketime/libfaketimeMT.so.1")


def faketime_library() -> str | None:
    """The multi-threaded libfaketime from Debian's `faketime` package, if installed."""
    for pattern in LIBRARY_GLOBS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


SLEEP_SHIM = '''"""Written by quality/at_hour.py: time.sleep as a timed Event wait (libfaketime breaks clock_nanosleep)."""
import threading
import time


def _sleep(seconds):
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
'''


def offset_to(hour: time, *, now: datetime | None = None) -> int:
    """Seconds from `now` to today's `hour` in Eastern Time (negative when that hour has passed)."""
    now = now or datetime.now(EASTERN)
    target = datetime.combine(now.astimezone(EASTERN).date(), hour, tzinfo=EASTERN)
    return int((target - now).total_seconds())


def _environment(library: str, hour: time, shim: str, index: int, runs: int) -> dict[str, str]:
    """The run's environment: libfaketime at `hour`, the sleep shim, and (when runs > 1) a Redis database and a
    share of the SMTP test ports of its own, so that simultaneous runs do not flush or bind each other's."""
    python_path = os.pathsep.join(filter(None, (shim, os.environ.get("PYTHONPATH"))))
    env = dict(os.environ, LD_PRELOAD=library, FAKETIME=f"{offset_to(hour):+d}s", FAKETIME_DONT_FAKE_MONOTONIC="1",
               FAKETIME_NO_CACHE="1", PYTHONPATH=python_path)
    if runs > 1:
        redis_url = env.get("PORTAL_TEST_REDIS_URL")
        if redis_url:
            base, _, database = redis_url.rpartition("/")
            env["PORTAL_TEST_REDIS_URL"] = f"{base}/{int(database or 0) - index}"
        first, _, last = env.get("PORTAL_TEST_SMTP_PORTS", "5300-5399").partition("-")
        share = (int(last) - int(first) + 1) // runs
        env["PORTAL_TEST_SMTP_PORTS"] = f"{int(first) + index * share}-{int(first) + (index + 1) * share - 1}"
    return env


def _clock_shown(env: dict[str, str]) -> str:
    code = ("from datetime import datetime; from zoneinfo import ZoneInfo; "
            "print(datetime.now(ZoneInfo('America/Toronto')).strftime('%Y-%m-%d %H:%M %Z'))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv: list[str]) -> int:
    """Parse the HH:MM hours, then run pytest under libfaketime at each (at once) with the remaining arguments;
    returns 0 when every run passed."""
    hours = [time.fromisoformat(arg) for arg in argv if len(arg) == 5 and arg[2] == ":" and arg.replace(":", "").isdigit()]
    pytest_args = argv[len(hours):]
    if not hours:
        print(__doc__, file=sys.stderr)
        return 2
    library = faketime_library()
    if library is None:
        print("libfaketime is not installed: apt-get install faketime", file=sys.stderr)
        return 2
    shim = tempfile.mkdtemp(prefix="at-hour-")
    with open(os.path.join(shim, "sitecustomize.py"), "w", encoding="utf-8") as handle:
        handle.write(SLEEP_SHIM)
    runs = []
    for index, hour in enumerate(hours):
        env = _environment(library, hour, shim, index, len(hours))
        log = open(os.path.join(shim, f"run-{index}.log"), "w+", encoding="utf-8")  # noqa: SIM115 - read below
        header = f"== pytest with the clock at {_clock_shown(env)} (offset {env['FAKETIME']}, {library})"
        print(header, flush=True)
        process = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        runs.append((header, process, log))
    failed = 0
    for header, process, log in runs:
        code = process.wait()
        log.seek(0)
        print(f"\n{header}: exit {code}\n{log.read()}", flush=True)
        log.close()
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
