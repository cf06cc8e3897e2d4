"""The plain data of one issue, and the rules its text fields and URLs follow."""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class EntryData:
    """One link: a title, its URL and a summary ("" while the entry is a draft)."""

    title: str
    url: str
    summary: str = ""


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
    if not text:
        return "is empty"
    if "\n" in text or "\r" in text:
        return "contains a line break"
    if text != text.strip():
        return "has leading or trailing white space"
    if not unicodedata.is_normalized("NFC", text):
        return "is not in Unicode NFC"
    return None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an entry URL (a phrase), or None if it can."""
    if not url.lower().startswith(("http://", "https://")):
        return "is not an absolute http or https URL"
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    if _URL_FORBIDDEN.search(url):
        return "contains white space or a control character"
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return "is not a valid URL"
    return None if host else "has no host"
