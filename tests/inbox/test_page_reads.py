"""Pages read for an editor inside their own requests (fill from the URL, a summary draft) are
bounded per editor (editorial.inbox.services.page_reads): each holds a server thread until the
page answers, so one editor's tabs, or a script run with their session, cannot hold them all."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from editorial.inbox.services.page_reads import editor_page_read
from tests.support.factories import english_client, make_user
from tests.support.htmx import HTMX
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server
from tests.support.smtp import free_port

BUSY = "you have other pages being read; try again once they are done"


def suggest(client, url):
    data = {"add-7-title": "", "add-7-url": url, "add-7-summary": "", "suggest_for": "add-7"}
    return client.post(reverse("editorial:url_suggestion"), data, **HTMX).content.decode()


def editor_named(username):
    client = english_client()
    client.force_login(make_user("editor", username=username))
    return client


@pytest.mark.django_db(transaction=True)
def test_a_read_past_the_bound_is_refused_while_the_others_run(settings):
    settings.DIGEST_FETCH_EDITOR_READS = 1
    reading, answer = threading.Event(), threading.Event()

    page = WECHAT_ARTICLE.encode()

    def held(handler, server):  # the first read stays in the server until the test lets it go
        reading.set()
        answer.wait(10)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    routes = {"/held": held, "/s/AbCdEf": html(WECHAT_ARTICLE)}
    editor, colleague = editor_named("reads-editor"), editor_named("reads-colleague")
    first = []

    def first_read():
        try:
            first.append(suggest(editor, server.url("/held")))
        finally:
            connection.close()

    with local_server(routes) as server:
        thread = threading.Thread(target=first_read)
        thread.start()
        try:
            assert reading.wait(10)  # the first read holds the editor's one place
            refused = suggest(editor, server.url("/s/AbCdEf"))
            colleagues = suggest(colleague, server.url("/s/AbCdEf"))
        finally:
            answer.set()
            thread.join(15)
        again = suggest(editor, server.url("/s/AbCdEf"))

    assert f"Could not read the page: {BUSY}." in refused
    assert "data-use-page" not in refused
    assert "Gateway API" in first[0]  # the first read was answered as usual
    assert "Gateway API" in colleagues  # another editor's reads are their own
    assert "Gateway API" in again  # the place is given back once the first read is done
    # The refused read never reached the page: the colleague's and the last one did.
    assert [path for _method, path, _host in server.hits] == ["/held", "/s/AbCdEf", "/s/AbCdEf"]


def test_a_read_that_fails_gives_its_place_back(settings, editor_client):
    settings.DIGEST_FETCH_EDITOR_READS = 1
    with local_server({"/missing": html("<p>no</p>", status=404)}) as server:
        assert "not found (404)" in suggest(editor_client, server.url("/missing"))
        assert "not found (404)" in suggest(editor_client, server.url("/missing"))
    assert len(server.hits) == 2


def test_a_summary_draft_counts_as_a_read(settings, editor_client):
    settings.DIGEST_FETCH_EDITOR_READS = 1
    settings.DIGEST_SUMMARY_API_URL = "http://127.0.0.1:9/v1/chat/completions"  # never asked
    settings.DIGEST_SUMMARY_MODEL = "house-model"
    editor = get_user_model().objects.get(username="inbox-editor")
    data = {"add-7-url": "https://example.org/a", "draft_for": "add-7"}
    with editor_page_read(editor):  # a read of theirs in another tab
        text = editor_client.post(reverse("editorial:summary_draft"), data, **HTMX)
    assert f"The page could not be read: {BUSY}." in text.content.decode()


def test_with_the_cache_down_reads_are_not_counted(settings, editor_client):
    """The bound fails open: a cache outage must not stop editors reading pages (each read is
    still bounded by the fetch deadline)."""
    settings.DIGEST_CACHE_RETRY_SECONDS = 600  # one failure, then left alone: no waiting
    settings.CACHES = {
        "default": {
            "BACKEND": "editorial.reader.cache_backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.DIGEST_FETCH_EDITOR_READS = 0  # would refuse every read, were they counted
    with local_server({"/s/AbCdEf": html(WECHAT_ARTICLE)}) as server:
        assert "Gateway API" in suggest(editor_client, server.url("/s/AbCdEf"))
