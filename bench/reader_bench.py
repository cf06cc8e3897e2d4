"""Reader speed on a published issue of 60 entries.

- Server time of a cold render, in-process (the test client, no network): the page after
  another issue was published (the full-response cache misses, the issue's article is kept),
  with the article rendered again (only the revision's contents kept: they never change), and
  the very first render of a revision (nothing cached).
- Throughput, gunicorn on loopback measured with wrk: the page rendered on every request, the
  page from the full-response cache, a conditional request answered 304, and the same bytes
  as a static file served by whitenoise from the same server.

Runs in its own process on the database named by DATABASE_URL (always a throwaway one).
"""

import argparse
import os
import re
import statistics
import time
from pathlib import Path

from bench.common import emit, migrate, setup_django, summary_ms, synthetic_issue
from bench.server import fetch, gunicorn, run_wrk

YEAR, NUMBER = 2026, 1
PAGE = f"/issues/{YEAR}/{NUMBER}/"
STATIC = "/static/bench/issue.html"
EARLIER_ISSUES = 20
RENDER_SAMPLES = 30
ROUNDS = 3
# The targets of the reader site (docs/performance.md says whether a run met them).
TARGETS = {"page_warm": 0.9, "page_304": 0.95}
COLD_RENDER_TARGET_MS = 10.0


def prepare() -> int:
    """Migrate, store the issues, save the page's bytes as a static file, collect static files.
    Returns the page's size in bytes."""
    setup_django()
    migrate()
    from django.core.management import call_command
    from django.test import Client

    from editorial.store import store_issue

    for number in range(1, EARLIER_ISSUES + 1):
        store_issue(synthetic_issue(YEAR - 1, number, sections=4, per_section=5))
    store_issue(synthetic_issue(YEAR, NUMBER, sections=4, per_section=15))
    # Once so the page can name the hashed files, once more to add the page itself.
    call_command("collectstatic", interactive=False, verbosity=0)
    response = Client(HTTP_HOST="127.0.0.1").get(PAGE, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"{PAGE} answered {response.status_code}")
    Path(os.environ["BENCH_STATIC_EXTRA"], "issue.html").write_bytes(response.content)
    call_command("collectstatic", interactive=False, verbosity=0)
    return len(response.content)


def _drop_cached(*kinds: str) -> None:
    """Remove the local-memory cache entries whose key contains one of `kinds`."""
    from django.core.cache import cache

    for key in [k for k in cache._cache if any(kind in k for kind in kinds)]:
        cache._cache.pop(key, None)
        cache._expire_info.pop(key, None)


def cold_render() -> dict:
    """Server time (ms) of the issue page in-process, in three states of the caches."""
    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from editorial.models import Issue, Revision

    client = Client(HTTP_HOST="127.0.0.1")
    other = Issue.objects.get(year=YEAR - 1, number=1)
    base = other.revisions.get(number=1)

    def timed_get() -> float:
        start = time.perf_counter()
        response = client.get(PAGE, secure=True)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"{PAGE} answered {response.status_code}")
        return elapsed

    def after_publication(n: int) -> float:
        # A correction of another issue: the publication state, and so every response key,
        # changes; this issue's article stays.
        Revision.objects.create(
            issue=other,
            number=base.number + n,
            markdown=base.markdown,
            checksum=base.checksum,
            note="bench",
            published_at=timezone.now(),
        )
        return timed_get()

    def article_again(n: int) -> float:
        _drop_cached(":reader:response:", ":article:")
        return timed_get()

    def first_render(n: int) -> float:
        cache.clear()
        return timed_get()

    timed_get()  # templates loaded, the page cached once
    results = {}
    for name, step in [
        ("after_publication", after_publication),
        ("article", article_again),
        ("first", first_render),
    ]:
        results[name] = summary_ms([step(n) for n in range(1, RENDER_SAMPLES + 1)])
    Revision.objects.filter(issue=other, number__gt=base.number).delete()
    cache.clear()
    return results


def check(port: int, path: str, expected: int, headers: dict | None = None) -> int:
    status, _, body = fetch(port, path, headers)
    if status != expected:
        raise RuntimeError(f"{path} answered {status}, expected {expected}")
    return len(body)


