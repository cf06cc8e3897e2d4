"""The canonical markdown file back to IssueData: strict, with the line and what was expected.

Also a piece of an issue pasted by hand (markdown_to_fragment): the same reading, with the
heading optional, entries allowed before the first section, numbering that may restart, and
field text read by the plain-text rule instead of refused for its white space.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from editorial.text import clean_text

from .data import EntryData, IssueData, SectionData, text_problem, url_problem
from .escaping import unescape_markdown, url_from_line
from .export import SUMMARY_LABEL
from .numerals import from_chinese_numeral

EntryValidator = Callable[[EntryData], list[tuple[str, str]]]

# CommonMark ends a line at \r\n, \r or \n, and at nothing else (not at U+2028 or \x0c).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADING = re.compile(r"# (?P<publication>.+) (?P<year>\S+) 年第(?P<numeral>.*)期")
_YEAR = re.compile(r"[1-9][0-9]{3}")
_ENTRY_TITLE = re.compile(r"\*\*(?P<number>[0-9]+)\.\*\* \*\*(?P<title>.*)\*\*")
_LOOKS_LIKE_ENTRY = re.compile(r"\*\*[0-9]+\.")
_SECTION_PREFIX = "## "
_FULL_WIDTH_LABEL = "**摘要：**"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


class CanonicalFormatError(ValueError):
    """A file that breaks the canonical format: the 1-based line and what was expected there.

    `message` is English (for import_issue and logs); `code` names the problem and `params`
    carries its details (`n`: the entry number, `found`: the line as read, `field`, `title`,
    …), so that an interface can say it in its own language (see ERROR_CODES).
    """

    def __init__(self, line: int, message: str, *, code: str = "format", **params):
        super().__init__(line, message)
        self.line = line
        self.message = message
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


# The codes CanonicalFormatError carries, each with the params it always has.
ERROR_CODES = {
    "not_utf8": (),
    "heading": ("publication", "found"),
    "publication": ("publication", "found_publication"),
    "year": ("year",),
    "numeral": ("numeral",),
    "entry_before_section": (),
    "section_heading": ("found",),
    "section_twice": ("title", "first_line"),
    "section_empty": ("title",),
    "entry_title_line": ("n", "found"),
    "entry_number": ("n", "found"),
    "text": ("field", "n", "problem"),  # field: section_title, title or summary; n 0 for a section
    "url_line": ("n", "found", "url", "problem"),  # url, problem "" when the line is no URL
    "summary_missing": ("n", "found"),
    "summary_empty": ("n",),
    "summary_label": ("n",),
    "summary_line": ("n", "found"),
    "empty_line": ("found",),
    "content": ("field", "problem"),  # a validate_entry rule: problem is the validator's message
}


@dataclass(frozen=True)
class _Reading:
    """How strictly a text is read: a whole file (import) or a piece pasted by hand."""

    require_summaries: bool = False
    fragment: bool = False


@dataclass(frozen=True)
class Fragment:
    """A piece of an issue pasted by hand (markdown_to_fragment).

    heading: (year, number) when the piece starts with the issue heading, else None, and
    heading_line its line (0 when none); loose: the entries before the first "## " line;
    sections: the sections in order, section_lines the line of each one's heading.
    """

    heading: tuple[int, int] | None
    heading_line: int
    loose: tuple[EntryData, ...]
    sections: tuple[SectionData, ...]
    section_lines: tuple[int, ...]


def markdown_to_issue(
    text: str | bytes,
    *,
    publication: str,
    validate_entry: EntryValidator | None = None,
    require_summaries: bool = False,
) -> IssueData:
    """Read a canonical markdown file; CanonicalFormatError (with its line) if it is not one.

    `validate_entry` may add content rules per entry: it returns (field, message) pairs, field
    being "title", "url" or "summary". `require_summaries` refuses entries without a summary.
    """
    reading = _Reading(require_summaries=require_summaries)
    lines = _Lines(_decode(text))
    year, number = _read_heading(lines, publication)
    sections, _section_lines, located = _read_sections(lines, reading)
    _check_content(located, validate_entry)
    return IssueData(publication, year, number, tuple(sections))


def markdown_to_fragment(
    text: str, *, publication: str, validate_entry: EntryValidator | None = None
) -> Fragment:
    """Read a piece of an issue pasted by hand; CanonicalFormatError (with its line in `text`)
    if it is not one.

    The shape is the file's, with these differences: the issue heading is optional (when
    present it is checked as in a file); entries may come before the first "## " line (loose);
    within a run of entries the numbers count up by one from whatever the first is, and a
    "**1.**" may start again (entries copied from several sections); the title, summary and
    section title are read by the plain-text rule (runs of white space folded, the ends
    trimmed), as the composer's forms read them, and refused only when nothing is left.
    `validate_entry` as in markdown_to_issue.
    """
    reading = _Reading(fragment=True)
    lines = _Lines(_decode(text))
    heading, heading_line = None, 0
    first_no, first = lines.peek()
    if first is not None and first.startswith("# "):
        heading, heading_line = _read_heading(lines, publication), first_no
    loose = _read_entries(lines, 0, "", reading)
    sections, section_lines, located = _read_sections(lines, reading)
    _check_content(loose + located, validate_entry)
    return Fragment(
        heading,
        heading_line,
        tuple(e.entry for e in loose),
        tuple(sections),
        tuple(section_lines),
    )


def _read_sections(lines, reading: _Reading):
    """Every "## " section to the end: (sections, the line of each heading, located entries)."""
    sections: list[SectionData] = []
    located: list[_LocatedEntry] = []
    title_lines: dict[str, int] = {}
    while lines.peek()[1] is not None:
        line_no, line = lines.take()
        if _LOOKS_LIKE_ENTRY.match(line):
            raise CanonicalFormatError(
                line_no,
                'found an entry before any section; expected a "## {section title}" line',
                code="entry_before_section",
            )
        if not line.startswith(_SECTION_PREFIX):
            raise _unexpected(
                line_no, line, 'a section heading "## {section title}"', code="section_heading"
            )
        title = _field(
            line_no,
            line.removeprefix(_SECTION_PREFIX),
            "the section title",
            reading,
            field="section_title",
            n=0,
        )
        if title in title_lines:
            raise CanonicalFormatError(
                line_no,
                f'section "{title}" appears twice (first on line {title_lines[title]})',
                code="section_twice",
                title=title,
                first_line=title_lines[title],
            )
        title_lines[title] = line_no
        entries = _read_entries(lines, line_no, title, reading)
        sections.append(SectionData(title, tuple(e.entry for e in entries)))
        located += entries
    return sections, list(title_lines.values()), located


def _check_content(located: list["_LocatedEntry"], validate_entry) -> None:
    # The shape of the whole text is checked first; content rules come after, in text order.
    if validate_entry is not None:
        for entry in located:
            entry.check(validate_entry)


@dataclass(frozen=True)
class _LocatedEntry:
    """An entry and the line of each of its fields, for validate_entry's messages."""

    entry: EntryData
    title_line: int
    url_line: int
    summary_line: int  # where the summary is, or where it was expected

    def check(self, validate_entry: EntryValidator) -> None:
        field_lines = {"title": self.title_line, "url": self.url_line, "summary": self.summary_line}
        problems = validate_entry(self.entry)
        if problems:
            # Of several problems, the one highest in the file is reported, as for shape errors.
            field, message = min(problems, key=lambda p: field_lines.get(p[0], self.title_line))
            raise CanonicalFormatError(
                field_lines.get(field, self.title_line),
                message,
                code="content",
                field=field,
                problem=message,
            )


