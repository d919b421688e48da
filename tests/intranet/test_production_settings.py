"""Production settings come from the environment and pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="intranet.settings.production", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="belajar.example",
        DATABASE_URL="sqlite:////tmp/pusat-belajar-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_is_named():
    result = manage("check", ALLOWED_HOSTS="belajar.example")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_the_environment_configures_the_shared_parts():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.TASKS['default']['BACKEND'], s.EMAIL_HOST, s.ELASTICSEARCH_URL, s.WAGTAIL_ENABLE_UPDATE_CHECK)",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="belajar.example",
        DATABASE_URL="postgres://pusat@db.example:5432/pusat",
        REDIS_URL="redis://cache.example:6379/0",
        EMAIL_HOST="smtp.example",
        ELASTICSEARCH_URL="http://es.example:9200",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "django_tasks_db.DatabaseBackend",
        "smtp.example",
        "http://es.example:9200",
        "False",
    ]
