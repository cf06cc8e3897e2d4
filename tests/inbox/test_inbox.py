"""The inbox through its views: saving (one, many, from the bookmarklet's page), the fetch
filling the card, failures in words, the same-link flag, add to issue, dismiss and restore."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.htmx import LIVE_REGION
from editorial.inbox.services import items as inbox_services
from editorial.models import AuditEvent, Entry, EntryStatus, InboxItem, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server

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
    # The page's one poll asks about it (no poll of its own).
    assert f'value="{item.pk}:{item.change_stamp}" data-inbox-pending' in text


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
    from editorial.inbox.services import items as service

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


def test_fetch_again_queues_one_fetch_however_often_it_is_pressed(editor_client, monkeypatch):
    queued = []
    monkeypatch.setattr(inbox_services, "_enqueue_fetch", queued.append)
    item = InboxItem.objects.create(
        url="https://example.com/a", fetch_state="failed", fetch_error="timeout"
    )
    url = reverse("editorial:inbox_item_state", args=[item.pk])
    for _ in range(20):
        assert editor_client.post(url, {"action": "refetch"}, **HTMX).status_code == 200
    assert queued == [item.pk]
    item.refresh_from_db()
    assert item.fetch_state == "pending"


def test_the_fetch_queue_is_bounded(editor_client, monkeypatch):
    monkeypatch.setattr(inbox_services, "_enqueue_fetch", lambda pk: None)
    monkeypatch.setattr(inbox_services, "PENDING_PER_EDITOR", 5)
    paste = reverse("editorial:inbox_paste")
    links = "\n".join(f"https://example.com/{n}" for n in range(4))
    assert editor_client.post(paste, {"urls": links}).status_code == 302
    more = "\n".join(f"https://example.com/more/{n}" for n in range(2))
    response = editor_client.post(paste, {"urls": more}, **HTMX)
    assert "links waiting to be fetched" in response.content.decode()
    assert InboxItem.objects.count() == 4  # nothing of the refused paste was saved
    # In all, whoever saves.
    monkeypatch.setattr(inbox_services, "PENDING_PER_EDITOR", 1000)
    monkeypatch.setattr(inbox_services, "PENDING_IN_ALL", 4)
    response = editor_client.post(
        reverse("editorial:inbox_save"), {"url": "https://example.com/one-more"}, **HTMX
    )
    assert "Too many links are waiting" in response.content.decode()
    assert InboxItem.objects.count() == 4


def test_a_fetch_whose_worker_died_is_queued_again_then_given_up(editor_client, monkeypatch):
    """A worker killed mid-fetch (or none running) left its card "Fetching the page…" for
    ever: the inbox queues such a fetch once more, then says it did not finish, and Fetch again
    is offered."""
    queued = []
    monkeypatch.setattr(inbox_services, "_enqueue_fetch", queued.append)
    long_ago = timezone.now() - inbox_services.FETCH_STALLED_AFTER - datetime.timedelta(seconds=1)
    item = InboxItem.objects.create(
        url="https://example.com/a", fetch_queued_at=long_ago, fetch_attempts=1
    )
    fresh = InboxItem.objects.create(
        url="https://example.com/b", fetch_queued_at=timezone.now(), fetch_attempts=1
    )
    editor_client.get(reverse("editorial:inbox"))
    editor_client.get(reverse("editorial:inbox"))  # a second look queues nothing more
    assert queued == [item.pk]
    item.refresh_from_db()
    assert (item.fetch_state, item.fetch_attempts) == ("pending", 2)
    # Still waiting long after the second try: failed, in words, with Fetch again.
    InboxItem.objects.filter(pk=item.pk).update(fetch_queued_at=long_ago)
    card = editor_client.get(reverse("editorial:inbox_item", args=[item.pk]), **HTMX)
    item.refresh_from_db()
    assert (item.fetch_state, item.fetch_error) == ("failed", "stalled")
    assert "did not finish" in card.content.decode()
    fresh.refresh_from_db()
    assert fresh.fetch_state == "pending"
    assert queued == [item.pk]


# --- Add to: the issue and its state named, the newest draft by default -----------------------


def add_options(html: str, item_pk: int) -> tuple[list[str], str | None]:
    """The texts of the card's Add to options (bidi isolates dropped) and the chosen one."""
    import lxml.html

    select = lxml.html.fromstring(html).get_element_by_id(f"inbox-add-{item_pk}-section")
    options = select.findall(".//option")
    texts = [o.text_content().replace("\u2068", "").replace("\u2069", "") for o in options]
    chosen = [t for o, t in zip(options, texts, strict=True) if o.get("selected") is not None]
    assert len(chosen) <= 1
    return texts, next(iter(chosen), None)


