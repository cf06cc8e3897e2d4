"""A soak: readers and editors at once against a real gunicorn (digest/gunicorn.conf.py, several
worker processes with threads) on a loopback port and a database of its own, for a bounded time
and number of requests. No response may be a 5xx and gunicorn must log no error.

The database is a temporary SQLite file, or, when the suite runs on PostgreSQL, a database
created on the same server for this test and dropped afterwards.
"""

import json
import os
import random
import re
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.support.soak import (
    Session,
    gunicorn,
    run_python,
    server_env,
    soak_database,
)

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "15"))
MAX_REQUESTS = 5000
READERS = 4
EDITORS = 2

SEED = """
import json
import django
django.setup()
from editorial.models import Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user

editors = [make_user("editor", username=f"soak-editor{i}") for i in range(2)]
make_user("reviewer", username="soak-reviewer")
writer = make_user("editor", username="soak-writer")
for number in (1, 2, 3):
    sections = {
        f"栏目{s}": [
            (f"条目 {number}-{s}-{i}", f"https://example.com/soak/{number}/{s}/{i}",
             f"摘要 https://example.org/{number}/{s}/{i} 与更多文字")
            for i in range(1, 11)
        ]
        for s in (1, 2, 3)
    }
    make_published_issue(2026, number, sections)
working = make_issue(
    2026, 20, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED,
    author=writer, entries_per_section=8,
)
entries = list(Entry.objects.filter(section__issue=working).values_list("pk", flat=True))
print(json.dumps({"entries": entries}))
"""

CHECK = """
import json
import django
django.setup()
from editorial.models import Entry, Section
problems = []
for section in Section.objects.all():
    positions = list(section.entries.order_by("position").values_list("position", flat=True))
    if positions != list(range(1, len(positions) + 1)):
        problems.append((section.pk, positions))
print(json.dumps(problems))
"""


class Soak:
    """Shared bookkeeping of the run: a deadline, a request budget, every status seen."""

    def __init__(self, seconds: float, budget: int):
        self.deadline = time.monotonic() + seconds
        self.budget = budget
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.kinds: Counter = Counter()
        self.failures: list[str] = []

    def running(self) -> bool:
        with self.lock:
            return time.monotonic() < self.deadline and self.budget > 0 and not self.failures

    def note(self, kind: str, method: str, path: str, status: int, content: bytes) -> None:
        with self.lock:
            self.budget -= 1
            self.statuses[status] += 1
            self.kinds[(kind, status)] += 1
            if status >= 500:
                self.failures.append(f"{status} {method} {path}: {content[:300]!r}")


READER_PATHS = [
    "/",
    "/issues/",
    "/issues/2026/1/",
    "/issues/2026/2/",
    "/issues/2026/3/",
    "/issues/2026/2.md",
    "/search/?q=条目",
    "/search/?q=摘要&page=2",
    "/feed.xml",
    "/healthz",
]


def reader(soak: Soak, port: int, seed: int):
    rng = random.Random(seed)
    session = Session(port)
    etags: dict[str, str] = {}
    while soak.running():
        path = rng.choice(READER_PATHS)
        headers = {"If-None-Match": etags[path]} if path in etags and rng.random() < 0.5 else {}
        quoted = path.replace("条目", "%E6%9D%A1%E7%9B%AE").replace("摘要", "%E6%91%98%E8%A6%81")
        status, response_headers, content = session.get(quoted, headers)
        soak.note("read", "GET", path, status, content)
        if response_headers.get("ETag"):
            etags[path] = response_headers["ETag"]


# The edit form's version field, under the form's prefix (edit-<entry pk>), as a browser posts it.
VERSION = re.compile(rb'name="(edit-\d+)-version" value="(\d+)"')