class _Lines:
    """The non-empty lines of a file in order, each with its 1-based line number."""

    def __init__(self, text: str):
        lines = _LINE_BREAK.split(text)
        if lines[-1] == "":
            lines.pop()  # the break that ends the last line does not start another one
        # Trailing white space is accepted from hand-edited files, and dropped.
        self._lines = [line.rstrip() for line in lines]
        self._numbers = [n for n, line in enumerate(self._lines, start=1) if line]
        self._next = 0
        self.end = len(self._lines) + 1  # the line number reported for "the end of the file"

    def peek(self) -> tuple[int, str | None]:
        """The next non-empty line and its number, or (end, None) at the end of the file."""
        if self._next == len(self._numbers):
            return self.end, None
        number = self._numbers[self._next]
        return number, self._lines[number - 1]

    def take(self) -> tuple[int, str | None]:
        """Like peek, and move past the line, which must follow an empty line (blocks)."""
        number, line = self.peek()
        if line is not None:
            if self._next > 0 and self._lines[number - 2]:
                raise CanonicalFormatError(
                    number,
                    f"expected an empty line before {_found(line)}",
                    code="empty_line",
                    found=line,
                )
            self._next += 1
        return number, line


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            before = data[: error.start].decode("utf-8")
            line = len(_LINE_BREAK.split(before))
            raise CanonicalFormatError(
                line, "the file is not valid UTF-8 text", code="not_utf8"
            ) from None
    return data.removeprefix("\ufeff")


