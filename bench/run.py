"""`make bench`: run every benchmark on throwaway databases and write docs/performance.md.

Each benchmark runs in its own process (Django's settings are per process) on a database made
for it: a temporary SQLite file, and a PostgreSQL database created and dropped on the server at
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres). The developer's
db.sqlite3 is never touched. Without PostgreSQL the report says so and has SQLite numbers only.
"""

import argparse
import datetime
import os
import platform
import sqlite3
import sys
import time
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import report  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    postgres_database,
    postgres_problem,
    postgres_version,
    production_env,
    run_module,
    sqlite_url,
    workdir,
)
from bench.server import ensure_wrk, wrk_version  # noqa: E402

OUTPUT = ROOT / "docs" / "performance.md"


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f"{kib / 2**20:.1f} GiB"
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
                os_name = f"{pretty}, Linux {platform.release()}"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": os_name,
        "Python": platform.python_version(),
        "Django": version("Django"),
        "gunicorn": version("gunicorn"),
        "whitenoise": version("whitenoise"),
        "SQLite": sqlite3.sqlite_version,
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--only",
        choices=["fetch-limits"],
        help="run this part only and put its section into docs/performance.md in place of the "
        "section there (the rest of the file is kept as it was)",
    )
    if parser.parse_args().only:
        log("inbox poll and fetch deadlines only")
        results = run_fetch_limits()
        results["measured_alone"] = datetime.datetime.now(datetime.UTC).strftime(
            "%Y-%m-%d %H:%M UTC"
        )
        section = report.fetch_limits_section(results)
        OUTPUT.write_text(report.replace_section(OUTPUT.read_text(encoding="utf-8"), section))
        log(f"wrote its section into {OUTPUT.relative_to(ROOT)}")
        return
    started = time.monotonic()
    ensure_wrk()
    facts = machine()
    facts["wrk"] = wrk_version()
    problem = postgres_problem()
    facts["PostgreSQL"] = postgres_version() if problem is None else f"not used: {problem}"
    load_before = os.getloadavg()
    results: dict = {"databases": {}}

    log("format: export and import of 10,000 entries")
    results["format"] = run_module("format_bench", dict(os.environ, PYTHONPATH=str(ROOT)))
    log("inbox poll (Chromium, 100 links being fetched) and fetch deadlines under a drip")
    results["fetch_limits"] = run_fetch_limits()

    databases = ["SQLite"] + (["PostgreSQL"] if problem is None else [])
    for name in databases:
        results["databases"][name] = run_database(name)

    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    results["duration_s"] = round(time.monotonic() - started)
    results["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["postgres_problem"] = problem
    OUTPUT.write_text(report.render(facts, results), encoding="utf-8")
    log(f"wrote {OUTPUT.relative_to(ROOT)} in {results['duration_s']} s")


@contextmanager
def fresh_database(name: str):
    """(database URL, working folder) of a new, empty database, removed afterwards."""
    with workdir() as folder:
        if name == "PostgreSQL":
            with postgres_database() as url:
                yield url, folder
        else:
            yield sqlite_url(folder), folder


def run_fetch_limits() -> dict:
    """The inbox page's poll from one tab, and the fetch's deadlines (neither depends on the
    database: both run once, on SQLite)."""
    with fresh_database("SQLite") as (url, folder):
        # The browser speaks plain HTTP to gunicorn: no redirect to HTTPS, cookies without
        # Secure, and the poll's POST is of the origin it is sent from (CSRF's origin check).
        plain_http = {
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
        env = production_env(url, folder, **plain_http)
        log_file = str(folder / "gunicorn.log")
        poll = run_module("inbox_poll_bench", env, "--log", log_file, timeout=900)
        deadline = run_module("deadline_bench", production_env(url, folder), timeout=600)
    return {"poll": poll, "deadline": deadline}


def run_database(name: str) -> dict:
    """The reader throughput, then editing, queries and the archive, each on a new database."""
    log(f"{name}: reader throughput (gunicorn + wrk)")
    with fresh_database(name) as (url, folder):
        log_file = str(folder / "gunicorn.log")
        reader = run_module("reader_bench", production_env(url, folder), "--log", log_file)
    log(f"{name}: editing, queries per page, archive in the database")
    with fresh_database(name) as (url, folder):
        database = run_module("db_bench", production_env(url, folder), timeout=600)
    log(f"{name}: inbox (saving, serving while pages are fetched)")
    with fresh_database(name) as (url, folder):
        env = production_env(
            url,
            folder,
            DIGEST_FETCH_ALLOWED_ADDRESSES="127.0.0.1",
            DIGEST_FETCH_ALLOWED_PORTS="1-65535",  # the slow page server listens on any port
        )
        inbox = run_module("inbox_bench", env, "--log", str(folder / "gunicorn.log"))
    log(f"{name}: sending an issue to 10,000 subscribers")
    with fresh_database(name) as (url, folder):
        mail = run_module(
            "mail_bench",
            production_env(url, folder),
            "--log",
            str(folder / "gunicorn.log"),
            timeout=3600,
        )
    log(f"{name}: search over 100,000 entries")
    with fresh_database(name) as (url, folder):
        search = run_module("search_bench", production_env(url, folder), timeout=1800)
    return {"reader": reader, **database, "inbox": inbox, "search": search, "mail": mail}


if __name__ == "__main__":
    main()
