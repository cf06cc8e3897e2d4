"""The inbox: saving a link answers at once whatever the remote page does, and twenty page
fetches at once do not slow page serving.

Run by bench/run.py in its own process with the production settings on a throwaway database
(the task queue is that database, as in production). The "remote" is a local server whose
pages take SLOW_SECONDS to answer; DIGEST_FETCH_ALLOWED_ADDRESSES lets fetches reach it.

1. Save: server time of POST /editorial/inbox/save/ (htmx) through the whole Django stack
   in-process (test client), each one a new link on the slow remote.
2. Serving under fetches: GET /editorial/inbox/ from gunicorn, first idle, then while twenty
   fetches of slow pages run at once (twenty threads of this process, beside a db_worker that
   works through the queued saves).
"""

import argparse
import os
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import PYTHON, ROOT, LoopbackServer, emit, migrate, setup_django, summary_ms
from bench.server import fetch, gunicorn

SAVES = 60
REQUESTS = 40
FETCHES_AT_ONCE = 20
SLOW_SECONDS = 3.0


def slow_page(handler, release) -> None:
    """A page that answers after SLOW_SECONDS (at once when released)."""
    release.wait(SLOW_SECONDS)
    body = b"<html><head><title>slow</title></head><body>" + b"<p>x</p>" * 500
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def page_url(remote: LoopbackServer, n: int) -> str:
    return remote.url(f"/page/{n}")


def measure_saves(remote: LoopbackServer, user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    times = []
    for n in range(SAVES):
        start = time.perf_counter()
        response = client.post(
            "/editorial/inbox/save/",
            {"url": page_url(remote, n)},
            HTTP_HX_REQUEST="true",
            secure=True,
        )
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return summary_ms(times[5:])  # the first few load templates and code


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def page_times(port: int, cookie: str) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        status, _headers, _body = fetch(port, "/editorial/inbox/", {"Cookie": cookie})
        times.append(time.perf_counter() - start)
        assert status == 200, status
    return times


def twenty_fetches(remote: LoopbackServer, done: threading.Event) -> int:
    """Fetch twenty slow pages at once, again and again, until `done`; how many finished."""
    from editorial.inbox.fetching import fetch_page

    finished = 0
    with ThreadPoolExecutor(max_workers=FETCHES_AT_ONCE) as pool:
        while not done.is_set():
            urls = [page_url(remote, 1000 + n) for n in range(FETCHES_AT_ONCE)]
            finished += len(list(pool.map(fetch_page, urls)))
    return finished


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    setup_django()
    migrate()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from tests.support.factories import make_user

    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    user = make_user("editor", username="bench-editor")
    remote = LoopbackServer(slow_page)
    result = {"slow_seconds": SLOW_SECONDS, "fetches_at_once": FETCHES_AT_ONCE}
    try:
        result["save"] = measure_saves(remote, user)
        env = dict(os.environ)
        log = Path(args.log)
        cookie = session_cookie(user)
        with gunicorn(env, log=log) as port:
            page_times(port, cookie)  # warm up every worker
            idle = page_times(port, cookie)
            worker = subprocess.Popen(
                [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            done = threading.Event()
            fetcher = ThreadPoolExecutor(max_workers=1)
            running = fetcher.submit(twenty_fetches, remote, done)
            time.sleep(0.5)  # the twenty requests are waiting on the remote
            busy = page_times(port, cookie)
            done.set()
            result["fetches_finished"] = running.result(timeout=60)
            fetcher.shutdown()
            worker.terminate()
            worker.wait(timeout=30)
        from editorial.models import FetchState, InboxItem

        result["worker_filled"] = InboxItem.objects.filter(fetch_state=FetchState.DONE).count()
        result["serving_idle"] = summary_ms(idle)
        result["serving_busy"] = summary_ms(busy)
        result["slowdown"] = round(statistics.median(busy) / statistics.median(idle), 2)
    finally:
        remote.stop()
    emit(result)


if __name__ == "__main__":
    main()
