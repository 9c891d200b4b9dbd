"""Real parts for the integration tests and bench/invitations.py: a `celery -A elyurt worker`
subprocess (with its embedded beat for the sweeper) on a Redis database, pointed at the same
PostgreSQL database as the calling process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    """The URL of the database this process uses right now (the test database in pytest)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_on_broker(broker_url: str):
    """Make this process queue tasks on a real broker instead of running them in process."""
    from elyurt.celery import app

    def reset_pools():
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        reset_pools()


class Worker:
    """`celery -A elyurt worker -B` in its own process group, so a kill takes all of it."""

    def __init__(self, *, broker_url: str, smtp_port: int, concurrency: int = 2, **settings_env):
        self.concurrency = concurrency
        self.dir = Path(tempfile.mkdtemp(prefix="elyurt-worker-"))
        self.log_path = self.dir / "worker.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elyurt.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            # The test owns this one database; the next one may be another run's.
            "CACHE_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **{key: str(value) for key, value in settings_env.items()},
        }
        self.env.pop("TEST_DATABASE_NAME", None)
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> Worker:
        self.starts += 1
        schedule = self.dir / f"beat-{self.starts}"  # fresh: a killed beat may leave it torn
        log = open(self.log_path, "ab")  # noqa: SIM115 — handed to the child
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "elyurt",
                "worker",
                "-B",
                "-s",
                str(schedule),
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
                "-n",
                f"inv{self.starts}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL to the main process, its pool children and the beat: no cleanup at all."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until(predicate, *, timeout: float, what: str, worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
            raise AssertionError(f"worker exited while waiting for {what}:\n{worker.log()[-3000:]}")
        if time.monotonic() > deadline:
            tail = worker.log()[-3000:] if worker else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")
        time.sleep(0.05)
