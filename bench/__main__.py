"""`make bench`: run every scenario (or those named) on a dedicated database, one line per scenario.

    python -m bench [--quick] [scenario ...]

The database is DATABASE_URL's with the suffix _bench, created and migrated when missing, so that loading
a million rows never touches development data.
"""

import argparse
import importlib
import os
import pkgutil
import sys
from urllib.parse import urlsplit


def prepare_database() -> None:
    import psycopg

    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mis"))
    name = url.path.lstrip("/") + "_bench"
    bench_url = url._replace(path=f"/{name}").geturl()
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true", help="fewer samples (smoke run)")
    parser.add_argument("scenarios", nargs="*")
    args = parser.parse_args(argv)

    prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mis.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The server as it runs in production: no test instrumentation of templates (it copies every
    # context), and tasks handed to the broker — a queue of this run's own, purged at the end — rather
    # than run inside the request. Only the test client's host name is added.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from mis.celery import app as celery

    celery.conf.task_always_eager = False
    call_command("migrate", "--no-input", "-v", "0")

    import bench.scenarios as package
    from bench.harness import Bench

    names = args.scenarios or [module.name for module in pkgutil.iter_modules(package.__path__)]
    runner = Bench(quick=args.quick)
    print(f"# {len(names)} scenario(s) on {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}{' (quick)' if args.quick else ''}")
    try:
        for name in names:
            importlib.import_module(f"bench.scenarios.{name}").run(runner)
    finally:
        with celery.connection_for_write() as connection:
            connection.default_channel.queue_purge(celery.conf.task_default_queue)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
