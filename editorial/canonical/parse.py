"""The canonical markdown file back to IssueData: strict, with the line and what was expected."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

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
    """A file that breaks the canonical format: the 1-based line and what was expected there."""

    def __init__(self, line: int, message: str):
        super().__init__(line, message)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


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
    lines = _Lines(_decode(text))
    year, number = _read_heading(lines, publication)
    sections: list[SectionData] = []
    located: list[_LocatedEntry] = []
    title_lines: dict[str, int] = {}
    while lines.peek()[1] is not None:
        line_no, line = lines.take()
        if _LOOKS_LIKE_ENTRY.match(line):
            raise CanonicalFormatError(
                line_no, 'found an entry before any section; expected a "## {section title}" line'
            )
        if not line.startswith(_SECTION_PREFIX):
            raise _unexpected(line_no, line, 'a section heading "## {section title}"')
        title = _field(line_no, line.removeprefix(_SECTION_PREFIX), "the section title")
        if title in title_lines:
            raise CanonicalFormatError(
                line_no, f'section "{title}" appears twice (first on line {title_lines[title]})'
            )
        title_lines[title] = line_no
        entries = _read_entries(lines, line_no, title, require_summaries)
        sections.append(SectionData(title, tuple(e.entry for e in entries)))
        located += entries
    # The shape of the whole file is checked first; content rules come after, in file order.
    if validate_entry is not None:
        for entry in located:
            entry.check(validate_entry)
    return IssueData(publication, year, number, tuple(sections))


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
            raise CanonicalFormatError(field_lines.get(field, self.title_line), message)


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
                raise CanonicalFormatError(number, f"expected an empty line before {_found(line)}")
            self._next += 1
        return number, line


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            before = data[: error.start].decode("utf-8")
            line = len(_LINE_BREAK.split(before))
            raise CanonicalFormatError(line, "the file is not valid UTF-8 text") from None
    return data.removeprefix("\ufeff")


def _read_heading(lines: _Lines, publication: str) -> tuple[int, int]:
    line_no, line = lines.take()
    match = _HEADING.fullmatch(line) if line is not None else None
    if match is None:
        shape = f'"# {publication} {{year}} 年第{{number}}期"'
        raise _unexpected(line_no, line, f"the issue heading {shape}")
    if match["publication"] != publication:
        raise CanonicalFormatError(
            line_no,
            f'the heading names the publication "{match["publication"]}", expected "{publication}"',
        )
    if not _YEAR.fullmatch(match["year"]):
        raise CanonicalFormatError(
            line_no, f'expected a four-digit year in the heading, found "{match["year"]}"'
        )
    try:
        number = from_chinese_numeral(match["numeral"])
    except ValueError:
        raise CanonicalFormatError(
            line_no,
            "expected the issue number in Chinese numerals (such as 三十二), "
            f'found "{match["numeral"]}"',
        ) from None
    return int(match["year"]), number


def _read_entries(
    lines: _Lines, section_line: int, section_title: str, require_summaries: bool
) -> list[_LocatedEntry]:
    entries: list[_LocatedEntry] = []
    while (line := lines.peek()[1]) is not None and not line.startswith(_SECTION_PREFIX):
        entries.append(_read_entry(lines, len(entries) + 1, require_summaries))
    if not entries:
        raise CanonicalFormatError(
            section_line, f'section "{section_title}" has no entries; expected "**1.** **title**"'
        )
    return entries


def _read_entry(lines: _Lines, n: int, require_summaries: bool) -> _LocatedEntry:
    title_no, line = lines.take()
    match = _ENTRY_TITLE.fullmatch(line)
    if match is None:
        expected = f'the title line of entry {n} ("**{n}.** **title**")'
        if n > 1:
            expected += ' or a section heading "## {section title}"'
        raise _unexpected(title_no, line, expected)
    if match["number"] != str(n):
        raise CanonicalFormatError(
            title_no,
            f'expected entry number {n} ("**{n}.**"), found "**{match["number"]}.**": '
            "entries are numbered 1, 2, 3, … within each section",
        )
    title = _field(title_no, match["title"], f"the title of entry {n}")

    url_no, line = lines.take()
    url = url_from_line(line) if line is not None else None
    if url is None or (problem := url_problem(url)):
        reason = f", which {problem}" if url is not None else ""
        raise _unexpected(url_no, line, f'the URL line of entry {n} ("https://…")', reason)

    summary = ""
    summary_no, line = lines.peek()
    if (
        line is not None
        and not line.startswith(_SECTION_PREFIX)
        and not _LOOKS_LIKE_ENTRY.match(line)
    ):
        summary = _read_summary(*lines.take(), n)
    elif require_summaries:
        raise _unexpected(
            summary_no,
            line,
            f'the summary line of entry {n} ("{SUMMARY_LABEL} …")',
            ": a published issue has a summary for every entry",
        )
    return _LocatedEntry(EntryData(title, url, summary), title_no, url_no, summary_no)


def _read_summary(line_no: int, line: str, n: int) -> str:
    if line.startswith(SUMMARY_LABEL + " "):
        return _field(line_no, line.removeprefix(SUMMARY_LABEL + " "), f"the summary of entry {n}")
    if line == SUMMARY_LABEL:
        raise CanonicalFormatError(line_no, f"the summary of entry {n} is empty")
    if line.startswith(_FULL_WIDTH_LABEL):
        raise CanonicalFormatError(
            line_no,
            f'expected the summary label "{SUMMARY_LABEL}" with an ASCII colon, '
            f'found "{_FULL_WIDTH_LABEL}" with a full-width one',
        )
    expected = (
        f'the summary line of entry {n} ("{SUMMARY_LABEL} …"), the next entry or a section heading'
    )
    raise _unexpected(line_no, line, expected)


def _field(line_no: int, raw: str, what: str) -> str:
    # Unescaped text is read literally; text that is not NFC is normalised, not refused. Text
    # the plain-text rule would change otherwise (a control character, a noncharacter, a run
    # of white space) is refused with its line: export never writes it.
    text = unicodedata.normalize("NFC", unescape_markdown(raw))
    if problem := text_problem(text):
        raise CanonicalFormatError(line_no, f"{what} {problem}")
    return text


def _unexpected(
    line_no: int, line: str | None, expected: str, reason: str = ""
) -> CanonicalFormatError:
    return CanonicalFormatError(line_no, f"expected {expected}, found {_found(line)}{reason}")


def _found(line: str | None) -> str:
    if line is None:
        return "the end of the file"
    shown = line if len(line) <= 60 else line[:59] + "…"
    # Control characters are shown as escapes: the reader must see what is wrong.
    return '"' + _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", shown) + '"'
