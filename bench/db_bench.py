"""Benchmarks that need a database, run in their own process on the throwaway database named by
DATABASE_URL (SQLite or PostgreSQL):

- editing: server time of an htmx entry save and of a reorder in an issue of 500 entries,
  through the whole Django stack in-process (the test Client; no network, no browser);
- queries: the number of SQL queries of every page at 10 and 500 entries;
- archive: importing a 10,000-entry archive with the app's input rules, and exporting it;
"""

import argparse
import gzip
import io
import random
import tempfile
import time
from pathlib import Path

from bench.common import emit, migrate, setup_django, summary_ms, synthetic_issue

SIZES = (10, 500)
SECTIONS = 5
MIN_SAMPLES = 10
MAX_SAMPLES = 300


def make_users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from editorial.roles import EDITORS, REVIEWERS

    User = get_user_model()
    editor = User.objects.create_user("bench-editor")  # no password: the client logs in
    editor.groups.add(Group.objects.get(name=EDITORS))
    reviewer = User.objects.create_user("bench-reviewer")
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    return editor, reviewer


def build_working_issue(number: int, entries: int, editor):
    """A draft issue of `entries` entries in SECTIONS sections, made through the services (a
    quick add per section, so its history has a row per entry), then submitted for review."""
    from editorial import services, workflow

    data = synthetic_issue(2026, number, sections=SECTIONS, per_section=entries // SECTIONS)
    issue = services.issue_create(
        year=2026, number=number, by=editor, section_titles=[s.title for s in data.sections]
    )
    sections = list(issue.sections.order_by("position"))
    for section, section_data in zip(sections, data.sections, strict=True):
        text = "\n\n".join(f"{e.title}\n{e.url}\n{e.summary}" for e in section_data.entries)
        services.entries_quick_add(section, text=text, by=editor)
    return workflow.issue_submit(issue, by=editor)


def editor_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# Editing.


def bench_editing(editor, issue, budget_s: float, rng: random.Random) -> dict:
    """Saves and reorders, alternating, until `budget_s` seconds of server time have passed for
    each (at least MIN_SAMPLES and at most MAX_SAMPLES of each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from editorial.models import Entry

    client = editor_client(editor)
    htmx = {"HTTP_HX_REQUEST": "true", "secure": True}
    entries = list(Entry.objects.filter(section__issue=issue).values_list("pk", flat=True))
    save_times, move_times = [], []
    save_queries = move_queries = save_bytes = move_bytes = 0
    n = 0
    while len(save_times) < MAX_SAMPLES and (
        len(save_times) < MIN_SAMPLES or min(sum(save_times), sum(move_times)) < budget_s
    ):
        n += 1
        entry = Entry.objects.get(pk=rng.choice(entries))
        data = {
            "title": f"{entry.title[:200]} · 修改 {n}",
            "url": entry.url,
            "summary": entry.summary,
            "version": entry.version,
        }
        url = reverse("editorial:entry_edit", args=[entry.pk])
        if sum(save_times) < budget_s or len(save_times) < MIN_SAMPLES:
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post(url, data, **htmx)
                save_times.append(time.perf_counter() - start)
            save_queries = max(save_queries, len(queries))
            save_bytes = max(save_bytes, len(response.content))
            if response.status_code != 200:
                raise RuntimeError(f"save answered {response.status_code}")

        if sum(move_times) < budget_s or len(move_times) < MIN_SAMPLES:
            entry = Entry.objects.get(pk=rng.choice(entries))
            last = Entry.objects.filter(section_id=entry.section_id).count()
            target = rng.choice([p for p in range(1, last + 1) if p != entry.position])
            url = reverse("editorial:entry_move", args=[entry.pk])
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.post(url, {"position": target}, **htmx)
                move_times.append(time.perf_counter() - start)
            move_queries = max(move_queries, len(queries))
            move_bytes = max(move_bytes, len(response.content))
            if response.status_code != 200:
                raise RuntimeError(f"reorder answered {response.status_code}")
            if Entry.objects.get(pk=entry.pk).position != target:
                raise RuntimeError("the reorder did not take effect")
    return {
        "entries": len(entries),
        "save": {**summary_ms(save_times), "queries": save_queries, "bytes": save_bytes},
        "reorder": {**summary_ms(move_times), "queries": move_queries, "bytes": move_bytes},
    }


# Queries of every page.

# What travels is compressed: the level of nginx's gzip_comp_level in docs/deploy.md.
GZIP_LEVEL = 5


def page_urls(published, working, first_entry) -> dict[str, tuple[str, str]]:
    """{page name: (who asks, url)}; who is "reader", "editor" or "reviewer"."""
    from django.urls import reverse

    year, number = published.year, published.number
    wy, wn = working.year, working.number
    return {
        "reader: latest": ("reader", reverse("reader:latest")),
        "reader: issue": ("reader", reverse("reader:issue", args=[year, number])),
        "reader: archive": ("reader", reverse("reader:archive")),
        "reader: search": ("reader", reverse("reader:search") + "?q=系统"),
        "reader: feed": ("reader", reverse("reader:feed")),
        "reader: markdown": ("reader", reverse("reader:issue_markdown", args=[year, number])),
        "dashboard": ("editor", reverse("editorial:dashboard")),
        "composer": ("editor", reverse("editorial:composer", args=[wy, wn])),
        "composer: preview": ("editor", reverse("editorial:preview", args=[wy, wn])),
        "composer: entry card": ("editor", reverse("editorial:entry", args=[first_entry])),
        "composer: entry menu": ("editor", reverse("editorial:entry_menu", args=[first_entry])),
        "history": ("editor", reverse("editorial:history", args=[wy, wn])),
        "review list": ("reviewer", reverse("editorial:review_list")),
        "review page": ("reviewer", reverse("editorial:review_issue", args=[wy, wn])),
    }


def count_queries(clients: dict, urls: dict) -> dict:
    """Queries of each page with the cache emptied first and again warm; with the warm
    request's size (as the server writes it, and gzip-compressed as nginx sends it: level 5,
    docs/deploy.md) and server time."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (who, url) in urls.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = clients[who].get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{name} ({url}) answered {response.status_code}")
        with CaptureQueriesContext(connection) as warm:
            start = time.perf_counter()
            response = clients[who].get(url, secure=True)
            seconds = time.perf_counter() - start
        counts[name] = {
            "cold": len(cold),
            "warm": len(warm),
            "bytes": len(response.content),
            "gzip_bytes": len(gzip.compress(response.content, compresslevel=GZIP_LEVEL)),
            "ms": round(seconds * 1000, 1),
        }
    return counts


