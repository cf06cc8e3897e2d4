"""What readers are shown of an issue, read back from each output the way a reader's software
reads it: the reader page's visible text (parsed HTML), the Atom feed (an XML parser and
feedparser) and the markdown download rendered by a CommonMark renderer (markdown-it-py).

Each returns [(section title, [(entry title, url, summary), ...]), ...].
"""

import xml.etree.ElementTree as ET  # noqa: S405 - our own feed, parsed in tests

import feedparser
import html5lib
from markdown_it import MarkdownIt

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False)


def _text(element) -> str:
    return "".join(element.itertext())


def _has_class(element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _find_class(root, tag: str, name: str):
    return [e for e in root.iter(tag) if _has_class(e, name)]


def reader_page(html: str) -> list:
    """The sections and entries of the reader's issue page, as visible text."""
    shown = []
    for section in _find_class(_parse(html), "section", "issue-section"):
        [title] = _find_class(section, "h2", "issue-section__title")
        entries = []
        for item in _find_class(section, "li", "entry"):
            [heading] = _find_class(item, "h3", "entry__title")
            link = heading.find("a")
            summary = _find_class(item, "p", "entry__summary")[0]
            entries.append((_text(link), link.get("href"), _text(summary)))
        shown.append((_text(title), entries))
    return shown


def _feed_content(html: str) -> list:
    # reader/_feed_content.html: <h2>section</h2><ol><li><p><a>title</a></p><p>summary</p></li>
    root = _parse(html).find("body")
    shown = []
    for element in root:
        if element.tag == "h2":
            shown.append((_text(element), []))
        elif element.tag == "ol":
            for item in element.findall("li"):
                paragraphs = item.findall("p")
                link = paragraphs[0].find("a")
                summary = _text(paragraphs[1]) if len(paragraphs) > 1 else ""
                shown[-1][1].append((_text(link), link.get("href"), summary))
    return shown


def feed_by_xml(content: bytes) -> list:
    """The first feed entry's content, parsed by an XML parser (it must be well-formed)."""
    root = ET.fromstring(content)  # noqa: S314 - our own feed
    entry = root.find(f"{ATOM}entry")
    return _feed_content(entry.find(f"{ATOM}content").text)


def feed_by_feedparser(content: bytes) -> list:
    """The first feed entry's content as feedparser gives it (not bozo: well-formed)."""
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.bozo_exception
    return _feed_content(parsed.entries[0].content[0].value)


def markdown_rendered(markdown: str) -> list:
    """A published issue's markdown rendered by CommonMark (markdown-it-py), read back as
    visible text: each "## " heading, then per entry three paragraphs: "**n.** **title**",
    the URL, "**摘要:** summary"."""
    root = _parse(MarkdownIt("commonmark").render(markdown)).find("body")
    shown, paragraphs = [], []
    for element in root:
        if element.tag == "h2":
            shown.append((_text(element), []))
        elif element.tag == "p":
            paragraphs.append(element)
            if len(paragraphs) == 3:
                title, url, summary = paragraphs
                strongs = title.findall("strong")
                assert len(strongs) == 2 and not (title.text or ""), _text(title)
                label = summary.find("strong")
                assert label is not None and _text(label) == "摘要:", _text(summary)
                summary_text = _text(summary).removeprefix("摘要: ")
                shown[-1][1].append((_text(strongs[1]), _text(url), summary_text))
                paragraphs = []
    assert not paragraphs
    return shown
