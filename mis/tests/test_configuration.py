"""Configuration mistakes end in one clear line, not a traceback; production refuses unsafe settings."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_the_development_secret_key():
    result = run_python("manage.py", "check", DJANGO_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="mis.example.kz")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.req("DSM80-22.5")
def test_production_refuses_to_start_without_the_audit_chain_key():
    result = run_python(
        "manage.py", "check", DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="mis.example.kz"
    )
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_python(
        "manage.py",
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="",
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.req("DSM80-27.5")
def test_deploy_check_with_production_settings_reports_no_warning():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="mis.example.kz",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_database_url_that_is_not_postgresql_is_refused():
    result = run_python("manage.py", "check", DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_an_unreachable_database_gives_one_clear_line():
    result = run_python(
        "-m",
        "mis.stack",
        "exec",
        "--",
        "true",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/mis",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mis: cannot connect to PostgreSQL at DATABASE_URL"), lines


def test_an_unreachable_redis_gives_one_clear_line(settings):
    result = run_python(
        "-m", "mis.stack", "exec", "--", "true", DATABASE_URL=settings.DATABASE_URL, REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mis: cannot reach Redis at REDIS_URL"), lines


def test_a_port_in_use_gives_one_clear_line():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_python("-m", "mis.stack", "run", PORT=str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == f"mis: port {port} on 127.0.0.1 is already in use: stop what holds it or set PORT=…"