def _read_heading(lines: _Lines, publication: str) -> tuple[int, int]:
    line_no, line = lines.take()
    match = _HEADING.fullmatch(line) if line is not None else None
    if match is None:
        shape = f'"# {publication} {{year}} 年第{{number}}期"'
        raise _unexpected(
            line_no, line, f"the issue heading {shape}", code="heading", publication=publication
        )
    if match["publication"] != publication:
        raise CanonicalFormatError(
            line_no,
            f'the heading names the publication "{match["publication"]}", expected "{publication}"',
            code="publication",
            publication=publication,
            found_publication=match["publication"],
        )
    if not _YEAR.fullmatch(match["year"]):
        raise CanonicalFormatError(
            line_no,
            f'expected a four-digit year in the heading, found "{match["year"]}"',
            code="year",
            year=match["year"],
        )
    try:
        number = from_chinese_numeral(match["numeral"])
    except ValueError:
        raise CanonicalFormatError(
            line_no,
            "expected the issue number in Chinese numerals (such as 三十二), "
            f'found "{match["numeral"]}"',
            code="numeral",
            numeral=match["numeral"],
        ) from None
    return int(match["year"]), number


def _read_entries(
    lines: _Lines, section_line: int, section_title: str, reading: _Reading
) -> list[_LocatedEntry]:
    """The entries up to the next section heading. In a file a section has at least one and they
    are numbered 1, 2, 3, …; in a fragment (section_line 0: before any heading) there may be
    none, and the numbers may start anywhere and start again at 1."""
    entries: list[_LocatedEntry] = []
    number = 0  # the number of the entry read last
    while (line := lines.peek()[1]) is not None and not line.startswith(_SECTION_PREFIX):
        located, number = _read_entry(lines, number, reading)
        entries.append(located)
    if not entries and section_line:
        raise CanonicalFormatError(
            section_line,
            f'section "{section_title}" has no entries; expected "**1.** **title**"',
            code="section_empty",
            title=section_title,
        )
    return entries


