"""The feed is always well-formed XML, whatever is stored, and revisions frozen before the
plain-text rule still read."""

import xml.etree.ElementTree as ET  # noqa: S405 - our own feed

import feedparser
import pytest
from django.core.cache import cache
from django.urls import reverse

from editorial.models import Revision
from editorial.reader.feeds import xml_text
from editorial.store import checksum
from editorial.text import clean_text
from tests.support.factories import english_client, make_published_issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\x0b", "\x1b", "\x0c", "\U0001fffe"])
def test_a_frozen_revision_with_what_xml_forbids_reads_and_the_feed_stays_well_formed(character):
    issue = make_published_issue(2024, 32)
    revision = issue.revisions.get()
    markdown = revision.markdown.replace("条目 1**", f"条目{character}1**", 1)
    assert markdown != revision.markdown
    Revision.objects.filter(pk=revision.pk).update(markdown=markdown, checksum=checksum(markdown))
    cache.clear()
    client = english_client()
    feed = client.get(reverse("reader:feed"))
    assert feed.status_code == 200
    ET.fromstring(feed.content)  # noqa: S314 - well-formed, or this raises
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo
    shown = clean_text(f"分布式系统 条目{character}1")  # read as the rule would have stored it
    assert shown in parsed.entries[0].content[0].value
    page = client.get(reverse("reader:issue", args=[2024, 32]))
    assert page.status_code == 200
    assert shown in page.content.decode()


def test_xml_text_keeps_everything_xml_can_carry():
    allowed = "\t\n\r a云😀\ue000\ufffd\U0010fffd"
    assert xml_text(allowed + "\x00\x08\x0b\x1f\ufffe\uffff\ud800") == allowed
    assert xml_text(5) == 5
