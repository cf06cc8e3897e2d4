"""The same link after redirects: where a fetch ended (a 301 chain, a same-site canonical) is
kept with the inbox item and checked like the typed URL, in the inbox, the composer and the
review page, through the real fetch path against servers on 127.0.0.1."""

from django.urls import reverse

from editorial.links import url_key
from editorial.models import Entry, EntryStatus, InboxItem, IssueStatus
from editorial.services import entry_create, entry_update
from tests.support.factories import make_issue, make_user
from tests.support.htmx import HTMX
from tests.support.page_servers import html, local_server, redirect

ARTICLE = (
    "<!DOCTYPE html><html><head><title>深入理解 Raft | 测试博客</title>"
    '<meta property="og:title" content="深入理解 Raft">'
    '<meta property="og:site_name" content="测试博客">'
    "</head><body><p>正文</p></body></html>"
)


def article_with_canonical(href: str) -> tuple:
    return html(ARTICLE.replace("</head>", f'<link rel="canonical" href="{href}"></head>'))


def save(client, run_tasks, url, **extra):
    with run_tasks():
        return client.post(reverse("editorial:inbox_save"), {"url": url, **extra})


def chain_server():
    """/short → /middle → /real-article (301s), and the article."""
    return local_server(
        {
            "/short": redirect("/middle", status=301),
            "/middle": redirect("/real-article", status=301),
            "/real-article": html(ARTICLE),
        }
    )


def test_a_link_through_a_301_chain_is_the_same_as_its_target(editor_client, run_tasks):
    with chain_server() as server:
        save(editor_client, run_tasks, server.url("/short"))
        save(editor_client, run_tasks, server.url("/real-article"))
        short = InboxItem.objects.get(url=server.url("/short"))
        real = InboxItem.objects.get(url=server.url("/real-article"))
    # The typed URL stays the item's; where the fetch ended is kept beside it.
    assert short.url == server.url("/short")
    assert short.final_url == server.url("/real-article")
    assert short.final_url_key == url_key(server.url("/real-article")) == real.url_key
    assert short.shows_final_url and not real.shows_final_url
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    # Both cards say the other is the same link; the short one says where it leads.
    assert page.count("The same link is already") == 2
    assert page.count("data-final-url") == 1
    assert f'href="{server.url("/real-article")}"' in page


def test_an_item_flagged_in_either_order_and_its_card_alone(editor_client, run_tasks):
    with chain_server() as server:
        save(editor_client, run_tasks, server.url("/real-article"))
        save(editor_client, run_tasks, server.url("/short"))
        real = InboxItem.objects.get(url=server.url("/real-article"))
    card = editor_client.get(reverse("editorial:inbox_item", args=[real.pk]), **HTMX)
    assert "The same link is already" in card.content.decode()


def test_two_short_links_to_one_article_are_the_same(editor_client, run_tasks):
    with local_server(
        {
            "/a": redirect("/real-article", status=301),
            "/b": redirect("/real-article?utm_source=feed", status=302),
            "/real-article": html(ARTICLE),
        }
    ) as server:
        save(editor_client, run_tasks, server.url("/a"))
        save(editor_client, run_tasks, server.url("/b"))
    page = editor_client.get(reverse("editorial:inbox")).content.decode()
    assert page.count("The same link is already") == 2


def test_a_canonical_on_the_same_site_is_where_the_page_is(editor_client, run_tasks):
    with local_server({"/p": article_with_canonical("/real-article")}) as server:
        save(editor_client, run_tasks, server.url("/p?from=timeline"))
        item = InboxItem.objects.get()
    assert item.final_url == server.url("/real-article")
    assert item.final_url_key == url_key(server.url("/real-article"))


def test_a_canonical_on_another_site_is_not_believed(editor_client, run_tasks):
    # A page may not make itself "the same" as another site's article.
    with local_server({"/p": article_with_canonical("https://example.com/famous")}) as server:
        save(editor_client, run_tasks, server.url("/p"))
        item = InboxItem.objects.get()
    assert item.final_url == server.url("/p")
    assert not item.shows_final_url


def test_a_failed_fetch_keeps_no_final_address(editor_client, run_tasks):
    with local_server({"/short": redirect("/login", status=302)}) as server:
        save(editor_client, run_tasks, server.url("/short"))
    item = InboxItem.objects.get()
    assert item.fetch_state == "failed"
    assert (item.final_url, item.final_url_key) == ("", "")


def test_the_entry_added_from_the_inbox_is_flagged_in_the_composer_and_review(
    editor_client, run_tasks
):
    earlier = make_issue(2024, 30)
    with chain_server() as server:
        target = server.url("/real-article")
        typed = entry_create(
            earlier.sections.first(),
            title="Raft",
            url=target,
            summary="x",
            by=make_user("editor", username="earlier-editor"),
        )
        save(editor_client, run_tasks, server.url("/short"))
    issue = make_issue(2024, 31, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED)
    item = InboxItem.objects.get()
    editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": issue.sections.first().pk}
    )
    entry = Entry.objects.get(url=server.url("/short"))
    assert entry.final_url_key == typed.url_key
    composer = editor_client.get(issue.get_composer_url()).content.decode()
    assert f"#entry-{typed.pk}" in composer
    assert "This link is already used once" in composer
    reviewer = make_user("reviewer", username="redirect-reviewer")
    editor_client.force_login(reviewer)
    review = editor_client.get(reverse("editorial:review_issue", args=[2024, 31]))
    assert "This link is already used once" in review.content.decode()
    # And the earlier issue's entry, typed as the target, sees the new one.
    earlier_page = editor_client.get(earlier.get_composer_url()).content.decode()
    assert f"#entry-{entry.pk}" in earlier_page
    # Typing the target's address in any entry form says so too.
    check = editor_client.get(reverse("editorial:check_url"), {"url": target, "field": "url"})
    assert f"#entry-{entry.pk}" in check.content.decode()


def test_an_entry_whose_url_changes_to_another_link_loses_its_final_key(db):
    issue = make_issue(2024, 32)
    editor = make_user("editor", username="final-key-editor")
    entry = entry_create(
        issue.sections.first(),
        title="t",
        url="https://example.com/short",
        summary="s",
        by=editor,
        final_url_key=url_key("https://example.com/real-article"),
    )
    same = entry_update(
        entry,
        title="t",
        url="https://example.com/short?utm_source=x",
        summary="s",
        version=entry.version,
        by=editor,
    )
    assert same.final_url_key == url_key("https://example.com/real-article")
    other = entry_update(
        same,
        title="t",
        url="https://example.com/another",
        summary="s",
        version=same.version,
        by=editor,
    )
    assert other.final_url_key == ""
    assert Entry.objects.get(pk=entry.pk).final_url_key == ""
