import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "CACHE_URL",
        "REDIS_CACHE_URL",
        "EMAIL_HOST",
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
    }
}
# With DEBUG off (the default) the settings need a key; the refusal has tests of its own below.
KEY = {"SECRET_KEY": "a-test-key-long-enough-for-the-settings-0123456789"}


def _settings(env: dict, expr: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings as s; print(repr(({expr})))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**CLEAN_ENV, **KEY, "DJANGO_SETTINGS_MODULE": "elyurt.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_secret_key_and_debug_off_the_portal_refuses_to_start_saying_why():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "elyurt.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set and DEBUG is off: "
        "set SECRET_KEY to a long random value (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'), or DEBUG=1 for a development run with the embedded "
        "key (README, Configuration)."
    )


def test_an_empty_secret_key_is_refused_too():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _settings({"SECRET_KEY": ""}, "s.SECRET_KEY")
    assert "ImproperlyConfigured: SECRET_KEY is not set and DEBUG is off" in refused.value.stderr


def test_debug_without_secret_key_runs_on_the_development_key():
    out = _settings({"SECRET_KEY": "", "DEBUG": "1"}, "s.SECRET_KEY")
    assert out == "'insecure-dev-key-change-me-in-production-elyurt'"


def test_embedded_defaults_sqlite_eager_tasks_console_mail():
    out = _settings(
        {},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, "
        "s.TIME_ZONE, s.CACHES['default']['BACKEND'], s.LANGUAGE_CODE",
    )
    assert out == (
        "('django.db.backends.sqlite3', True, 'django.core.mail.backends.console.EmailBackend', "
        "'Asia/Tashkent', 'django.core.cache.backends.locmem.LocMemCache', 'uz-cyrl')"
    )


def test_each_variable_switches_its_part():
    out = _settings(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5433/elyurt",
            "REDIS_URL": "redis://cache.example:6379/2",
            "EMAIL_HOST": "smtp.example",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "true",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.DATABASES['default']['PORT'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
        "s.CACHES['default']['LOCATION'], s.EMAIL_BACKEND, s.EMAIL_PORT, s.EMAIL_USE_TLS",
    )
    assert out == (
        "('django.db.backends.postgresql', 'db.example', 5433, False, "
        "'redis://cache.example:6379/2', 'redis://cache.example:6379/3', "
        "'django.core.mail.backends.smtp.EmailBackend', 587, True)"
    )


@pytest.mark.parametrize(
    ("env", "broker", "cache"),
    [
        (
            {"REDIS_URL": "redis://r.example:6379"},
            "redis://r.example:6379",
            "redis://r.example:6379/1",
        ),
        (
            {"REDIS_URL": "redis://:pw@r.example:6379/0"},
            "redis://:pw@r.example:6379/0",
            "redis://:pw@r.example:6379/1",
        ),
        (
            {"REDIS_URL": "rediss://r.example:6380/15"},
            "rediss://r.example:6380/15",
            "rediss://r.example:6380/14",
        ),
        (
            {"REDIS_URL": "redis://r.example:6379/0", "CACHE_URL": "redis://c.example:6379/4"},
            "redis://r.example:6379/0",
            "redis://c.example:6379/4",
        ),
        (
            {
                "REDIS_URL": "redis://r.example:6379/0",
                "REDIS_CACHE_URL": "redis://r.example:6379/7",
            },
            "redis://r.example:6379/0",
            "redis://r.example:6379/7",
        ),
        ({"CACHE_URL": "redis://c.example:6379/4"}, "memory://", "redis://c.example:6379/4"),
    ],
)
def test_the_cache_has_a_redis_database_of_its_own(env, broker, cache):
    out = _settings(
        env,
        "s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
    )
    assert out == repr((broker, "django.core.cache.backends.redis.RedisCache", cache))


def test_a_redis_url_without_a_database_number_asks_for_cache_url():
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **CLEAN_ENV,
            **KEY,
            "DJANGO_SETTINGS_MODULE": "elyurt.settings",
            "REDIS_URL": "unix:///run/redis.sock",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "set CACHE_URL" in result.stderr


def test_no_cache_entry_is_stored_without_a_ttl():
    """Redis with `maxmemory-policy volatile-lru` evicts only keys with a TTL: a cache entry
    without one would sit among the broker's keys for good."""
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "elyurt/api_cache.py" in tracked
    offenders = []
    for name in tracked:
        if name == "elyurt/tests/test_settings.py":
            continue
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            if "timeout=None" in line:
                offenders.append(f"{name}:{number}")
    assert offenders == []


def test_database_without_redis_still_runs_tasks_in_process():
    out = _settings({"DATABASE_URL": "postgres://u@localhost/x"}, "s.CELERY_TASK_ALWAYS_EAGER")
    assert out == "True"


def test_sqlite_url_form():
    out = _settings(
        {"DATABASE_URL": "sqlite:////tmp/elyurt-x.sqlite3"}, "s.DATABASES['default']['NAME']"
    )
    assert out == "'/tmp/elyurt-x.sqlite3'"


@pytest.mark.parametrize("debug", ["false"])
def test_check_deploy_is_clean_with_production_settings(debug):
    env = {
        **CLEAN_ENV,
        "DJANGO_SETTINGS_MODULE": "elyurt.settings",
        "DEBUG": debug,
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
        "ALLOWED_HOSTS": "portal.example.uz",
        "DATABASE_URL": "sqlite:////tmp/elyurt-deploy-check.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "smtp.example.uz",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_proxy_ssl_header_is_set_only_with_trusted_proxies():
    header = "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.TRUSTED_PROXIES"
    assert _settings({}, header) == "(None, [])"
    assert _settings({"TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/24"}, header) == (
        "(('HTTP_X_FORWARDED_PROTO', 'https'), ['127.0.0.1', '10.0.0.0/24'])"
    )
