"""A large issue's review page: one section at a time, with a section navigation; "approve all
remaining" there is for that section's shown entries alone. A small issue stays on one page."""

import re

import pytest
from django.urls import reverse

from editorial.compose.views import review
from editorial.models import Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.pages import messages_of
from tests.support.record import page_versions
from tests.support.review import entries_of

pytestmark = pytest.mark.django_db


def review_url(issue, section=None):
    url = reverse("editorial:review_issue", args=[issue.year, issue.number])
    return url if section is None else f"{url}?section={section}"


def shown_titles(html: str) -> list[str]:
    return re.findall(r'id="section-title-\d+">([^<]*)</h2>', html)


def sections_of(issue):
    return list(issue.sections.order_by("position"))


@pytest.fixture
def by_section(monkeypatch):
    """The review page shows one section at a time from four entries on."""
    monkeypatch.setattr(review, "REVIEW_PAGE_ENTRIES", 3)


def test_a_large_issue_shows_its_first_section_and_the_navigation(reviewer_client, editor):
    per_section = review.REVIEW_PAGE_ENTRIES // 2 + 1  # just over the threshold in all
    sections = {
        title: [
            (f"{title} {i}", f"https://example.com/{s}/{i}", f"摘要 {i}")
            for i in range(per_section)
        ]
        for s, title in enumerate(["甲栏", "乙栏"])
    }
    issue = make_issue(
        2024,
        50,
        sections,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=editor,
    )
    first, second = sections_of(issue)
    html = reviewer_client.get(review_url(issue)).content.decode()
    assert shown_titles(html) == ["甲栏"]
    assert len(page_versions(html)) == per_section
    assert html.count('class="review-entry ') == per_section
    nav = html[html.index('<nav class="review-sections"') :].split("</nav>")[0]
    assert 'aria-label="Sections of this issue"' in nav
    assert f'href="{review_url(issue, first.pk)}" aria-current="page">甲栏</a>' in nav
    assert f'href="{review_url(issue, second.pk)}">乙栏</a>' in nav
    assert nav.count(f"{per_section} awaiting review") == 2
    assert (
        f'href="{review_url(issue, second.pk)}" rel="next">Next section: <bdi>乙栏</bdi></a>' in nav
    )
    assert 'rel="prev"' not in nav
    # The counts are the whole issue's.
    assert f"{2 * per_section} entries: {2 * per_section} submitted" in html


def test_the_default_section_is_the_first_with_entries_awaiting_review(
    reviewer_client, issue_in_review, by_section
):
    first, second = sections_of(issue_in_review)
    Entry.objects.filter(section=first).update(status=EntryStatus.APPROVED)
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    assert shown_titles(html) == [second.title]
    assert f'rel="prev">Previous section: <bdi>{first.title}</bdi></a>' in html
    assert "0 awaiting review" in html
    # Nothing awaiting anywhere: the first section.
    Entry.objects.filter(section=second).update(status=EntryStatus.APPROVED)
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    assert shown_titles(html) == [first.title]


def test_a_section_asked_for_is_shown(reviewer_client, issue_in_review, by_section):
    _first, second = sections_of(issue_in_review)
    html = reviewer_client.get(review_url(issue_in_review, second.pk)).content.decode()
    assert shown_titles(html) == [second.title]
    assert f'href="{review_url(issue_in_review, second.pk)}" aria-current="page"' in html
    # A plain POST comes back to this section's page.
    assert f'name="next" value="{review_url(issue_in_review, second.pk)}"' in html
    assert f'name="section" value="{second.pk}"' in html


@pytest.mark.parametrize("wanted", ["abc", "", "1.5", "²", "-1", "99999999999999999999", "other"])
def test_a_bad_section_shows_the_default_one(reviewer_client, issue_in_review, by_section, wanted):
    if wanted == "other":
        wanted = sections_of(make_issue(2024, 34))[0].pk
    response = reviewer_client.get(review_url(issue_in_review, wanted))
    assert response.status_code == 200
    assert shown_titles(response.content.decode()) == [sections_of(issue_in_review)[0].title]


def test_a_small_issue_shows_every_section(reviewer_client, issue_in_review):
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    assert shown_titles(html) == [section.title for section in sections_of(issue_in_review)]
    assert "review-sections" not in html
    assert 'name="section"' not in html
    assert len(page_versions(html)) == 4
    assert "Approve all remaining</button>" in html


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_approve_all_on_a_section_page_approves_that_section_only(
    reviewer_client, issue_in_review, by_section, mode
):
    first, second = sections_of(issue_in_review)
    page = review_url(issue_in_review, second.pk)
    html = reviewer_client.get(page).content.decode()
    assert "Approve all remaining in this section</button>" in html
    assert f"Every submitted entry of the section “<bdi>{second.title}</bdi>”" in html
    shown = page_versions(html)
    assert sorted(shown) == sorted(
        f"{entry.pk}:{entry.version}" for entry in entries_of(issue_in_review)[2:]
    )
    url = reverse("editorial:issue_approve_remaining", args=[2024, 33])
    data = {"next": page, "section": second.pk, "versions": shown}
    response = reviewer_client.post(url, data, **(HTMX if mode == "htmx" else {}))
    if mode == "plain":
        assert response.status_code == 302
        assert response.url == page
    else:
        assert response.status_code == 200
    assert messages_of(response) == ["Approved 2 entries."]
    statuses = {entry.section_id: set() for entry in entries_of(issue_in_review)}
    for entry in entries_of(issue_in_review):
        statuses[entry.section_id].add(entry.status)
    assert statuses == {first.pk: {EntryStatus.SUBMITTED}, second.pk: {EntryStatus.APPROVED}}


def test_approve_all_for_a_section_leaves_an_entry_changed_since(
    reviewer_client, issue_in_review, by_section
):
    _first, second = sections_of(issue_in_review)
    html = reviewer_client.get(review_url(issue_in_review, second.pk)).content.decode()
    changed = entries_of(issue_in_review)[3]
    Entry.objects.filter(pk=changed.pk).update(version=changed.version + 1)
    url = reverse("editorial:issue_approve_remaining", args=[2024, 33])
    response = reviewer_client.post(
        url, {"section": second.pk, "versions": page_versions(html)}, **HTMX
    )
    [message] = messages_of(response)
    assert message.startswith("Approved 1 entry. Left, because it changed")
    assert changed.title in message
    assert [e.status for e in entries_of(issue_in_review)] == ["submitted"] * 2 + [
        "approved",
        "submitted",
    ]


@pytest.mark.parametrize("section", ["abc", "²"])
def test_approve_all_with_a_damaged_section_changes_nothing(
    reviewer_client, issue_in_review, section
):
    url = reverse("editorial:issue_approve_remaining", args=[2024, 33])
    versions = page_versions(reviewer_client.get(review_url(issue_in_review)).content.decode())
    response = reviewer_client.post(url, {"section": section, "versions": versions}, **HTMX)
    assert response.status_code == 422
    assert "The approval form is damaged" in response.content.decode()
    assert {e.status for e in entries_of(issue_in_review)} == {EntryStatus.SUBMITTED}


def test_a_section_page_is_valid_html(reviewer_client, issue_in_review, by_section):
    from tests.support.pages import check_html

    second = sections_of(issue_in_review)[1]
    for url in (review_url(issue_in_review), review_url(issue_in_review, second.pk)):
        check_html(reviewer_client.get(url).content.decode())
        check_html(reviewer_client.get(url, **HTMX).content.decode())