@pytest.fixture
def open_issues(db):
    """This week's draft (33), last week's still in review (34, numbered ahead of it: the
    first option), an older draft (30) and a published issue (31), each with 分布式系统 and
    云计算技术."""
    return {
        "review": make_issue(2024, 34, status=IssueStatus.IN_REVIEW),
        "draft": make_issue(2024, 33),
        "old_draft": make_issue(2024, 30),
        "published": make_published_issue(2024, 31),
    }


def test_the_add_to_choice_names_each_issue_and_its_state(editor_client, open_issues):
    item = InboxItem.objects.create(url="https://example.com/c", title="C", fetch_state="done")
    texts, chosen = add_options(
        editor_client.get(reverse("editorial:inbox")).content.decode(), item.pk
    )
    assert texts == [
        "2024 年第三十四期 · In review › 分布式系统",
        "2024 年第三十四期 · In review › 云计算技术",
        "2024 年第三十三期 · Draft › 分布式系统",
        "2024 年第三十三期 · Draft › 云计算技术",
        "2024 年第三十期 · Draft › 分布式系统",
        "2024 年第三十期 · Draft › 云计算技术",
    ]  # the published issue is never offered
    assert chosen == "2024 年第三十三期 · Draft › 分布式系统"  # the newest draft, not the review
    # The section's title is isolated in its option: a direction mark typed in it stays in it.
    page = editor_client.get(reverse("editorial:inbox_item", args=[item.pk])).content.decode()
    assert "2024 年第三十三期 · Draft › \u2068分布式系统\u2069</option>" in page


def test_the_add_to_choice_reads_in_chinese(open_issues):
    from django.test import Client

    client = Client()
    client.force_login(make_user("editor", username="zh-editor"))
    item = InboxItem.objects.create(url="https://example.com/z", title="Z", fetch_state="done")
    _texts, chosen = add_options(client.get(reverse("editorial:inbox")).content.decode(), item.pk)
    assert chosen == "2024 年第三十三期 · 草稿 › 分布式系统"


@pytest.mark.parametrize(
    ("suggested", "expected"),
    [
        ("云计算技术", "2024 年第三十三期 · Draft › 云计算技术"),
        ("没有这个分区", "2024 年第三十三期 · Draft › 分布式系统"),
    ],
)
def test_the_suggested_section_is_chosen_within_the_newest_draft(
    editor_client, open_issues, suggested, expected
):
    item = InboxItem.objects.create(
        url="https://example.com/s", fetch_state="done", suggested_section=suggested
    )
    page = editor_client.get(reverse("editorial:inbox_item", args=[item.pk])).content.decode()
    assert add_options(page, item.pk)[1] == expected


def test_without_a_draft_the_newest_issue_in_review_is_chosen(editor_client):
    make_issue(2024, 35, status=IssueStatus.IN_REVIEW)
    make_issue(2024, 36, {"空的": []})
    make_issue(2024, 37, {}, status=IssueStatus.IN_REVIEW)  # no section to choose
    draft_without_sections = make_issue(2024, 38, {})
    item = InboxItem.objects.create(url="https://example.com/r", fetch_state="done")
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    texts, chosen = add_options(page, item.pk)
    assert chosen == "2024 年第三十六期 · Draft › 空的"
    assert draft_without_sections.label not in "".join(texts)
    from editorial.models import Issue

    Issue.objects.filter(number=36).delete()
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert add_options(page, item.pk)[1] == "2024 年第三十五期 · In review › 分布式系统"


def test_a_published_issue_is_refused_by_name_and_nothing_changes(editor_client, open_issues):
    item = InboxItem.objects.create(url="https://example.com/p2", title="P", fetch_state="done")
    section = open_issues["published"].sections.first()
    before = Entry.objects.count()
    response = editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": section.pk}, **HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == LIVE_REGION
    assert "2024 年第三十一期 is published: nothing can be added to it." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert (item.state, item.entry_id, Entry.objects.count()) == ("new", None, before)


def test_readers_cannot_add_and_nothing_changes(db, open_issues):
    from django.test import Client

    item = InboxItem.objects.create(url="https://example.com/n", title="N", fetch_state="done")
    section = open_issues["draft"].sections.first()
    url = reverse("editorial:inbox_add", args=[item.pk])
    reader = Client()
    reader.force_login(make_user("reader", username="inbox-reader"))
    assert reader.post(url, {"section": section.pk}).status_code == 403
    assert reader.post(url, {"section": section.pk}, **HTMX).status_code == 403
    assert Client().post(url, {"section": section.pk}, **HTMX).status_code == 401
    item.refresh_from_db()
    assert item.state == "new"
    assert not Entry.objects.filter(url=item.url).exists()


