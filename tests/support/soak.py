"""A whole server stack for tests: a seeded database, gunicorn on a free port, a session
that signs in, Python run in the project's environment."""

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def soak_database(folder: Path):
    """A database URL for the server: SQLite in `folder`, or a new PostgreSQL database when the
    suite runs on PostgreSQL."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{folder / 'soak.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    params = {
        "host": default.get("HOST") or "127.0.0.1",
        "port": default.get("PORT") or 5432,
        "user": default.get("USER") or "postgres",
        "password": default.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = f"digest_soak_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    password = f":{params['password']}" if params["password"] else ""
    try:
        yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def server_env(database_url: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DIGEST_ENV_FILE": "",  # not the development .env of the checkout
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "4",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "ERROR",
        # Every page rendered afresh: the page cache would hide most of the rendering work.
        "DIGEST_PAGE_CACHE_SECONDS": "0",
    }


def run_python(code_or_args, env) -> str:
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@contextmanager
def gunicorn(env: dict[str, str], log: Path):
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "digest/gunicorn.conf.py", "digest.wsgi"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if Session(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Session:
    """One visitor: its cookies, a connection per request, the CSRF header on POSTs."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {"django_language": "en"}

    def request(self, method: str, path: str, data=None, headers=None):
        headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers, content

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data, headers=None):
        return self.request("POST", path, data=data, headers=headers)

    def log_in(self, username: str) -> None:
        self.get("/accounts/login/")
        status, _, _ = self.post(
            "/accounts/login/",
            {
                "username": username,
                "password": "pw",
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )
        assert status == 302, f"{username} could not log in ({status})"
