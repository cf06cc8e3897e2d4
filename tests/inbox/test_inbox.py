"""The inbox through its views: saving (one, many, from the bookmarklet's page), the fetch
filling the card, failures in words, the same-link flag, add to issue, dismiss and restore."""

import pytest
from django.urls import reverse

from editorial.models import AuditEvent, Entry, EntryStatus, InboxItem, IssueStatus
from editorial.services import inbox as inbox_services
from editorial.views.htmx import LIVE_REGION
from tests.factories import make_issue, make_published_issue, make_user
from tests.inbox.servers import WECHAT_ARTICLE, html, local_server

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = (
    '<html><head><meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;'
    '<img src=x onerror=alert(2)>">'
    '<meta property="og:description" content="&quot;&gt;&lt;svg onload=alert(3)&gt;">'
    "</head><body><p>x</p></body></html>"
)


def save(client, run_tasks, url, **extra):
    with run_tasks():
        return client.post(reverse("editorial:inbox_save"), {"url": url, **extra})


def test_saving_a_link_fills_its_card_from_the_page(editor_client, run_tasks):
    with local_server({"/s/AbCdEf": html(WECHAT_ARTICLE)}) as server:
        response = save(editor_client, run_tasks, server.url("/s/AbCdEf"), note="下周用")
    assert response.status_code == 302
    item = InboxItem.objects.get()
    assert item.fetch_state == "done"
    assert item.title == "云原生网关的演进：从 Ingress 到 Gateway API"
    assert item.description == "本文主要介绍了 Gateway API 的设计与落地实践。"
    assert item.site_name == "云计算技术动态"
    assert str(item.published_on) == "2024-08-05"
    assert item.note == "下周用"
    assert item.saved_by.username == "inbox-editor"
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert "云原生网关的演进：从 Ingress 到 Gateway API" in page
    assert "本文主要介绍了 Gateway API 的设计与落地实践。" in page


def test_saving_answers_before_the_page_is_fetched(editor_client):
    """Without the commit callbacks run, the item is saved and waits for the worker."""
    response = editor_client.post(
        reverse("editorial:inbox_save"), {"url": "https://example.com/later"}, **HTMX
    )
    assert response.status_code == 200
    item = InboxItem.objects.get()
    assert item.fetch_state == "pending"
    text = response.content.decode()
    assert "Fetching the page" in text
    assert f'data-hx-get="{reverse("editorial:inbox_item", args=[item.pk])}"' in text


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"/": html("<p>no</p>", status=404)}, "not found (404)"),
        ({"/": (200, {"Content-Type": "application/pdf"}, b"%PDF")}, "not a web page"),
    ],
)
def test_a_failed_fetch_is_shown_in_words(editor_client, run_tasks, route, message):
    with local_server(route) as server:
        save(editor_client, run_tasks, server.url("/"))
    item = InboxItem.objects.get()
    assert item.fetch_state == "failed"
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert f"Could not fetch the page: {message}." in page
    assert "Traceback" not in page


