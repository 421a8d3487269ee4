"""`make run`'s stack from scratch: embedded PostgreSQL and Redis, migrations, demo data, web, worker, beat.

Started the way `make run` starts it (python -m mis.stack run) with no DATABASE_URL / REDIS_URL, in a
fresh data folder; a real browser then signs in as the demo doctor; Ctrl-C stops every process.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from accounts.demo import demo_password

BASE_DIR = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, seconds: float = 240) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the stack exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - our own loopback server
                return json.load(response)
        except OSError:
            time.sleep(1)
    pytest.fail("the stack did not become ready")


def printed_totp_key(output: list[str], username: str) -> str:
    """The TOTP key seed_demo printed for a demo user, as a person would copy it into their app."""
    for line in output:
        parts = line.split()
        if parts[:3] == [username, "TOTP", "key"]:
            return parts[3]
    pytest.fail(f"seed_demo printed no TOTP key for {username}")


def totp_now(base32_key: str) -> str:
    import base64

    from django_otp.oath import totp

    return f"{totp(base64.b32decode(base32_key + '=' * (-len(base32_key) % 8))):06d}"


@pytest.fixture
def running_stack(tmp_path):
    port, redis_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        MIS_VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        EMBEDDED_REDIS_PORT=str(redis_port),
        CELERY_QUEUE=f"mis-run-{port}",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "mis.stack", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        yield base_url, process, wait_ready(f"{base_url}/readyz", process), output
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.req("DSM80-24.3")
def test_make_run_brings_up_the_site_and_the_demo_doctor_signs_in(running_stack, browser):
    base_url, process, readiness, output = running_stack
    assert readiness == {"status": "ok", "checks": {"database": True, "redis": True, "celery": True}}

    context = browser.new_context(base_url=base_url, locale="ru-RU")
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Имя пользователя или e-mail").fill("doctor")
    page.get_by_label("Пароль").fill(demo_password("doctor"))
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/staff/mfa/verify/**")
    page.locator("#id_code").fill(totp_now(printed_totp_key(output, "doctor")))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(f"{base_url}/")
    assert "Врач" in page.get_by_test_id("role-list").inner_text()
    page.get_by_role("button", name="KK").click()
    page.wait_for_load_state()
    assert "Дәрігер" in page.get_by_test_id("role-list").inner_text()
    context.close()

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    printed = "".join(output)
    assert "MIS is running at" in printed and "Doctor-Demo-2026" in printed
