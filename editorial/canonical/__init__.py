"""The canonical markdown format of an issue (FORMAT.md): pure functions, no ORM."""

from .data import EntryData, IssueData, SectionData
from .escaping import escape_markdown, unescape_markdown
from .export import issue_to_markdown
from .numerals import from_chinese_numeral, to_chinese_numeral
from .parse import (
    ERROR_CODES,
    CanonicalFormatError,
    Fragment,
    markdown_to_fragment,
    markdown_to_issue,
)

__all__ = [
    "ERROR_CODES",
    "CanonicalFormatError",
    "EntryData",
    "Fragment",
    "IssueData",
    "SectionData",
    "escape_markdown",
    "from_chinese_numeral",
    "issue_to_markdown",
    "markdown_to_fragment",
    "markdown_to_issue",
    "to_chinese_numeral",
    "unescape_markdown",
]