def editor(soak: Soak, port: int, username: str, entries: list[int], seed: int):
    rng = random.Random(seed)
    session = Session(port)
    session.log_in(username)
    htmx = {"HX-Request": "true"}
    n = 0
    while soak.running():
        n += 1
        pk = rng.choice(entries)
        status, _, form = session.get(f"/editorial/entries/{pk}/edit/")
        soak.note("edit form", "GET", f"/editorial/entries/{pk}/edit/", status, form)
        match = VERSION.search(form)
        if status != 200 or not match:
            continue
        path = f"/editorial/entries/{pk}/edit/"
        prefix = match[1].decode()
        data = {
            f"{prefix}-title": f"{username} 修改 {n}",
            f"{prefix}-url": f"https://example.com/soak/edited/{pk}",
            f"{prefix}-summary": f"摘要 {n} https://example.org/{pk}",
            f"{prefix}-version": match[2].decode(),
        }
        status, _, content = session.post(path, data, htmx if n % 2 else None)
        soak.note("save", "POST", path, status, content)
        path = f"/editorial/entries/{pk}/move/"
        status, _, content = session.post(path, {"position": rng.randint(1, 8)}, htmx)
        soak.note("move", "POST", path, status, content)
        if n % 5 == 0:
            for page in ("/editorial/", "/editorial/issues/2026/20/", "/issues/2026/20/preview/"):
                status, _, content = session.get(page)
                soak.note("editor page", "GET", page, status, content)


def reviewer(soak: Soak, port: int, entries: list[int], seed: int):
    rng = random.Random(seed)
    session = Session(port)
    session.log_in("soak-reviewer")
    while soak.running():
        status, _, content = session.get("/editorial/review/2026/20/")
        soak.note("review page", "GET", "/editorial/review/2026/20/", status, content)
        pk = rng.choice(entries)
        path = f"/editorial/entries/{pk}/approve/"
        status, _, content = session.post(path, {}, {"HX-Request": "true"})
        soak.note("approve", "POST", path, status, content)
        path = f"/editorial/entries/{pk}/comments/"
        status, _, content = session.post(path, {"body": "请核对来源"})
        soak.note("comment", "POST", path, status, content)


def run_threads(jobs, *, timeout: float) -> list[str]:
    """Run each (function, args) in a thread; what any of them raised, as text."""
    errors: list[str] = []

    def guarded(function, args):
        try:
            function(*args)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(f"{function.__name__}: {error!r}")

    threads = [threading.Thread(target=guarded, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        errors.append("a client thread did not finish")
    return errors


def test_readers_and_editors_against_gunicorn_get_no_server_error():
    with tempfile.TemporaryDirectory(prefix="digest-soak-") as folder:
        folder = Path(folder)
        with soak_database(folder) as database_url:
            env = server_env(database_url)
            run_python(["manage.py", "migrate", "--noinput"], env)
            entries = json.loads(run_python(SEED, env).strip().splitlines()[-1])["entries"]
            log = folder / "gunicorn.log"
            with gunicorn(env, log) as port:
                soak = Soak(SOAK_SECONDS, MAX_REQUESTS)
                jobs = [(reader, (soak, port, i)) for i in range(READERS)]
                jobs += [
                    (editor, (soak, port, f"soak-editor{i}", entries, 50 + i))
                    for i in range(EDITORS)
                ]
                jobs.append((reviewer, (soak, port, entries, 99)))
                errors = run_threads(jobs, timeout=SOAK_SECONDS + 120)
            problems = json.loads(run_python(CHECK, env).strip().splitlines()[-1])
            server_log = log.read_text()

    assert errors == []
    assert soak.failures == [], server_log[-4000:]
    assert "Traceback" not in server_log, server_log[-5000:]
    assert all(status < 500 for status in soak.statuses), soak.statuses
    # It did real work: many reads, saves that went through, moves, approvals and comments.
    kinds = soak.kinds
    assert sum(n for (kind, _), n in kinds.items() if kind == "read") >= 100, kinds
    assert kinds[("save", 200)] + kinds[("save", 302)] >= 5, kinds
    assert kinds[("move", 200)] >= 5, kinds
    assert kinds[("read", 304)] >= 5, kinds
    assert problems == []
