"""Cross-site scripting: hostile text through every field an editor, a reviewer or a publisher
can fill (entry title, summary and URL, section titles, comments and replies, requests for
changes, send-back and reopen comments, correction notes), stored through the services, then
every page, fragment, feed and export parsed: nothing in them may execute.

test_xss_views.py does the same through the views (the forms people really post).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from editorial import services, workflow
from editorial.models import Entry, Revision
from tests.support import security_checks as checks
from tests.support.factories import make_user, shown_versions
from tests.support.payloads import (
    HOSTILE_HTTP_URLS,
    REFUSED_URLS,
    TEXT_PAYLOADS,
    marked,
    marked_payloads,
)
from tests.support.security_pages import assert_pages_carry_nothing_executable, client_for

pytestmark = pytest.mark.django_db

SECTIONS = 3


def fill_issue(year, number, people, *, first_marker=0):
    """An issue whose section titles, entries (title, URL, summary) and comments all carry
    payloads; returns it in draft."""
    editor, reviewer = people["editor"], people["reviewer"]
    payloads = marked_payloads(first_marker)
    issue = services.issue_create(
        year=year,
        number=number,
        by=editor,
        section_titles=[text[:200] for _, text in payloads[:SECTIONS]],
    )
    sections = list(issue.sections.order_by("position"))
    # A section renamed to a payload, and one added with a payload title.
    services.section_rename(sections[0], title=payloads[SECTIONS][1][:200], by=editor)
    sections.append(services.section_create(issue, title=payloads[SECTIONS + 1][1], by=editor))
    urls = HOSTILE_HTTP_URLS + [f"https://example.com/{year}/{number}/{i}" for i in range(99)]
    for i, (marker, text) in enumerate(payloads):
        entry = services.entry_create(
            sections[i % len(sections)],
            title=text,
            url=urls[i],
            summary=f"{text} 见 https://example.org/{marker} 与 {TEXT_PAYLOADS[-1]}",
            by=editor,
        )
        comment = services.comment_add(entry, by=reviewer, body=f"{text}\n第二行 {text}")
        services.comment_add(entry, by=editor, body=text, parent=comment)
    return issue


def publish(issue, people, *, note=""):
    workflow.issue_submit(issue, by=people["editor"])
    workflow.entries_approve_remaining(issue, by=people["reviewer"], versions=shown_versions(issue))
    return workflow.issue_publish(issue, by=people["publisher"], note=note)


@pytest.fixture
def world(people):
    """2026/1 published twice (a correction with a hostile note, after a send-back and a
    reopen with hostile comments); 2026/2 in review with changes requested."""
    published = fill_issue(2026, 1, people)
    entry = Entry.objects.filter(section__issue=published).order_by("pk").first()
    workflow.issue_submit(published, by=people["editor"])
    workflow.entry_request_changes(entry, by=people["reviewer"], comment=marked(90, "<b>x</b>"))
    workflow.issue_send_back(published, by=people["reviewer"], comment=marked(91, TEXT_PAYLOADS[0]))
    entry.refresh_from_db()
    services.entry_update(
        entry,
        title=marked(92, TEXT_PAYLOADS[2]),
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=people["editor"],
    )
    publish(published, people)
    workflow.issue_reopen(published, by=people["publisher"], comment=marked(93, TEXT_PAYLOADS[5]))
    entry.refresh_from_db()
    services.entry_update(
        entry,
        title=marked(94, TEXT_PAYLOADS[11]),
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=people["editor"],
    )
    publish(published, people, note=marked(95, TEXT_PAYLOADS[13]))
    in_review = fill_issue(2026, 2, people, first_marker=40)
    workflow.issue_submit(in_review, by=people["editor"])
    flagged = Entry.objects.filter(section__issue=in_review).order_by("pk")[1]
    workflow.entry_request_changes(
        flagged, by=people["reviewer"], comment=marked(96, TEXT_PAYLOADS[20])
    )
    return {"published": published, "in_review": in_review, "flagged": flagged}


def test_no_page_or_fragment_carries_anything_executable(world, people):
    shown = assert_pages_carry_nothing_executable(world, people)
    # Every payload, through every field, was shown somewhere as inert text.
    expected = {f"XSS{i:02d}" for i in range(len(TEXT_PAYLOADS))}
    assert expected <= shown, sorted(expected - shown)
    assert {"XSS91", "XSS93", "XSS95", "XSS96"} <= shown  # send-back, reopen, note, changes


def test_the_feed_carries_nothing_executable(world):
    response = client_for().get(reverse("reader:feed"))
    assert response.status_code == 200
    problems, markers = checks.feed_problems(response.content)
    assert problems == []
    assert markers, "no payload reached the feed"


def test_markdown_downloads_escape_every_field_as_the_format_says(world):
    published = world["published"]
    revision = Revision.objects.filter(issue=published).order_by("-number").first()
    for url in (
        reverse("reader:issue_markdown", args=[published.year, published.number]),
        reverse("reader:revision_markdown", args=[published.year, published.number, 1]),
        reverse("editorial:markdown", args=[published.year, published.number]),
    ):
        client = client_for(make_user("editor")) if "editorial" in url else client_for()
        markdown = client.get(url).content.decode("utf-8")
        assert checks.raw_html_lines(markdown) == [], url
    lines = set(revision.markdown.splitlines())
    sections = list(published.sections.order_by("position"))
    for section in sections:
        heading = checks.escape_as_format_says(section.title)
        if heading.endswith("#"):
            heading = heading[:-1] + "\\#"
        assert f"## {heading}" in lines
        for n, entry in enumerate(section.entries.order_by("position"), start=1):
            assert f"**{n}.** **{checks.escape_as_format_says(entry.title)}**" in lines
            assert f"**摘要:** {checks.escape_as_format_says(entry.summary)}" in lines
            assert checks.url_line_as_format_says(entry.url) in lines


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_urls_that_are_not_plain_web_addresses_are_refused(url, people):
    issue = services.issue_create(year=2026, number=9, by=people["editor"], section_titles=["A"])
    section = issue.sections.get()
    with pytest.raises(ValidationError) as refused:
        services.entry_create(section, title="t", url=url, summary="s", by=people["editor"])
    assert "url" in refused.value.message_dict
    entry = services.entry_create(
        section, title="t", url="https://example.com/", summary="s", by=people["editor"]
    )
    with pytest.raises(ValidationError):
        services.entry_update(
            entry, title="t", url=url, summary="s", version=entry.version, by=people["editor"]
        )
    assert list(Entry.objects.values_list("url", flat=True)) == ["https://example.com/"]