def _read_entry(lines: _Lines, previous: int, reading: _Reading) -> tuple[_LocatedEntry, int]:
    """The entry that follows entry number `previous` (0 at the start of a run), and its number."""
    n = previous + 1
    title_no, line = lines.take()
    match = _ENTRY_TITLE.fullmatch(line)
    if match is None:
        expected = f'the title line of entry {n} ("**{n}.** **title**")'
        if n > 1:
            expected += ' or a section heading "## {section title}"'
        raise _unexpected(title_no, line, expected, code="entry_title_line", n=n)
    found = match["number"]
    if reading.fragment and (previous == 0 or found == "1") and found.isascii() and found != "0":
        n = int(found)  # a fragment may start anywhere, and start again at 1
    if found != str(n):
        raise CanonicalFormatError(
            title_no,
            f'expected entry number {n} ("**{n}.**"), found "**{found}.**": '
            "entries are numbered 1, 2, 3, … within each section",
            code="entry_number",
            n=n,
            found=found,
        )
    title = _field(title_no, match["title"], f"the title of entry {n}", reading, field="title", n=n)

    url_no, line = lines.take()
    url = url_from_line(line) if line is not None else None
    if url is None or (problem := url_problem(url)):
        reason = f", which {problem}" if url is not None else ""
        raise _unexpected(
            url_no,
            line,
            f'the URL line of entry {n} ("https://…")',
            reason,
            code="url_line",
            n=n,
            url=url or "",
            problem=problem if url is not None else "",
        )

    summary = ""
    summary_no, line = lines.peek()
    if (
        line is not None
        and not line.startswith(_SECTION_PREFIX)
        and not _LOOKS_LIKE_ENTRY.match(line)
    ):
        summary = _read_summary(*lines.take(), n, reading)
    elif reading.require_summaries:
        raise _unexpected(
            summary_no,
            line,
            f'the summary line of entry {n} ("{SUMMARY_LABEL} …")',
            ": a published issue has a summary for every entry",
            code="summary_missing",
            n=n,
        )
    return _LocatedEntry(EntryData(title, url, summary), title_no, url_no, summary_no), n


def _read_summary(line_no: int, line: str, n: int, reading: _Reading) -> str:
    if line.startswith(SUMMARY_LABEL + " "):
        raw = line.removeprefix(SUMMARY_LABEL + " ")
        return _field(line_no, raw, f"the summary of entry {n}", reading, field="summary", n=n)
    if line == SUMMARY_LABEL:
        raise CanonicalFormatError(
            line_no, f"the summary of entry {n} is empty", code="summary_empty", n=n
        )
    if line.startswith(_FULL_WIDTH_LABEL):
        raise CanonicalFormatError(
            line_no,
            f'expected the summary label "{SUMMARY_LABEL}" with an ASCII colon, '
            f'found "{_FULL_WIDTH_LABEL}" with a full-width one',
            code="summary_label",
            n=n,
        )
    expected = (
        f'the summary line of entry {n} ("{SUMMARY_LABEL} …"), the next entry or a section heading'
    )
    raise _unexpected(line_no, line, expected, code="summary_line", n=n)


def _field(line_no: int, raw: str, what: str, reading: _Reading, *, field: str, n: int) -> str:
    # Unescaped text is read literally; text that is not NFC is normalised, not refused. Text
    # the plain-text rule would change otherwise (a control character, a noncharacter, a run
    # of white space) is refused with its line: export never writes it. A fragment is typed or
    # pasted by hand: it is read by that rule, as the composer's forms read what they get.
    text = unicodedata.normalize("NFC", unescape_markdown(raw))
    if reading.fragment:
        text = clean_text(text)
    if problem := text_problem(text):
        raise CanonicalFormatError(
            line_no, f"{what} {problem}", code="text", field=field, n=n, problem=problem
        )
    return text


def _unexpected(
    line_no: int, line: str | None, expected: str, reason: str = "", *, code: str, **params
) -> CanonicalFormatError:
    return CanonicalFormatError(
        line_no,
        f"expected {expected}, found {_found(line)}{reason}",
        code=code,
        found=line,
        **params,
    )


def _found(line: str | None) -> str:
    if line is None:
        return "the end of the file"
    shown = line if len(line) <= 60 else line[:59] + "…"
    # Control characters are shown as escapes: the reader must see what is wrong.
    return '"' + _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", shown) + '"'
