"""What the browser tests start: headless Chromium through Playwright, a Celery worker process
on TEST_REDIS_URL, and a real SMTP server on localhost. Nothing here is mocked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from elyurt.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def wait_for(condition, *, timeout: float = 30.0, what: str = "condition"):
    """Poll `condition` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def _forget_broker_connections() -> None:
    # The app caches broker connections; a changed broker_url needs fresh ones.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A `celery -A elyurt worker` process on this test database, sending to `smtp_port`."""

    def __init__(self, *, smtp_port: int, site_url: str) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": REDIS_URL,
            "CACHE_URL": REDIS_URL,  # the test owns this one database
            "CACHE_KEY_PREFIX": f"dashtest-{os.getpid()}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SITE_URL": site_url,
            "CONN_MAX_AGE": "0",
        }
        self.process: subprocess.Popen | None = None
        self._previous: dict = {}

    def start(self) -> Worker:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "elyurt",
                "worker",
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
        )
        self._previous = {
            "task_always_eager": celery_app.conf.task_always_eager,
            "broker_url": celery_app.conf.broker_url,
        }
        celery_app.conf.update(task_always_eager=False, broker_url=REDIS_URL)
        _forget_broker_connections()
        return self

    def stop(self) -> None:
        celery_app.conf.update(**self._previous)
        _forget_broker_connections()
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class LiveServer:
    """Django on a free port in a thread, serving static files from the finders.

    Started inside the test, after its settings overrides: pytest-django's session-wide
    live_server builds its middleware once, before a test can turn off the HTTPS redirect.
    """

    def __init__(self) -> None:
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test.testcases import LiveServerThread

        self.thread = LiveServerThread("localhost", StaticFilesHandler, port=0)
        self.thread.daemon = True

    def start(self) -> LiveServer:
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        return self

    @property
    def url(self) -> str:
        return f"http://localhost:{self.thread.port}"

    def stop(self) -> None:
        self.thread.terminate()
