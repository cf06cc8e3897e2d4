"""What the benchmarks share: throwaway databases, a production-like environment, Django set up
on them, synthetic issues, and small statistics."""

import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PUBLICATION = "云计算技术动态"
# The PostgreSQL server to create benchmark databases on (the URL names a database to connect
# to for CREATE/DROP DATABASE, not the one measured).
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def production_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process (no DEBUG), on a throwaway database."""
    static_extra = workdir / "static-extra"
    static_extra.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(workdir)),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "DIGEST_PUBLICATION": PUBLICATION,
        "DIGEST_SITE_URL": "https://digest.example.org",
        "BENCH_STATIC_ROOT": str(workdir / "staticfiles"),
        "BENCH_STATIC_EXTRA": str(static_extra),
        "LOG_LEVEL": "ERROR",
    }
    env.update(extra)
    return env


def setup_django() -> None:
    """Django on the settings the environment names (set by production_env)."""
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# Databases.


def sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


def _admin_connection():
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used for the benchmarks, or None when it can."""
    try:
        with _admin_connection() as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not available", reported
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable: {error}".strip()
    return None


def postgres_version() -> str:
    with _admin_connection() as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


@contextmanager
def postgres_database():
    """A new, empty PostgreSQL database for the block; dropped afterwards."""
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    name = f"digest_bench_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = conninfo_to_dict(POSTGRES_ADMIN_URL)
    user = params.get("user", "postgres")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    password = f":{params['password']}" if params.get("password") else ""
    url = f"postgres://{user}{password}@{host}:{port}/{name}"
    try:
        yield url
    finally:
        with _admin_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as folder:
        yield Path(folder)


# Running one benchmark in its own process (Django settings are per process).


def run_module(module: str, env: dict[str, str], *args: str, timeout: int = 240) -> dict:
    """Run `python -m bench.<module> args` and return the JSON it prints on its last line."""
    result = subprocess.run(
        [PYTHON, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"bench.{module} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def emit(result: dict) -> None:
    """Print a benchmark's result as the last line of its output."""
    print(json.dumps(result, ensure_ascii=False))


# Synthetic content.

TITLE_WORDS = ["分布式", "存储", "调度", "一致性", "缓存", "内核", "模型", "推理", "网络", "编译器"]


def synthetic_entry(n: int, year: int, number: int, section: int):
    from editorial.canonical import EntryData

    word = TITLE_WORDS[n % len(TITLE_WORDS)]
    title = f"{word}系统的设计与实现 第 {n} 篇 [{year}-{number}] *笔记*"
    url = f"https://example.com/{year}/{number}/{section}/{n}?ref=digest&utm_source=bench"
    summary = (
        f"本文介绍{word}在大规模生产环境中的实践，包括架构、取舍与 <测量> 结果，"
        f"以及 `代码` 与 https://example.org/{n} 的链接。" * 2
    )
    return EntryData(title=title, url=url, summary=summary)


def synthetic_issue(year: int, number: int, *, sections: int, per_section: int):
    """An issue of sections × per_section entries, with text of realistic length and a few
    characters that the format escapes."""
    from editorial.canonical import IssueData, SectionData

    return IssueData(
        publication=PUBLICATION,
        year=year,
        number=number,
        sections=tuple(
            SectionData(
                title=f"栏目 {s}",
                entries=tuple(
                    synthetic_entry((s - 1) * per_section + i, year, number, s)
                    for i in range(1, per_section + 1)
                ),
            )
            for s in range(1, sections + 1)
        ),
    )


# Statistics.


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.95 for the 95th)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    """Median, 95th percentile and maximum of durations, in milliseconds."""
    return {
        "n": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


class LoopbackServer:
    """An HTTP server on 127.0.0.1 (a free port), in threads of this process, the remote pages
    the fetch benchmarks read: every GET is answered by `answer(handler, release)`, where
    `handler` is the request's BaseHTTPRequestHandler and `release` an Event set by stop()
    (an answer that waits or drips ends when it is set)."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler, threading.Event], None]):
        release = self.release = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                answer(self, release)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
