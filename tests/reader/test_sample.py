"""The shared sample: imported, it is what /issues/2024/32/, its .md and the feed show."""

import feedparser
import pytest

from editorial.canonical import markdown_to_issue
from editorial.store import parse_markdown, store_issue
from tests.support.reader import parse_strict

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(sample_path):
    raw = sample_path.read_bytes()
    store_issue(parse_markdown(raw, require_summaries=True))
    return raw


def test_issue_page_shows_every_section_and_entry_of_the_sample(client, sample):
    data = markdown_to_issue(sample, publication="云计算技术动态")
    response = client.get("/issues/2024/32/")
    assert response.status_code == 200
    html = response.content.decode()
    parse_strict(response.content)
    assert "云计算技术动态 2024 年第三十二期" in html
    for s, section in enumerate(data.sections, start=1):
        assert f'id="s{s}-title">{section.title}</h2>' in html
        for e, entry in enumerate(section.entries, start=1):
            assert f'id="s{s}-e{e}"' in html
            assert f'<a href="{entry.url}" rel="noopener">' in html
    assert "Azure Files：世界最大文件服务器的架构、优化与应用" in html
    assert "（LLM）" in html


def test_markdown_download_is_the_sample_byte_for_byte(client, sample):
    assert client.get("/issues/2024/32.md").content == sample


def test_feed_lists_the_sample(client, sample):
    parsed = feedparser.parse(client.get("/feed.xml").content)
    assert not parsed.bozo
    assert [e.link for e in parsed.entries] == ["https://digest.example.org/issues/2024/32/"]
    assert "Azure Files" in parsed.entries[0].content[0].value


def test_search_finds_the_sample(client, sample):
    html = client.get("/search/", {"q": "叶脊架构"}).content.decode()
    assert 'href="/en/issues/2024/32/#s2-e2"' in html
    assert "<mark>叶脊架构</mark>" in html
