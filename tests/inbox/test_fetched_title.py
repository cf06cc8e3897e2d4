"""Whose title an inbox item keeps: the page's own (fetched) title replaces the bookmarklet's
document.title, never a title the editor typed or edited, even while the fetch is under way."""

from django.urls import reverse

from editorial.inbox.services import items as inbox_services
from editorial.models import InboxItem
from tests.support.htmx import HTMX
from tests.support.page_servers import html, local_server

DOCUMENT_TITLE = "深入理解 Raft 共识算法：从选主到日志复制 | 测试博客"
CLEAN_TITLE = "深入理解 Raft 共识算法：从选主到日志复制"
PAGE = html(
    f"<!DOCTYPE html><html><head><title>{DOCUMENT_TITLE}</title>"
    f'<meta property="og:title" content="{CLEAN_TITLE}">'
    '<meta property="og:site_name" content="测试博客">'
    "</head><body><p>正文</p></body></html>"
)


def save(client, run_tasks, url, **extra):
    with run_tasks():
        return client.post(reverse("editorial:inbox_save"), {"url": url, **extra})


def test_the_bookmarklet_page_carries_the_title_it_brought(editor_client):
    response = editor_client.get(
        reverse("editorial:inbox_save"), {"url": "https://example.com/a", "title": DOCUMENT_TITLE}
    )
    text = response.content.decode()
    assert text.count(f'value="{DOCUMENT_TITLE}"') == 2  # the title field and the hidden one
    assert 'type="hidden" name="page_title"' in text


def test_the_fetched_title_replaces_the_bookmarklets(editor_client, run_tasks):
    with local_server({"/raft": PAGE}) as server:
        save(
            editor_client,
            run_tasks,
            server.url("/raft"),
            popup="1",
            title=DOCUMENT_TITLE,
            page_title=DOCUMENT_TITLE,
        )
    item = InboxItem.objects.get()
    assert (item.title, item.title_edited) == (CLEAN_TITLE, False)


def test_a_title_the_editor_changed_in_the_bookmarklet_window_stays(editor_client, run_tasks):
    with local_server({"/raft": PAGE}) as server:
        save(
            editor_client,
            run_tasks,
            server.url("/raft"),
            popup="1",
            title="Raft 选主",
            page_title=DOCUMENT_TITLE,
        )
    item = InboxItem.objects.get()
    assert (item.title, item.title_edited) == ("Raft 选主", True)


def test_a_title_typed_in_the_inbox_stays(editor_client, run_tasks):
    with local_server({"/raft": PAGE}) as server:
        save(editor_client, run_tasks, server.url("/raft"), title="我的标题")
    item = InboxItem.objects.get()
    assert (item.title, item.title_edited) == ("我的标题", True)


def test_no_title_takes_the_pages(editor_client, run_tasks):
    with local_server({"/raft": PAGE}) as server:
        save(editor_client, run_tasks, server.url("/raft"))
    assert InboxItem.objects.get().title == CLEAN_TITLE


def test_the_editor_edits_the_title_while_the_page_is_fetched(
    editor_client, run_tasks, monkeypatch
):
    """The race, forced: the edit is saved after the page was read and before the fetch
    writes what it read. The fetch's conditional update leaves the editor's title."""
    real_extract = inbox_services.extract_page
    edits = []

    def extract_then_edit(page_html, url):
        item = InboxItem.objects.get()
        response = editor_client.post(
            reverse("editorial:inbox_item_title", args=[item.pk]), {"title": "编辑的标题"}, **HTMX
        )
        edits.append(response.status_code)
        return real_extract(page_html, url)

    monkeypatch.setattr(inbox_services, "extract_page", extract_then_edit)
    with local_server({"/raft": PAGE}) as server:
        # Saved from the bookmarklet: without the edit, the page's title would replace it.
        save(
            editor_client,
            run_tasks,
            server.url("/raft"),
            title=DOCUMENT_TITLE,
            page_title=DOCUMENT_TITLE,
        )
    assert edits == [200]
    item = InboxItem.objects.get()
    assert item.fetch_state == "done"
    assert item.site_name == "测试博客"  # the rest of the page is stored
    assert (item.title, item.title_edited) == ("编辑的标题", True)


def test_a_fetch_again_keeps_the_editors_title(editor_client, run_tasks):
    with local_server({"/raft": PAGE}) as server:
        save(editor_client, run_tasks, server.url("/raft"))
        item = InboxItem.objects.get()
        editor_client.post(
            reverse("editorial:inbox_item_title", args=[item.pk]), {"title": "编辑的标题"}
        )
        InboxItem.objects.filter(pk=item.pk).update(fetch_state="failed")
        with run_tasks():
            editor_client.post(
                reverse("editorial:inbox_item_state", args=[item.pk]), {"action": "refetch"}
            )
    item.refresh_from_db()
    assert (item.fetch_state, item.title) == ("done", "编辑的标题")


def test_editing_the_title_answers_the_card(editor_client):
    item = InboxItem.objects.create(url="https://example.com/t", title="旧", fetch_state="done")
    response = editor_client.post(
        reverse("editorial:inbox_item_title", args=[item.pk]), {"title": "  新  标题 "}, **HTMX
    )
    assert response.status_code == 200
    assert "新 标题" in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.title_edited) == ("新 标题", True)
    plain = editor_client.post(
        reverse("editorial:inbox_item_title", args=[item.pk]), {"title": "再改"}
    )
    assert plain.status_code == 302


def test_a_bad_title_is_a_message_and_changes_nothing(editor_client):
    item = InboxItem.objects.create(url="https://example.com/t", title="旧", fetch_state="done")
    for title in ["", "   ", "\u200b", "t" * 400]:
        response = editor_client.post(
            reverse("editorial:inbox_item_title", args=[item.pk]), {"title": title}, **HTMX
        )
        assert response.status_code == 422, title
        item.refresh_from_db()
        assert (item.title, item.title_edited) == ("旧", False)
    gone = editor_client.post(reverse("editorial:inbox_item_title", args=[999999]), {"title": "x"})
    assert gone.status_code == 404
