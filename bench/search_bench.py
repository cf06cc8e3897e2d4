"""Search over the archive (run by db_bench after the 10,000-entry import, on its database):
the reader's search selector and the whole search page, per query, with the results checked
against the rule (the folded query inside the folded title or summary) computed in Python."""

import time

from bench.common import summary_ms

# (what it shows, query): Chinese in a tenth of the titles, one entry's number, a word in
# every summary, full-width capitals found in lower-case text, too short for a trigram, none.
QUERIES = [
    ("Chinese word, 1 in 10 titles", "一致性"),
    ("a few entries", "第 42 篇"),
    ("every entry", "测量"),
    ("full-width capitals", "ＥＸＡＭＰＬＥ．ＯＲＧ/7"),
    ("two characters (no trigram)", "缓存"),
    ("no match", "不存在的词"),
]
MIN_SAMPLES = 20


def _expected(folded: str, limit: int) -> int:
    """How many entries readers see that the rule finds, capped as the page caps it."""
    from django.utils import timezone

    from editorial.models import Entry
    from editorial.selectors.reader import _settled_issues
    from editorial.text import search_fold

    rows = Entry.objects.filter(section__issue__in=_settled_issues(timezone.now())).values_list(
        "title", "summary"
    )
    n = sum(
        1
        for title, summary in rows
        if folded in search_fold(title) or folded in search_fold(summary)
    )
    return min(n, limit + 1)


def bench_search(budget_s: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from editorial.models import Entry
    from editorial.search import fold_query
    from editorial.selectors.reader import SEARCH_MAX_RESULTS, search_entries
    from editorial.views.reader import SEARCH_PAGE_SIZE

    # The archive was just imported: give the planner what autovacuum would give it in service
    # (PostgreSQL's GIN statistics are only updated by VACUUM).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    client = Client()
    results = {"entries": Entry.objects.count(), "queries": {}}
    for label, query in QUERIES:
        now = timezone.now()
        hits = search_entries(query, now)
        expected = _expected(fold_query(query), SEARCH_MAX_RESULTS)
        if len(hits) != expected:
            raise RuntimeError(f"search for {query!r} found {len(hits)}, the rule {expected}")
        selector, page = [], []
        while sum(selector) + sum(page) < budget_s or len(selector) < MIN_SAMPLES:
            start = time.perf_counter()
            list(search_entries(query, now)[:SEARCH_PAGE_SIZE])  # the hits and a page's rows
            selector.append(time.perf_counter() - start)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(reverse("reader:search"), {"q": query}, secure=True)
                page.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"search page answered {response.status_code}")
        results["queries"][label] = {
            "query": query,
            "hits": len(hits),
            "selector": summary_ms(selector),
            "page": summary_ms(page),
            "page_queries": len(queries),
        }
    return results
