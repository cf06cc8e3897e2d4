"""The plain data of one issue, and the rules its text fields and URLs follow."""

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import idna

from editorial.text import UNCARRIABLE, WHITE_SPACE, clean_text, has_uncarriable, is_blank

MAX_URL_LENGTH = 2048
# White space, controls and the characters no document can carry.
_URL_FORBIDDEN = re.compile(rf"[\s{UNCARRIABLE}\x85]")
_WHITE_SPACE_BUT_ONE_SPACE = re.compile(rf"[{WHITE_SPACE.replace(' ', '')}]|  ")


@dataclass(frozen=True)
class EntryData:
    """One link: a title, its URL and a summary ("" while the entry is a draft).

    `source_name` (the site or account readers see instead of the host) is not part of the
    format: the markdown never carries it, parsing gives "", and two entries that differ only
    in it are equal (a round trip through the file keeps everything the file holds)."""

    title: str
    url: str
    summary: str = ""
    source_name: str = field(default="", compare=False)


@dataclass(frozen=True)
class SectionData:
    """A titled, ordered group of entries."""

    title: str
    entries: tuple[EntryData, ...] = ()

    def __post_init__(self):
        # Tuples keep the data hashable and make equality independent of the caller's sequence type.
        object.__setattr__(self, "entries", tuple(self.entries))


@dataclass(frozen=True)
class IssueData:
    """One issue of a publication: year, number and its sections in order."""

    publication: str
    year: int
    number: int
    sections: tuple[SectionData, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "sections", tuple(self.sections))


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a title, summary or section title (a phrase), or None if it can."""
    if is_blank(text):  # nothing visible: white space and invisible characters only
        return "is empty"
    if "\n" in text or "\r" in text:
        return "contains a line break"
    if text != text.strip():
        return "has leading or trailing white space"
    if has_uncarriable(text):
        return "contains a control character, a noncharacter or a lone surrogate"
    if _WHITE_SPACE_BUT_ONE_SPACE.search(text):
        return "contains white space other than single spaces"
    if clean_text(text) != text:
        return "is not in Unicode NFC"
    return None


def has_invisible(url: str) -> bool:
    """Whether `url` holds a Unicode format character (bidi controls, zero-width spaces and
    joiners, soft hyphen, BOM): invisible, so two URLs that look alike could differ."""
    return any(unicodedata.category(ch) == "Cf" for ch in url if not ch.isascii())


def netloc_host(netloc: str) -> str:
    """The host of a netloc as written (case kept), without user info and port."""
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.partition(":")[0]


def host_problem(host: str) -> str | None:
    """Why IDNA (2008, with UTS 46 mapping) refuses `host` (a phrase), or None. ASCII hosts
    without an `xn--` label and IP literals are not IDNA's business."""
    if not host or host.startswith("["):
        return None
    try:
        if not host.isascii():
            idna.encode(host.rstrip("."), uts46=True)
        elif "xn--" in host.lower():
            idna.decode(host.rstrip("."))
    except (idna.IDNAError, UnicodeError) as error:
        return str(error) or "invalid"
    return None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an entry URL (a phrase), or None if it can."""
    if not url.lower().startswith(("http://", "https://")):
        return "is not an absolute http or https URL"
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    if _URL_FORBIDDEN.search(url):
        return "contains white space or a control character"
    if has_invisible(url):
        return "contains an invisible formatting character"
    try:
        host = urlsplit(url).hostname
        written = netloc_host(urlsplit(url).netloc)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return "is not a valid URL"
    if not host:
        return "has no host"
    if host_problem(written):
        return "has a host name that is not a valid international domain name"
    return None
