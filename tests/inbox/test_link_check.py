"""The review page's link check against servers the tests start: each status in words,
results kept for an hour, a warning and never a block."""

import datetime

from django.urls import reverse
from django.utils import timezone

from editorial.inbox.services.link_check import check_link
from editorial.models import EntryStatus, IssueStatus, LinkCheck
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.page_servers import html, local_server, redirect, stall


def head_refused(handler, server):
    if handler.command == "HEAD":
        handler.send_response(405)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    body = b"<html>fine</html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


ROUTES = {
    "/ok": html("<p>ok</p>"),
    "/moved": redirect("/ok", 301),
    "/missing": html("<p>no</p>", status=404),
    "/gone": html("<p>gone</p>", status=410),
    "/broken": html("<p>oops</p>", status=500),
    "/head-refused": head_refused,
    "/slow": stall,
}


def test_statuses_in_words(settings):
    with local_server(ROUTES) as server:
        results = {path: check_link(server.url(path)) for path in ROUTES if path != "/slow"}
        settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.3
        results["/slow"] = check_link(server.url("/slow"))
    assert results["/ok"].outcome == "ok"
    assert results["/moved"].outcome == "redirected"
    assert results["/moved"].location == server.url("/ok")
    assert results["/missing"].outcome == "not_found"
    assert results["/gone"].outcome == "gone"
    assert (results["/broken"].outcome, results["/broken"].status_code) == ("error", 500)
    assert results["/head-refused"].outcome == "ok"
    assert results["/slow"].outcome == "timed_out"
    assert check_link(f"http://127.0.0.1:{server.port}/").outcome == "unreachable"
    assert check_link("http://10.0.0.1/").outcome == "refused"


def test_the_review_page_checks_links_and_shows_them(reviewer_client, run_tasks):
    with local_server(ROUTES) as server:
        issue = make_issue(
            2024,
            60,
            {
                "链接": [
                    (f"条目 {path}", server.url(path), "摘要")
                    for path in ("/ok", "/moved", "/missing", "/gone", "/broken", "/head-refused")
                ]
            },
            status=IssueStatus.IN_REVIEW,
            entry_status=EntryStatus.SUBMITTED,
        )
        review = reviewer_client.get(reverse("editorial:review_issue", args=[2024, 60]))
        assert b"Check links" in review.content
        url = reverse("editorial:link_check", args=[2024, 60])
        with run_tasks():
            started = reviewer_client.post(url, **HTMX)
        assert started.status_code == 200
        assert b"checking" in started.content  # the worker's results come after the answer
        response = reviewer_client.get(url, **HTMX)
        hits = len(server.hits)
    text = response.content.decode()
    assert 'data-outcome="ok">ok</span>' in text
    assert f'redirected to <a href="{server.url("/ok")}"' in text
    assert "not found" in text
    assert "gone" in text
    assert "answered with an error (500)" in text
    assert text.count('data-outcome="ok"') == 2
    assert "3 links need a look." in text
    assert LinkCheck.objects.filter(entry__section__issue=issue).count() == 6
    # Kept for an hour: asking again checks nothing...
    with run_tasks():
        reviewer_client.post(url, **HTMX)
    assert len(server.hits) == hits
    # ...and after an hour, the links are asked again.
    LinkCheck.objects.update(checked_at=timezone.now() - datetime.timedelta(hours=2))
    assert reviewer_client.get(url, **HTMX).content.count(b"data-outcome") == 0


def test_a_broken_link_does_not_block_publishing(reviewer_client, run_tasks):
    issue = make_issue(
        2024,
        61,
        {"链接": [("死链", "http://10.0.0.1/dead", "摘要")]},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.APPROVED,
    )
    with run_tasks():
        reviewer_client.post(reverse("editorial:link_check", args=[2024, 61]))
    assert LinkCheck.objects.get().outcome == "refused"
    response = reviewer_client.post(reverse("editorial:issue_publish", args=[2024, 61]))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED


def test_results_follow_the_url(reviewer_client, run_tasks):
    issue = make_issue(2024, 62, {"链接": [("甲", "http://10.0.0.1/a", "摘要")]})
    with run_tasks():
        reviewer_client.post(reverse("editorial:link_check", args=[2024, 62]))
    entry = issue.sections.first().entries.first()
    entry.url = "http://10.0.0.1/b"
    entry.save()
    page = reviewer_client.get(reverse("editorial:link_check", args=[2024, 62]))
    assert b"data-outcome" not in page.content


def test_plain_post_redirects_back_to_the_review(reviewer_client, run_tasks):
    make_issue(2024, 63, {"链接": [("甲", "http://10.0.0.1/a", "摘要")]})
    with run_tasks():
        response = reviewer_client.post(reverse("editorial:link_check", args=[2024, 63]))
    assert response["Location"].endswith("/review/2024/63/#link-check")
    page = reviewer_client.get(reverse("editorial:link_check", args=[2024, 63]))
    assert b"address not allowed" in page.content