# --- the tabs' counts follow every change, and the words agree --------------------------------


def counts_in(html: str) -> dict[str, str]:
    """The counts the answer carries out of band: state -> "(n)"."""
    import re

    found = re.findall(
        r'<span class="inbox__count" id="inbox-count-(\w+)" data-hx-swap-oob="true">(\(\d+\))',
        html,
    )
    return dict(found)


def test_every_change_answers_with_the_tabs_counts(editor_client, run_tasks, open_issues):
    with local_server({"/a": html("<title>A</title>"), "/b": html("<title>B</title>")}) as server:
        with run_tasks():
            saved = editor_client.post(
                reverse("editorial:inbox_save"), {"url": server.url("/a")}, **HTMX
            )
        assert counts_in(saved.content.decode()) == {
            "new": "(1)",
            "used": "(0)",
            "dismissed": "(0)",
        }
        with run_tasks():
            pasted = editor_client.post(
                reverse("editorial:inbox_paste"),
                {"urls": f"{server.url('/b')}\nhttps://example.com/c"},
                **HTMX,
            )
    assert counts_in(pasted.content.decode())["new"] == "(3)"
    first, second, third = InboxItem.objects.order_by("pk")
    state_url = reverse("editorial:inbox_item_state", args=[second.pk])
    aside = editor_client.post(state_url, {"action": "dismiss"}, **HTMX).content.decode()
    assert counts_in(aside) == {"new": "(2)", "used": "(0)", "dismissed": "(1)"}
    added = editor_client.post(
        reverse("editorial:inbox_add", args=[first.pk]),
        {"section": open_issues["draft"].sections.first().pk},
        **HTMX,
    ).content.decode()
    assert counts_in(added) == {"new": "(1)", "used": "(1)", "dismissed": "(1)"}
    back = editor_client.post(state_url, {"action": "restore"}, **HTMX).content.decode()
    assert counts_in(back) == {"new": "(2)", "used": "(1)", "dismissed": "(0)"}
    # The page draws the same counts, each where the answers put theirs.
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert 'id="inbox-count-new">(2)</span>' in page
    assert 'id="inbox-count-used">(1)</span>' in page
    assert third.state == "new"


def test_the_set_aside_button_and_its_tab_say_the_same_word(editor_client):
    """The button that moves a link to the third tab, the tab and the notice share a word
    (in Chinese 搁置, 已搁置, 已搁置。: the translations keep it)."""
    item = InboxItem.objects.create(url="https://example.com/w", title="W", fetch_state="done")
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert 'value="dismiss">Set it aside<span' in page
    assert '>Set aside <span class="inbox__count" id="inbox-count-dismissed">' in page
    answer = editor_client.post(
        reverse("editorial:inbox_item_state", args=[item.pk]), {"action": "dismiss"}, **HTMX
    ).content.decode()
    assert "Set aside." in answer
    assert "Dismiss" not in answer
    other = InboxItem.objects.create(url="https://example.com/w", fetch_state="done")
    card = editor_client.get(reverse("editorial:inbox_item", args=[other.pk])).content.decode()
    assert "(Set aside)" in card  # the same link, where it is


