"""Fixtures shared by every app's tests: the organisation tree, users in roles, signed-in clients, a browser."""

import os
import shutil

import pytest
from django.utils import translation

from accounts.roles import Role
from accounts.services import ensure_default_roles, role_assign
from accounts.tests.factories import (
    TEST_PASSWORD,
    DepartmentFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)
from accounts.tests.helpers import force_login_verified


@pytest.fixture
def org(db):
    """One organisation with two departments of two sites each: org.organisation, .departments, .sites."""
    ensure_default_roles()
    organisation = OrganisationFactory(code="TESTORG")
    therapy = DepartmentFactory(organisation=organisation, code="THER")
    paediatrics = DepartmentFactory(organisation=organisation, code="PED")
    sites = [
        SiteFactory(department=therapy, code="01"),
        SiteFactory(department=therapy, code="02"),
        SiteFactory(department=paediatrics, code="11"),
        SiteFactory(department=paediatrics, code="12"),
    ]

    class Tree:
        pass

    tree = Tree()
    tree.organisation, tree.departments, tree.sites = organisation, [therapy, paediatrics], sites
    return tree


@pytest.fixture
def make_user(org):
    """make_user(role, department=None, site=None, **fields) -> a user holding that role in that unit."""

    def make(role: str, *, department=None, site=None, **fields):
        fields.setdefault("organisation", None if role == Role.PATIENT else org.organisation)
        user = UserFactory(**fields)
        role_assign(user=user, role=role, organisation=org.organisation, department=department, site=site)
        return user

    return make


@pytest.fixture
def client_as(client, make_user, org):
    """client_as(role, **make_user kwargs) -> a Django test client signed in as a new user in that role,
    with the second factor given (staff must use one; see accounts.middleware)."""

    def sign_in(role: str, **kwargs):
        if role == Role.DOCTOR or role == Role.NURSE:
            kwargs.setdefault("department", org.departments[0])
        user = make_user(role, **kwargs)
        force_login_verified(client, user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def english(client):
    """English messages for a test that matches on their text (the clinic's default is Russian): the
    language active in code, and the Accept-Language of the test client."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


# --- Browser -------------------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (never a downloaded browser build)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
    # plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# --- A real Celery worker ------------------------------------------------------------------------
@pytest.fixture
def celery_worker(transactional_db, settings):
    """A `celery worker` process on this run's queue and test database; tasks leave eager mode meanwhile.

    Use with transactional tests only: the worker sees committed rows, like in production.
    """
    import subprocess
    import sys
    import time
    from urllib.parse import urlsplit

    from django.db import connection

    from mis.celery import app

    test_database_url = urlsplit(settings.DATABASE_URL)._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    env = dict(os.environ, DJANGO_ENV="test", DATABASE_URL=test_database_url)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mis",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-{queue}@%h",
        ],
        env=env,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5, destination=[f"test-{queue}@{os.uname().nodename}"]):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- The national-systems simulator --------------------------------------------------------------
class NationalSimulator:
    """The simulator serving on a free port, with helpers to read what it received and inject faults."""

    def __init__(self, server):
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"

    def requests(self, prefix: str = "") -> list[dict]:
        import requests

        return requests.get(f"{self.url}/_sim/requests", params={"prefix": prefix}, timeout=5).json()

    def control(self, what: str, **body) -> None:
        import requests

        requests.post(f"{self.url}/_sim/{what}", json=body, timeout=5).raise_for_status()

    def fail(self, prefix: str, times: int = 1, status: int = 503, delay: float = 0) -> None:
        self.control("faults", prefix=prefix, times=times, status=status, delay=delay)


@pytest.fixture
def national_sim(settings, monkeypatch):
    """A real HTTP simulator of the national systems; the adapters (and a `celery_worker`) point at it."""
    from integrations.simulator.server import start_in_thread

    server = start_in_thread()
    simulator = NationalSimulator(server)
    settings.NATIONAL_SYSTEMS_URL = simulator.url
    monkeypatch.setenv("NATIONAL_SYSTEMS_URL", simulator.url)
    yield simulator
    server.shutdown()
    server.server_close()