def test_a_private_address_is_saved_but_not_fetched(editor_client, run_tasks, settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = []
    save(editor_client, run_tasks, "http://10.0.0.1/admin")
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert "address not allowed" in page


def test_bad_input_is_a_message_and_nothing_is_saved(editor_client, run_tasks):
    for url in [
        "",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "https://exa mple.com",
        "x" * 3000,
    ]:
        response = save(editor_client, run_tasks, url)
        assert response.status_code == 200, url
        assert b"field__error" in response.content, url
    response = save(editor_client, run_tasks, "https://example.com/", title="t" * 400)
    assert b"Title: at most 300 characters" in response.content
    assert InboxItem.objects.count() == 0


def test_the_bookmarklet_page_is_prefilled_and_saves(editor_client, run_tasks):
    url = reverse("editorial:inbox_save")
    page = editor_client.get(url, {"url": "https://example.com/a?b=1", "title": "A <b>page</b>"})
    text = page.content.decode()
    assert 'value="https://example.com/a?b=1"' in text
    assert 'value="A &lt;b&gt;page&lt;/b&gt;"' in text
    assert page["Content-Security-Policy"]
    response = save(editor_client, run_tasks, "https://example.com/a?b=1", popup="1", title="A")
    assert response.status_code == 200
    assert b"Saved to the inbox." in response.content
    assert InboxItem.objects.get().title == "A"


def test_the_inbox_offers_the_bookmarklet(editor_client):
    text = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert (
        'href="javascript:(function(){window.open(&#x27;http://testserver/editorial/inbox/save/?url='
        in text
    )
    assert "encodeURIComponent(location.href)" in text
    assert "encodeURIComponent(document.title)" in text


def test_a_paste_of_ten_links_saves_ten(editor_client, run_tasks):
    with local_server({f"/{n}": html(f"<title>第 {n} 篇</title>") for n in range(10)}) as server:
        text = "\n".join(server.url(f"/{n}") for n in range(10)) + "\n\n" + server.url("/0")
        with run_tasks():
            response = editor_client.post(reverse("editorial:inbox_paste"), {"urls": text}, **HTMX)
    assert response.status_code == 200
    assert b"Saved 10 links." in response.content
    assert sorted(InboxItem.objects.values_list("title", flat=True)) == sorted(
        f"第 {n} 篇" for n in range(10)
    )


def test_a_paste_with_a_bad_line_saves_nothing_and_names_it(editor_client, run_tasks):
    with run_tasks():
        response = editor_client.post(
            reverse("editorial:inbox_paste"),
            {"urls": "https://example.com/1\nnot a link\nhttps://example.com/3"},
            **HTMX,
        )
    assert response.status_code == 422
    assert b"Line 2:" in response.content
    assert InboxItem.objects.count() == 0


def test_the_same_link_is_flagged_with_where(editor_client, run_tasks):
    issue = make_issue(2024, 40)
    entry = Entry.objects.filter(section__issue=issue).first()
    save(
        editor_client,
        run_tasks,
        entry.url.upper().replace("HTTPS://EXAMPLE.COM", "https://Example.com") + "/",
    )
    save(editor_client, run_tasks, entry.url + "?utm_source=x")
    text = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert text.count("The same link is already") == 2
    assert f"#entry-{entry.pk}" in text
    assert issue.label in text
    assert "in the inbox, saved" in text


def test_adding_to_an_issue_goes_through_the_entry_service(editor_client, run_tasks):
    issue = make_issue(2024, 41, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED)
    section = issue.sections.last()
    with local_server({"/s/AbCdEf": html(WECHAT_ARTICLE)}) as server:
        save(editor_client, run_tasks, server.url("/s/AbCdEf"))
    item = InboxItem.objects.get()
    response = editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": section.pk}, **HTMX
    )
    assert response.status_code == 200
    entry = Entry.objects.get(url=item.url)
    assert entry.section == section
    assert entry.title == "云原生网关的演进：从 Ingress 到 Gateway API"
    assert entry.summary == "本文主要介绍了 Gateway API 的设计与落地实践。"
    assert entry.status == EntryStatus.SUBMITTED  # the workflow's choice for an issue in review
    assert entry.position == section.entries.count()
    assert AuditEvent.objects.filter(entry=entry, action="entry_create").count() == 1
    item.refresh_from_db()
    assert (item.state, item.entry) == ("used", entry)
    text = response.content.decode()
    assert f"#entry-{entry.pk}" in text
    assert "Added to" in text
    again = editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": section.pk}, **HTMX
    )
    assert again.status_code == 409
    assert b"added to an issue already" in again.content
    assert Entry.objects.filter(url=item.url).count() == 1


def test_adding_to_a_published_issue_is_refused(editor_client):
    issue = make_published_issue(2024, 42)
    item = InboxItem.objects.create(url="https://example.com/p", title="P", fetch_state="done")
    response = editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]),
        {"section": issue.sections.first().pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "new"
    assert not Entry.objects.filter(url=item.url).exists()


def test_adding_without_a_title_uses_the_link(editor_client):
    issue = make_issue(2024, 43)
    item = InboxItem.objects.create(url="https://example.com/no-title", fetch_state="failed")
    editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": issue.sections.first().pk}
    )
    assert Entry.objects.get(url=item.url).title == "example.com/no-title"


@pytest.mark.parametrize("section", ["", "abc", "999999", "-1"])
def test_adding_to_no_section_is_a_message(editor_client, section):
    item = InboxItem.objects.create(url="https://example.com/x", fetch_state="done")
    response = editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": section}, **HTMX
    )
    assert response.status_code == 422
    assert b"composer-notice--error" in response.content
    assert response["HX-Retarget"] == LIVE_REGION


def test_dismiss_and_restore(editor_client):
    item = InboxItem.objects.create(url="https://example.com/d", fetch_state="done")
    url = reverse("editorial:inbox_item_state", args=[item.pk])
    assert editor_client.post(url, {"action": "dismiss"}, **HTMX).status_code == 200
    item.refresh_from_db()
    assert item.state == "dismissed"
    dismissed = editor_client.get(reverse("editorial:inbox"), {"state": "dismissed"})
    assert b"https://example.com/d" in dismissed.content
    assert b"https://example.com/d" not in editor_client.get(reverse("editorial:inbox")).content
    assert editor_client.post(url, {"action": "dismiss"}, **HTMX).status_code == 409
    editor_client.post(url, {"action": "restore"})
    item.refresh_from_db()
    assert item.state == "new"
    assert editor_client.post(url, {"action": "explode"}, **HTMX).status_code == 422