def bench_queries(editor, reviewer, worlds: dict) -> dict:
    from django.test import Client

    clients = {
        "reader": Client(),
        "editor": editor_client(editor),
        "reviewer": editor_client(reviewer),
    }
    return {
        size: count_queries(clients, page_urls(*world)) for size, world in sorted(worlds.items())
    }


# Archive.


def bench_archive(issues: int, per_issue: int) -> dict:
    from django.core.management import call_command

    from editorial.canonical import issue_to_markdown
    from editorial.store import parse_markdown, store_issue

    files = [
        issue_to_markdown(synthetic_issue(1990 + n // 50, n % 50 + 1, sections=5, per_section=20))
        for n in range(issues)
    ]
    start = time.perf_counter()
    for text in files:
        store_issue(parse_markdown(text, require_summaries=True))
    import_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        call_command("export_issue", all=True, output=folder, stdout=io.StringIO())
        export_s = time.perf_counter() - start
        written = sorted(Path(folder).glob("199*.md"))
        if [p.read_text(encoding="utf-8") for p in written] != sorted(files, key=_file_order):
            raise RuntimeError("the exported archive differs from the imported files")
    return {
        "issues": issues,
        "entries": issues * per_issue,
        "import_s": round(import_s, 2),
        "export_s": round(export_s, 2),
    }


def _file_order(text: str) -> str:
    # The same order as the exported file names (YEAR-NUMBER.md, compared as strings).
    from editorial.canonical import from_chinese_numeral

    heading = text.split("\n", 1)[0].split()
    year, number = heading[-2], heading[-1].removeprefix("年第").removesuffix("期")
    return f"{year}-{from_chinese_numeral(number)}.md"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=15.0, help="seconds per operation")
    parser.add_argument("--archive-issues", type=int, default=100)
    options = parser.parse_args()
    setup_django()
    migrate()
    from django.core.management import call_command
    from django.db import connection

    # Production settings name static files by their hash, so pages need the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)

    from editorial.store import store_issue

    rng = random.Random(20261128)
    editor, reviewer = make_users()
    worlds, setup_s = {}, {}
    for number, size in enumerate(SIZES, start=1):
        start = time.perf_counter()
        published = store_issue(
            synthetic_issue(2025, number, sections=SECTIONS, per_section=size // SECTIONS)
        )
        working = build_working_issue(number, size, editor)
        first = working.sections.order_by("position").first().entries.order_by("position")[0]
        worlds[size] = (published, working, first.pk)
        setup_s[size] = round(time.perf_counter() - start, 2)
    queries = bench_queries(editor, reviewer, worlds)
    editing = bench_editing(editor, worlds[500][1], options.budget, rng)
    archive = bench_archive(options.archive_issues, 100)
    emit(
        {
            "vendor": connection.vendor,
            "setup_s": setup_s,
            "editing": editing,
            "queries": queries,
            "archive": archive,
        }
    )


if __name__ == "__main__":
    main()
