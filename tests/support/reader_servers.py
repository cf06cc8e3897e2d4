"""Real servers for the reader cache tests: gunicorn (digest/gunicorn.conf.py) on a database of
its own, optionally sharing a Redis, and Debian's nginx in front with the configuration from
docs/deploy.md. Every server binds a free loopback port; every name is unique to the run."""

import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from tests.support.missing import missing
from tests.support.soak import ROOT, Session, free_port, gunicorn, run_python, server_env

REDIS_URL = "redis://127.0.0.1:6379/0"
DEPLOY = ROOT / "docs" / "deploy.md"

SEED = """
import django
django.setup()
from tests.support.factories import make_published_issue, make_user
make_published_issue(2026, 1)
make_user("editor", username="cache-editor")
"""

PUBLISH = """
import sys
import django
django.setup()
from tests.support.factories import make_published_issue
make_published_issue(2026, int(sys.argv[1]))
"""

CORRECT = """
import sys
import django
django.setup()
from editorial.models import Issue
from tests.support.reader import add_revision
add_revision(Issue.objects.get(year=2026, number=1), retitle=sys.argv[1])
"""

SCHEDULE = """
import sys
from datetime import UTC, datetime
import django
django.setup()
from tests.support.factories import make_published_issue
make_published_issue(2026, int(sys.argv[1]), when=datetime.fromtimestamp(float(sys.argv[2]), UTC))
"""


def required(what: str, problem: str | None):
    """A missing service fails under CI=true and skips elsewhere."""
    if problem is None:
        return
    message = f"{what}: {problem}"
    missing(message)


def redis_problem() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "not available", reported
        return f"Redis at {REDIS_URL} does not answer: {error}"
    return None


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    required("nginx", None if found else "Debian's nginx is not installed (.ci/run installs it)")
    return found


class Site:
    """A database of its own with one published issue (2026/1) and an editor, and the
    environment of a production-like server on it."""

    def __init__(self, database_url: str, **extra: str):
        self.env = {
            **server_env(database_url),
            "DIGEST_PAGE_CACHE_SECONDS": "600",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "2",
            "DIGEST_READER_STATE_SECONDS": "1",
            **extra,
        }
        run_python(["manage.py", "migrate", "--noinput", "-v", "0"], self.env)
        run_python(SEED, self.env)

    def run(self, script: str, *args: str) -> None:
        run_python([*(["-c", script]), *args], self.env)

    def publish(self, number: int) -> None:
        self.run(PUBLISH, str(number))

    def correct(self, title: str) -> None:
        self.run(CORRECT, title)

    def schedule(self, number: int, at: float) -> None:
        self.run(SCHEDULE, str(number), str(at))


def anonymous_get(port: int, path: str) -> tuple[int, dict, str]:
    """A request without cookies, for the site's one host name whichever server answers (as
    behind a load balancer)."""
    session = Session(port)
    session.cookies = {}
    status, headers, content = session.get(path, headers={"Host": "localhost"})
    return status, headers, content.decode()


@contextmanager
def shared_redis_prefix():
    """A Redis key prefix of its own; its keys are removed afterwards."""
    required("Redis", redis_problem())
    import redis

    prefix = f"digest-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        yield prefix, client
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


# nginx with the configuration of docs/deploy.md.


def _fence_with(text: str, marker: str) -> str:
    for block in re.findall(r"```nginx\n(.*?)```", text, re.S):
        if marker in block:
            return block
    raise AssertionError(f"docs/deploy.md has no nginx block with {marker!r}")


def deploy_nginx_blocks() -> tuple[str, str]:
    """(the http-context block, the location block of the HTTPS server) from docs/deploy.md."""
    text = DEPLOY.read_text(encoding="utf-8")
    http = _fence_with(text, "proxy_cache_path")
    site = _fence_with(text, "listen 443 ssl")
    https = site[site.index("listen 443 ssl") :]
    start = https.index("    location / {")
    end = https.index("\n    }\n", start)
    return http, https[start : end + len("\n    }\n")]


def nginx_conf(folder: Path, listen: int, upstream: int) -> str:
    http, location = deploy_nginx_blocks()
    assert "server 127.0.0.1:8000;" in http and "/var/cache/nginx/digest" in http
    http = http.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    http = http.replace("/var/cache/nginx/digest", str(folder / "cache"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n    access_log off;\n{temp}{http}\n"
        f"    server {{\n        listen 127.0.0.1:{listen};\n{location}    }}\n}}\n"
    )


@contextmanager
def nginx(folder: Path, upstream: int):
    """Debian's nginx with the reader cache of docs/deploy.md in front of `upstream`; yields its
    port."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, port, upstream))
    check = subprocess.run(
        [binary, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr + conf.read_text()
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (folder / "error.log").read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


__all__ = ["ROOT", "Session", "Site", "gunicorn", "nginx"]
