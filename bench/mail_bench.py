"""Sending an issue: messages per second with the rates off, memory flat in the number of
deliveries, and the reader site and the Send by mail page as fast while a mailing runs.

Run by bench/run.py in its own process with the production settings on a throwaway database.
The SMTP server is aiosmtpd's Sink (accepts and discards) in a process of its own on loopback.
Each mailing is sent by `run_mailing` in a process of its own (`--send`), as the task worker
would: 1,000 and 10,000 deliveries with tracemalloc on (the peak of Python's allocations), then
10,000 without it, timed, while this process asks gunicorn for the reader's front page and the
mailing's progress fragment (the page's poll), compared with the same requests idle.
"""

import argparse
import os
import resource
import statistics
import subprocess
import time
import tracemalloc

from bench.common import PYTHON, ROOT, emit, migrate, setup_django, summary_ms
from bench.server import fetch, free_port, gunicorn

SMALL, LARGE = 1_000, 10_000
IDLE_REQUESTS = 40


def sink(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_port(port: int) -> None:
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def add_subscribers(count: int) -> None:
    from editorial.models import Subscriber, SubscriberState
    from editorial.models.mail import email_key

    start = Subscriber.objects.count()
    domains = ["qq.com", "163.com", "gmail.com", "example.org", "outlook.com"]
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=(address := f"reader{n}@{domains[n % len(domains)]}"),
                email_key=email_key(address),
                state=SubscriberState.CONFIRMED,
                language="zh-hans" if n % 4 else "en",
            )
            for n in range(start, start + count)
        ),
        batch_size=1000,
    )


def new_mailing(number: int, by) -> int:
    from editorial.mail.sending import start_mailing
    from editorial.models import MailTest
    from tests.support.factories import make_published_issue

    issue = make_published_issue(2024, number)
    MailTest.objects.create(issue=issue, revision=issue.revisions.get(), sent_by=by)
    return start_mailing(issue, by=by, enqueue=False).pk


def send(mailing_pk: int, trace: bool) -> None:
    """The child process: send one mailing; print seconds, sent and memory as JSON."""
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    from editorial.mail.sending import progress, run_mailing
    from editorial.models import Mailing

    try:
        reverse("unsubscribe", args=["x"])
    except NoReverseMatch:  # the mail's unsubscribe link needs the route by name
        settings.ROOT_URLCONF = "tests.support.mail_urls"
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    run_mailing(mailing_pk)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    done = progress(Mailing(pk=mailing_pk))
    emit(
        {
            "seconds": round(seconds, 2),
            "sent": done.sent,
            "failed": done.failed,
            "tracemalloc_peak_mib": round(peak / 2**20, 1) if peak is not None else None,
            "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    )


def sender(mailing_pk: int, env: dict, *, trace: bool) -> subprocess.Popen:
    arguments = ["--send", str(mailing_pk)] + (["--trace"] if trace else [])
    return subprocess.Popen(
        [PYTHON, "-m", "bench.mail_bench", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> dict:
    import json

    out, err = process.communicate(timeout=1800)
    if process.returncode != 0:
        raise RuntimeError(f"the sender failed:\n{out}\n{err}")
    return json.loads(out.strip().splitlines()[-1])


def timed(port: int, path: str, headers: dict) -> float:
    start = time.perf_counter()
    status, _headers, _body = fetch(port, path, headers)
    assert status == 200, (path, status)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log")
    parser.add_argument("--send", type=int)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    setup_django()
    if args.send:
        send(args.send, args.trace)
        return
    migrate()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tests.support.factories import make_published_issue, make_user

    call_command("collectstatic", interactive=False, verbosity=0)
    reviewer = make_user("reviewer", username="bench-reviewer")
    make_published_issue(2024, 1)  # the reader's front page
    port = free_port()
    server = sink(port)
    env = {
        **os.environ,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DIGEST_MAIL_RATE": "0",
        "DIGEST_MAIL_DOMAIN_RATE": "0",
    }
    result = {"deliveries": LARGE}
    try:
        wait_for_port(port)
        add_subscribers(SMALL)
        small = finished(sender(new_mailing(10, reviewer), env, trace=True))
        add_subscribers(LARGE - SMALL)
        large = finished(sender(new_mailing(11, reviewer), env, trace=True))
        result["memory"] = {"1000": small, "10000": large}

        timed_pk = new_mailing(12, reviewer)
        client = Client()
        client.force_login(reviewer)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        progress_headers = {"Cookie": cookie, "HX-Request": "true"}
        pages = {
            "reader": ("/", {}),
            "progress": ("/editorial/issues/2024/12/mail/", progress_headers),
        }
        with gunicorn(dict(os.environ), log=args.log) as web:
            for path, headers in pages.values():  # warm every worker up
                for _ in range(10):
                    timed(web, path, headers)
            idle = {
                name: [timed(web, path, headers) for _ in range(IDLE_REQUESTS)]
                for name, (path, headers) in pages.items()
            }
            running = sender(timed_pk, env, trace=False)
            busy = {name: [] for name in pages}
            while running.poll() is None:
                for name, (path, headers) in pages.items():
                    busy[name].append(timed(web, path, headers))
            timed_run = finished(running)
        result["send"] = {
            **timed_run,
            "per_second": round(timed_run["sent"] / timed_run["seconds"]),
        }
        for name in pages:
            result[name] = {
                "idle": summary_ms(idle[name]),
                "busy": summary_ms(busy[name]),
                "requests_while_sending": len(busy[name]),
                "slowdown": round(statistics.median(busy[name]) / statistics.median(idle[name]), 2),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    emit(result)


if __name__ == "__main__":
    main()