def conditional_headers(port: int) -> dict:
    """A returning visitor's headers: the ETag it was given (no cookie: none is ever set)."""
    status, headers, _ = fetch(port, PAGE)
    if headers.get("Set-Cookie"):
        raise RuntimeError(f"an anonymous {PAGE} set a cookie: {headers['Set-Cookie']}")
    return {"If-None-Match": headers["ETag"]}


def server_errors(log: str) -> dict[str, int]:
    """{exception line, with the innermost frame of our code: count} from gunicorn's log."""
    found: dict[str, int] = {}
    where = ""
    for line in log.splitlines():
        if line.startswith('  File "') and "/editorial/" in line:
            where = line.strip().split("/editorial/", 1)[1].replace('", line', ", line")
        elif re.match(r"^[A-Za-z_.]+(Error|Exception)\b.*", line):
            key = f"{line.strip()} (editorial/{where})" if where else line.strip()
            found[key] = found.get(key, 0) + 1
            where = ""
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    # The side-by-side comparison of the reader's goal: one gunicorn of 2 workers × 2 threads,
    # wrk with 1 thread and 8 connections.
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--log", required=True)
    options = parser.parse_args()
    page_bytes = prepare()
    render = cold_render()
    log = Path(options.log)
    load = {
        "seconds": options.seconds,
        "connections": options.connections,
        "threads": options.threads,
    }
    # No worker replaced in the middle of a row: a fresh worker starts without the pages in its
    # local-memory cache, which a run of a few seconds would count against the page.
    env = {
        **os.environ,
        "GUNICORN_MAX_REQUESTS": "0",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "2"),
    }
    results = {}

    # Rendered every time: a page cache timeout of 0 keeps no response and no article (a
    # revision's contents are still kept: they never change).
    with gunicorn({**env, "DIGEST_PAGE_CACHE_SECONDS": "0"}, log=log) as port:
        check(port, PAGE, 200)
        results["page_cold"] = run_wrk(port, PAGE, **load)

    with gunicorn({**env, "DIGEST_PAGE_CACHE_SECONDS": "600"}, log=log) as port:
        check(port, PAGE, 200)
        static_bytes = check(port, STATIC, 200)
        headers = conditional_headers(port)
        if check(port, PAGE, 304, headers) != 0:
            raise RuntimeError("a 304 came with a body")
        # On a shared machine the load of others moves every row; the page and the static
        # file are measured back to back, ROUNDS times, and each round gives its own ratio.
        rounds = []
        for _ in range(ROUNDS):
            rounds.append(
                {
                    "page_warm": run_wrk(port, PAGE, **load),
                    "page_304": run_wrk(port, PAGE, headers=headers, **load),
                    "static": run_wrk(port, STATIC, **load),
                }
            )
        workers = env["WEB_CONCURRENCY"]

    ratios = {
        name: [r[name]["requests_per_s"] / r["static"]["requests_per_s"] for r in rounds]
        for name in ("page_warm", "page_304")
    }
    for name in ("page_warm", "page_304", "static"):
        # The round whose ratio is the median, for the row shown.
        key = name if name != "static" else "page_warm"
        order = sorted(range(ROUNDS), key=lambda i, key=key: ratios[key][i])
        results[name] = rounds[order[ROUNDS // 2]][name]
    # Errors under load are reported with the numbers, not hidden by a failed run.
    static_rps = results["static"]["requests_per_s"]
    emit(
        {
            "page": PAGE,
            "page_bytes": page_bytes,
            "static_bytes": static_bytes,
            "workers": int(workers),
            "threads_per_worker": int(env.get("GUNICORN_THREADS", "2")),
            "results": results,
            "server_errors": server_errors(Path(options.log).read_text()),
            "ratio_to_static": {
                "page_cold": round(results["page_cold"]["requests_per_s"] / static_rps, 3),
                **{name: round(statistics.median(r), 3) for name, r in ratios.items()},
            },
            "ratio_rounds": {name: [round(x, 3) for x in r] for name, r in ratios.items()},
            "targets": TARGETS,
            "render": render,
            "cold_render_target_ms": COLD_RENDER_TARGET_MS,
        }
    )


if __name__ == "__main__":
    main()
