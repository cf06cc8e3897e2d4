"""The Atom feed of the latest issues, built from the revisions readers see.

Every link in it is absolute on DIGEST_SITE_URL, and every id is a tag URI (RFC 4151) on
DIGEST_FEED_ID_HOST, never anything from the request: the feed is the same whatever Host or
scheme it was asked with, and a move to https or to a new domain changes no id (feed readers
would otherwise show every issue again). The feed is bounded: the latest FEED_LENGTH issues,
and at most FEED_MAX_BYTES; an issue whose entries would pass that is a link to its page.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from editorial.canonical import IssueData, to_chinese_numeral
from editorial.reader import selectors

FEED_LENGTH = 20
FEED_MAX_BYTES = 1_000_000
# What the feed holds besides the issues' contents (titles, dates, ids, summaries): kept free.
_FEED_FRAME_BYTES = 64_000


def site_url(path: str) -> str:
    """`path` (from reverse) as an absolute URL on the configured site."""
    return settings.DIGEST_SITE_URL + path


def tag_uri(year: int, specific: str) -> str:
    """A tag URI on the feed's id host: tag:HOST,YEAR:SPECIFIC."""
    return f"tag:{settings.DIGEST_FEED_ID_HOST},{year}:{specific}"


# The feed's own id; the year is part of the id and never changes.
FEED_ID_YEAR = 2024


# What XML 1.0 cannot carry at all (its Char production): stored text never holds these, but a
# revision frozen before the plain-text rule could, and one character must not make the whole
# feed unreadable for every subscriber.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    """`value` without the characters XML 1.0 forbids (other values unchanged)."""
    return _NOT_XML_CHAR.sub("", value) if isinstance(value, str) else value


class XML10Generator(SimplerXMLGenerator):
    """Django's generator refuses such characters with an error (a 500 for the whole feed);
    this one leaves them out, so the feed is always well-formed."""

    def characters(self, content):
        super().characters(xml_text(content))

    def startElement(self, name, attrs):  # noqa: N802 - the SAX name
        super().startElement(name, {key: xml_text(value) for key, value in attrs.items()})


class ContentAtom1Feed(Atom1Feed):
    """Atom with a <content type="html"> per entry: the issue's sections and entries; always
    well-formed XML whatever is stored."""

    def write(self, outfile, encoding):
        handler = XML10Generator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass(frozen=True)
class FeedIssue:
    year: int
    number: int
    first_published: datetime
    updated: datetime
    data: IssueData | None

    @property
    def label(self) -> str:
        return f"{self.year} 年第{to_chinese_numeral(self.number)}期"

    @property
    def url(self) -> str:
        return site_url(reverse("reader:issue", args=[self.year, self.number]))

    @property
    def tag(self) -> str:
        return tag_uri(self.year, f"issue/{self.year}/{self.number}")


class LatestIssuesFeed(Feed):
    """The latest FEED_LENGTH visible issues, newest first; one instance per request."""

    feed_type = ContentAtom1Feed
    language = "zh-Hans"

    def __init__(self, now: datetime | None = None):
        super().__init__()
        self.now = now or timezone.now()

    def title(self):
        return settings.DIGEST_PUBLICATION

    def subtitle(self):
        return _("The latest issues of %(publication)s") % {
            "publication": settings.DIGEST_PUBLICATION
        }

    def link(self):
        return site_url(reverse("reader:latest"))

    def feed_url(self):
        return site_url(reverse("reader:feed"))

    def feed_guid(self):
        return tag_uri(FEED_ID_YEAR, "feed")

    def author_name(self):
        return settings.DIGEST_PUBLICATION

    def items(self):
        items = [
            FeedIssue(
                year=revision.issue.year,
                number=revision.issue.number,
                first_published=revision.first_published,
                updated=revision.published_at,
                data=selectors.revision_issue_data(revision.markdown),
            )
            for revision in selectors.feed_revisions(self.now, FEED_LENGTH)
        ]
        self._contents = _bounded_contents(items)
        return items

    def item_guid(self, item: FeedIssue):
        return item.tag

    def item_guid_is_permalink(self, item: FeedIssue):
        return False

    def item_title(self, item: FeedIssue):
        return item.label

    def item_link(self, item: FeedIssue):
        return item.url

    def item_pubdate(self, item: FeedIssue):
        return item.first_published

    def item_updateddate(self, item: FeedIssue):
        return item.updated

    def item_description(self, item: FeedIssue):
        if item.data is None:
            return ""
        # Atom's <summary type="html"> is read as HTML: the plain titles are escaped for that.
        return escape(
            " · ".join(
                f"{section.title} ({len(section.entries)})" for section in item.data.sections
            )
        )

    def item_extra_kwargs(self, item: FeedIssue):
        return {"content": self._contents.get((item.year, item.number), "")}


def _bounded_contents(items: list[FeedIssue]) -> dict[tuple[int, int], str]:
    """{(year, number): the <content> of each issue}, newest first, while the feed stays within
    FEED_MAX_BYTES (counted as written: escaped into XML); past that, an issue's content is
    a link to its page."""
    budget = FEED_MAX_BYTES - _FEED_FRAME_BYTES
    contents = {}
    for item in items:
        content = ""
        if item.data is not None:
            content = render_to_string("reader/_feed_content.html", {"issue_data": item.data})
        size = len(escape(content).encode())
        if size > budget:
            content = format_html(
                '<p><a href="{}">{}</a></p>',
                item.url,
                _("This issue is too long for the feed: read it on the site."),
            )
            size = len(escape(content).encode())
        budget -= size
        contents[(item.year, item.number)] = content
    return contents
