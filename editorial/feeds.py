"""The Atom feed of the latest issues, built from the revisions readers see."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.xmlutils import SimplerXMLGenerator

from editorial.canonical import IssueData, to_chinese_numeral
from editorial.selectors import reader as selectors

FEED_LENGTH = 20


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
        return reverse("reader:issue", args=[self.year, self.number])


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
        return reverse("reader:latest")

    def feed_url(self):
        return reverse("reader:feed")

    def author_name(self):
        return settings.DIGEST_PUBLICATION

    def items(self):
        return [
            FeedIssue(
                year=revision.issue.year,
                number=revision.issue.number,
                first_published=revision.first_published,
                updated=revision.published_at,
                data=selectors.revision_issue_data(revision.markdown),
            )
            for revision in selectors.feed_revisions(self.now, FEED_LENGTH)
        ]

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
        content = ""
        if item.data is not None:
            content = render_to_string("reader/_feed_content.html", {"issue_data": item.data})
        return {"content": content}
