"""Markdown downloads: byte for byte what was published."""

import pytest

from editorial.models import Revision
from editorial.store import parse_markdown, store_issue
from tests.support.factories import make_published_issue
from tests.support.reader import add_revision

pytestmark = pytest.mark.django_db


def test_issue_markdown_is_the_stored_revision_byte_for_byte(client):
    issue = make_published_issue(2024, 32)
    revision = issue.revisions.get()
    response = client.get("/issues/2024/32.md")
    assert response.status_code == 200
    assert response.content == revision.markdown.encode("utf-8")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="2024-32.md"'


def test_markdown_is_the_revision_even_when_live_entries_changed(client):
    issue = make_published_issue(2024, 32)
    revision = issue.revisions.get()
    entry = issue.sections.first().entries.first()
    entry.title = "编辑中"
    entry.save()
    assert client.get("/issues/2024/32.md").content == revision.markdown.encode("utf-8")


def test_markdown_follows_the_latest_revision_and_keeps_earlier_ones(client):
    issue = make_published_issue(2024, 32)
    first = issue.revisions.get()
    second = add_revision(issue, retitle="改正后的标题")
    assert client.get("/issues/2024/32.md").content == second.markdown.encode("utf-8")
    old = client.get("/issues/2024/32/r/1.md")
    assert old.content == first.markdown.encode("utf-8")
    assert old["Content-Disposition"] == 'inline; filename="2024-32-r1.md"'
    assert "max-age=86400" in old["Cache-Control"]


def test_the_pages_download_link_saves_the_file_and_the_url_shows_it(client):
    """*Download as Markdown* downloads (its `download` attribute names the file); the .md URL
    itself stays inline, viewable in the browser."""
    issue = make_published_issue(2024, 32)
    page = client.get("/issues/2024/32/").content.decode()
    assert 'href="/en/issues/2024/32.md" type="text/markdown" download="2024-32.md"' in page
    assert client.get("/issues/2024/32.md")["Content-Disposition"].startswith("inline;")
    add_revision(issue)
    earlier = client.get("/issues/2024/32/r/1/").content.decode()
    assert (
        'href="/en/issues/2024/32/r/1.md" type="text/markdown" download="2024-32-r1.md"' in earlier
    )


def test_markdown_with_characters_that_need_escaping_is_served_unchanged(client):
    make_published_issue(2024, 32, {"栏目": [("a * b _c_ [d] <e> &copy;", "https://e.com/x", "s")]})
    revision = Revision.objects.get()
    assert "\\*" in revision.markdown  # the format escaped them; the download keeps that
    assert client.get("/issues/2024/32.md").content == revision.markdown.encode("utf-8")


def test_the_shared_sample_round_trips_through_the_reader(client, sample_path):
    raw = sample_path.read_bytes()
    store_issue(parse_markdown(raw, require_summaries=True))
    response = client.get("/issues/2024/32.md")
    assert response.status_code == 200
    assert response.content == raw