def test_refetch_after_a_failure(editor_client, run_tasks):
    with local_server({"/": html("<title>Now</title>")}) as server:
        item = InboxItem.objects.create(
            url=server.url("/"), fetch_state="failed", fetch_error="timeout"
        )
        with run_tasks():
            editor_client.post(
                reverse("editorial:inbox_item_state", args=[item.pk]), {"action": "refetch"}
            )
    item.refresh_from_db()
    assert (item.fetch_state, item.title) == ("done", "Now")


def test_hostile_page_metadata_is_escaped_everywhere(editor_client, run_tasks):
    with local_server({"/": html(HOSTILE)}) as server:
        save(editor_client, run_tasks, server.url("/"))
    item = InboxItem.objects.get()
    assert item.fetch_state == "done"
    issue = make_issue(2024, 44)
    editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": issue.sections.first().pk}
    )
    pages = [
        editor_client.get(reverse("editorial:inbox"), {"state": "used"}),
        editor_client.get(reverse("editorial:inbox_item", args=[item.pk])),
        editor_client.get(issue.get_composer_url()),
    ]
    for page in pages:
        text = page.content.decode()
        for live in ("<script>alert", "<img src=x", "<svg onload", "onerror=alert(2)>"):
            assert live not in text


def test_the_inbox_page_reads_a_fixed_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    make_issue(2024, 45)
    for n in range(30):
        InboxItem.objects.create(
            url=f"https://example.com/q/{n}", title=f"t{n}", fetch_state="done"
        )
    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("editorial:inbox"))
    assert response.content.count(b'class="inbox-card ') == 30


def test_the_inbox_works_in_its_three_modes(editor_client):
    InboxItem.objects.create(url="https://example.com/m", title="Mode", fetch_state="done")
    url = reverse("editorial:inbox")
    plain = editor_client.get(url)
    fragment = editor_client.get(url, **HTMX)
    restore = editor_client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert b"<html" in plain.content and b"<html" in restore.content
    assert b"<html" not in fragment.content
    for response in (plain, fragment, restore):
        assert b"Mode" in response.content
        assert "HX-Request" in response["Vary"]


def test_services_refuse_readers(db):
    reader = make_user("reader", username="someone")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        inbox_services.inbox_save("https://example.com/", by=reader)


def test_a_used_link_whose_entry_was_deleted_can_come_back(editor_client):
    issue = make_issue(2024, 46)
    item = InboxItem.objects.create(url="https://example.com/back", title="B", fetch_state="done")
    editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": issue.sections.first().pk}
    )
    item.refresh_from_db()
    url = reverse("editorial:inbox_item_state", args=[item.pk])
    assert editor_client.post(url, {"action": "restore"}, **HTMX).status_code == 409
    Entry.objects.filter(pk=item.entry_id).delete()
    card = editor_client.get(reverse("editorial:inbox_item", args=[item.pk]), **HTMX)
    assert b'value="restore"' in card.content
    assert editor_client.post(url, {"action": "restore"}, **HTMX).status_code == 200
    item.refresh_from_db()
    assert item.state == "new"


def test_a_page_that_breaks_the_reader_fails_in_words(editor_client, run_tasks, monkeypatch):
    from editorial.services import inbox as service

    def broken(*args, **kwargs):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(service, "extract_page", broken)
    with local_server({"/": html("<title>x</title>")}) as server:
        save(editor_client, run_tasks, server.url("/"))
    item = InboxItem.objects.get()
    assert (item.fetch_state, item.fetch_error) == ("failed", "unreadable")


def test_the_inbox_queries_do_not_grow_with_its_items(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_issue(2024, 47)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            editor_client.get(reverse("editorial:inbox"))
        return len(captured.captured_queries)

    for n in range(3):
        InboxItem.objects.create(url=f"https://example.com/g/{n}", fetch_state="done")
    few = queries()
    for n in range(3, 40):
        InboxItem.objects.create(url=f"https://example.com/g/{n}", fetch_state="done")
    assert queries() == few


@pytest.mark.parametrize("name", ["inbox_item", "link_check"])
def test_the_other_pages_work_in_their_three_modes(reviewer_client, name):
    issue = make_issue(2024, 48)
    item = InboxItem.objects.create(url="https://example.com/3", title="Three", fetch_state="done")
    args = [item.pk] if name == "inbox_item" else [issue.year, issue.number]
    url = reverse(f"editorial:{name}", args=args)
    plain = reviewer_client.get(url)
    fragment = reviewer_client.get(url, **HTMX)
    restore = reviewer_client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert plain.status_code == fragment.status_code == restore.status_code == 200
    assert b"<html" in plain.content and b"<html" in restore.content
    assert b"<html" not in fragment.content
    for response in (plain, fragment, restore):
        assert "HX-Request" in response["Vary"]
