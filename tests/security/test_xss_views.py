"""The XSS suite through the views: hostile text posted in every form an editor, reviewer or
publisher fills (plain and htmx), every response parsed, then every page of the result."""

import pytest
from django.urls import reverse

from editorial.models import Comment, Entry, Issue, IssueStatus, Revision, Section
from tests.support import security_checks as checks
from tests.support.factories import english_client, shown_versions
from tests.support.htmx import HTMX
from tests.support.payloads import HOSTILE_HTTP_URLS, REFUSED_URLS, TEXT_PAYLOADS, marked
from tests.support.security_pages import assert_pages_carry_nothing_executable

pytestmark = pytest.mark.django_db


class Poster:
    """Posts forms as one person and checks every response it gets back."""

    def __init__(self, user):
        self.client = english_client()
        self.client.force_login(user)
        self.markers: set[str] = set()

    def post(self, name, args, data, *, htmx=False, expect=(200, 302)):
        response = self.client.post(reverse(name, args=args), data, **(HTMX if htmx else {}))
        assert response.status_code in expect, (name, response.status_code, response.content)
        if response.content:
            problems, markers = checks.html_problems(response.content)
            assert problems == [], (name, problems)
            self.markers |= markers
        return response


def page_versions(issue) -> dict:
    """What "approve all remaining" posts: the versions its page shows (every entry's now)."""
    return {"versions": [f"{pk}:{version}" for pk, version in shown_versions(issue).items()]}


def compose(editor: Poster, year: int, number: int, first: int) -> Issue:
    """An issue built through the composer's forms, every field hostile."""
    payloads = [marked(first + i, p) for i, p in enumerate(TEXT_PAYLOADS)]
    editor.post(
        "editorial:issue_create",
        [],
        {"year": year, "number": number, "extra_sections": "\n".join(payloads[:2])},
    )
    issue = Issue.objects.get(year=year, number=number)
    editor.post("editorial:section_create", [year, number], {"title": payloads[2]}, htmx=True)
    first_section = issue.sections.order_by("position").first()
    editor.post("editorial:section_rename", [first_section.pk], {"title": payloads[3]})
    sections = list(issue.sections.order_by("position"))
    assert len(sections) == 3
    urls = HOSTILE_HTTP_URLS + [f"https://example.com/{year}/{number}/{i}" for i in range(99)]
    for i, text in enumerate(payloads):
        editor.post(
            "editorial:entry_create",
            [sections[i % 3].pk],
            {"title": text, "url": urls[i], "summary": f"{text} https://example.org/{i}"},
            htmx=bool(i % 2),
        )
    quick = "\n\n".join(f"{text}\nhttps://example.com/quick/{i}\n{text}" for i, text in
                        enumerate(payloads[:3]))  # fmt: skip
    editor.post("editorial:quick_add", [sections[0].pk], {"text": quick}, htmx=True)
    entry = Entry.objects.filter(section__issue=issue).order_by("pk").first()
    for htmx in (False, True):
        entry.refresh_from_db()
        editor.post(
            "editorial:entry_edit",
            [entry.pk],
            {
                "title": payloads[5 + htmx],
                "url": HOSTILE_HTTP_URLS[1],
                "summary": payloads[7],
                "version": entry.version,
            },
            htmx=htmx,
        )
    editor.post("editorial:comment_create", [entry.pk], {"body": payloads[8]})
    parent = Comment.objects.filter(entry=entry).latest("pk")
    editor.post(
        "editorial:comment_create",
        [entry.pk],
        {"body": payloads[9], "parent": parent.pk},
        htmx=True,
    )
    return issue


def test_hostile_text_through_every_form_shows_as_text_only(people):
    editor, reviewer = Poster(people["editor"]), Poster(people["reviewer"])
    publisher = Poster(people["publisher"])
    published = compose(editor, 2026, 1, first=0)
    y, n = published.year, published.number
    flagged = Entry.objects.filter(section__issue=published).order_by("pk")[1]

    editor.post("editorial:issue_submit", [y, n], {})
    reviewer.post(
        "editorial:entry_request_changes",
        [flagged.pk],
        {"comment": marked(90, TEXT_PAYLOADS[2])},
        htmx=True,
    )
    reviewer.post("editorial:issue_send_back", [y, n], {"comment": marked(91, TEXT_PAYLOADS[0])})
    editor.post("editorial:issue_submit", [y, n], {}, htmx=True)
    reviewer.post("editorial:issue_approve_remaining", [y, n], page_versions(published))
    publisher.post("editorial:issue_publish", [y, n], {"at": "", "note": ""})
    assert Issue.objects.get(pk=published.pk).status == IssueStatus.PUBLISHED
    publisher.post("editorial:issue_reopen", [y, n], {"comment": marked(93, TEXT_PAYLOADS[5])})
    flagged.refresh_from_db()
    editor.post(
        "editorial:entry_edit",
        [flagged.pk],
        {
            "title": marked(94, TEXT_PAYLOADS[11]),
            "url": flagged.url,
            "summary": flagged.summary,
            "version": flagged.version,
        },
    )
    editor.post("editorial:issue_submit", [y, n], {})
    reviewer.post("editorial:issue_approve_remaining", [y, n], page_versions(published), htmx=True)
    publisher.post(
        "editorial:issue_publish", [y, n], {"at": "", "note": marked(95, TEXT_PAYLOADS[13])}
    )
    assert Revision.objects.filter(issue=published).count() == 2

    in_review = compose(editor, 2026, 2, first=40)
    editor.post("editorial:issue_submit", [2026, 2], {})
    second = Entry.objects.filter(section__issue=in_review).order_by("pk")[1]
    reviewer.post(
        "editorial:entry_request_changes",
        [second.pk],
        {"comment": marked(96, TEXT_PAYLOADS[20])},
    )

    world = {"published": published, "in_review": in_review, "flagged": second}
    shown = assert_pages_carry_nothing_executable(world, people)
    shown |= editor.markers | reviewer.markers | publisher.markers
    expected = {f"XSS{i:02d}" for i in range(len(TEXT_PAYLOADS))}
    assert expected <= shown, sorted(expected - shown)
    assert {"XSS91", "XSS93", "XSS95", "XSS96"} <= shown


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_refused_url_is_answered_with_a_clean_message_and_nothing_stored(url, people):
    editor = Poster(people["editor"])
    editor.post("editorial:issue_create", [], {"year": 2026, "number": 3, "extra_sections": "A"})
    section = Section.objects.get()
    for htmx in (False, True):
        response = editor.post(
            "editorial:entry_create",
            [section.pk],
            {"title": marked(1, TEXT_PAYLOADS[0]), "url": url, "summary": TEXT_PAYLOADS[2]},
            htmx=htmx,
            expect=(200, 400, 422),
        )
        root = checks.parse_html(response.content)
        assert checks.element_problems(root) == []
        if response.status_code != 400:  # 400: a NUL makes the whole request malformed
            assert "XSS01" in checks.markers_in_values(root)  # the form comes back, inert
    assert not Entry.objects.exists()
    # The duplicate-link check that runs while typing answers it too, without a server error.
    for htmx in (False, True):
        response = editor.client.get(
            reverse("editorial:check_url"), {"url": url}, **(HTMX if htmx else {})
        )
        assert response.status_code < 500, (url, response.status_code)
        assert checks.html_problems(response.content)[0] == []
