"""The page corpus (tests/support/page_corpus.py) through the inbox's worker: each page saved
as an editor saves it, fetched by the task the save queues (the immediate backend runs it), and
the item read back: its title, source name, date and state. One local server for all pages."""

import pytest

from editorial.inbox.services.items import inbox_save
from editorial.models import InboxItem
from tests.support.factories import make_user
from tests.support.page_corpus import CORPUS, EXTRA_ROUTES
from tests.support.page_servers import local_server


@pytest.fixture(scope="module")
def corpus_server():
    with local_server({**{path: case.route for path, case in CORPUS.items()}, **EXTRA_ROUTES}) as (
        server
    ):
        yield server


def test_the_corpus_covers_every_kind():
    """At least 40 pages, and every kind of outcome the inbox knows."""
    assert len(CORPUS) >= 40
    states = {case.state for case in CORPUS.values()}
    for code in ("challenge", "login", "deleted", "soft_404", "redirects", "not_found"):
        assert ("failed", code) in states
    assert sum(case.state == ("done", "") for case in CORPUS.values()) >= 30


@pytest.mark.parametrize("path", list(CORPUS))
def test_a_page_reads_as_a_reader_sees_it(
    path, corpus_server, django_capture_on_commit_callbacks, db
):
    case = CORPUS[path]
    editor = make_user("editor")
    with django_capture_on_commit_callbacks(execute=True):
        item = inbox_save(corpus_server.url(path), by=editor)
    item = InboxItem.objects.get(pk=item.pk)
    found = {
        "state": (item.fetch_state, item.fetch_error),
        "title": item.title,
        "site": item.site_name,
        "date": item.published_on,
    }
    expected = {"state": case.state, "title": case.title, "site": case.site, "date": case.date}
    assert found == expected, case.why