def test_changes_read_a_bounded_number_of_queries(
    editor_client, open_issues, django_assert_max_num_queries
):
    for n in range(30):
        InboxItem.objects.create(url=f"https://example.com/b/{n}", fetch_state="done")
    items = list(InboxItem.objects.order_by("pk"))
    section = open_issues["draft"].sections.first()
    with django_assert_max_num_queries(25):
        response = editor_client.post(
            reverse("editorial:inbox_add", args=[items[0].pk]), {"section": section.pk}, **HTMX
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        response = editor_client.post(
            reverse("editorial:inbox_item_state", args=[items[1].pk]),
            {"action": "dismiss"},
            **HTMX,
        )
    assert response.status_code == 200


# The inbox page's one poll (views.items.inbox_changes): the cards still being fetched, asked
# about in one request, answered with only those that changed.


def _shown(*items) -> list[str]:
    return [f"{item.pk}:{item.change_stamp}" for item in items]


def _poll(client, shown: list[str]):
    return client.post(reverse("editorial:inbox_changes"), {"item": shown}, **HTMX)


def test_pending_cards_carry_what_the_poll_sends_and_do_not_poll_themselves(editor_client):
    pending = InboxItem.objects.create(url="https://example.com/p")
    done = InboxItem.objects.create(url="https://example.com/d", fetch_state="done")
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert f'name="item" value="{pending.pk}:{pending.change_stamp}" data-inbox-pending' in page
    assert f'value="{done.pk}:' not in page
    assert "every 2s" not in page and 'id="inbox-live"' in page
    assert reverse("editorial:inbox_changes") in page


def test_the_poll_answers_nothing_while_nothing_changed(editor_client):
    items = [InboxItem.objects.create(url=f"https://example.com/{n}") for n in range(3)]
    response = _poll(editor_client, _shown(*items))
    assert response.status_code == 204
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_the_poll_answers_only_the_cards_that_changed(editor_client, run_tasks):
    with local_server({"/a": html("<title>Fetched A</title>")}) as server:
        waiting = InboxItem.objects.create(url=server.url("/b"))
        fetched = InboxItem.objects.create(url=server.url("/a"))
        gone = InboxItem.objects.create(url=server.url("/c"))
        shown = _shown(waiting, fetched, gone)
        inbox_services.inbox_fill_from_page(fetched.pk)  # what the worker does
    gone_pk = gone.pk
    gone.delete()
    response = _poll(editor_client, shown)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="inbox-card ') == 1
    assert f'id="inbox-item-{fetched.pk}"' in text and "Fetched A" in text
    assert 'data-hx-swap-oob="true"' in text
    assert f'<li id="inbox-item-{gone_pk}" data-hx-swap-oob="delete"></li>' in text
    assert f"inbox-item-{waiting.pk}" not in text
    assert "data-inbox-pending" not in text  # the fetched card asks nothing more
    # The page drew the fetched card afresh: asked about it again, nothing has changed.
    fetched.refresh_from_db()
    assert _poll(editor_client, _shown(waiting, fetched)).status_code == 204


def test_a_card_changed_but_still_fetching_is_sent_with_its_new_stamp(editor_client):
    item = InboxItem.objects.create(url="https://example.com/x")
    shown = _shown(item)
    InboxItem.objects.filter(pk=item.pk).update(
        state="dismissed", updated_at=item.updated_at + datetime.timedelta(seconds=1)
    )
    item.refresh_from_db()
    text = _poll(editor_client, shown).content.decode()
    assert "inbox-card--dismissed" in text
    assert f'value="{item.pk}:{item.change_stamp}" data-inbox-pending' in text


def test_the_poll_reads_a_fixed_number_of_queries(editor_client):
    """One poll for the whole page: the same queries for 2 cards or 300 (a full page and a
    paste), changed or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_issue(2024, 49)

    def queries(shown) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = _poll(editor_client, shown)
        return len(captured.captured_queries), response.status_code

    few = [InboxItem.objects.create(url=f"https://example.com/f/{n}") for n in range(2)]
    many = [InboxItem.objects.create(url=f"https://example.com/m/{n}") for n in range(300)]
    unchanged = queries(_shown(*few))
    assert unchanged[1] == 204
    assert queries(_shown(*many)) == unchanged
    # Session, user and role, the stalled fetches (two), the stamps: six in all.
    assert unchanged[0] <= 6
    shown_few, shown_many = _shown(*few), _shown(*many)
    InboxItem.objects.update(fetch_state="done", updated_at=timezone.now())
    changed = queries(shown_few)
    assert changed[1] == 200
    assert queries(shown_many) == changed
    # Plus the changed items, their same-link flags (two) and the issues to add to (two).
    assert changed[0] <= unchanged[0] + 5


@pytest.mark.parametrize(
    "values",
    [["1"], ["x:1"], ["1:"], ["1:2:3"], ["-1:5"], ["１:5"], [f"{n}:1" for n in range(501)]],
)
def test_a_poll_that_is_not_of_the_page_is_refused_in_words(editor_client, values):
    response = _poll(editor_client, values)
    assert response.status_code == 422
    assert "The inbox could not be checked: reload the page." in response.content.decode()
    assert response["HX-Retarget"] == LIVE_REGION


def test_the_poll_is_for_editors_and_the_page_without_javascript(db, editor_client):
    from tests.support.factories import english_client

    item = InboxItem.objects.create(url="https://example.com/r")
    url = reverse("editorial:inbox_changes")
    plain = editor_client.post(url, {"item": _shown(item)})
    assert plain.status_code == 302 and plain["Location"] == reverse("editorial:inbox")
    reader = english_client()
    reader.force_login(make_user("reader", username="inbox-reader"))
    refused = _poll(reader, _shown(item))
    assert refused.status_code == 403
    assert f"inbox-item-{item.pk}" not in refused.content.decode()
    anonymous = _poll(english_client(), _shown(item))
    assert anonymous.status_code == 401
    assert anonymous["X-Digest-Session"] == "signed-out"
