"""IssueData to the canonical markdown file (FORMAT.md), byte for byte."""

from .data import EntryData, IssueData, text_problem, url_problem
from .escaping import escape_markdown, escape_section_title, url_line
from .numerals import to_chinese_numeral

SUMMARY_LABEL = "**摘要:**"


def issue_heading(publication: str, year: int, number: int) -> str:
    """Line 1 of the file: `# {publication} {year} 年第{numeral}期`."""
    return f"# {publication} {year} 年第{to_chinese_numeral(number)}期"


def issue_to_markdown(issue: IssueData) -> str:
    """The canonical markdown of `issue`; ValueError if it holds data the file cannot carry."""
    _check(issue)
    lines = [issue_heading(issue.publication, issue.year, issue.number)]
    for section in issue.sections:
        if not section.entries:
            continue  # an empty section is not written (FORMAT.md)
        lines += ["", f"## {escape_section_title(section.title)}"]
        for n, entry in enumerate(section.entries, start=1):
            lines += ["", f"**{n}.** **{escape_markdown(entry.title)}**", "", url_line(entry.url)]
            if entry.summary:
                lines += ["", f"{SUMMARY_LABEL} {escape_markdown(entry.summary)}"]
    return "\n".join(lines) + "\n"


def _check(issue: IssueData) -> None:
    # Refusing here keeps the promise that every exported file imports back to the same data.
    if problem := text_problem(issue.publication):
        raise ValueError(f"publication name {issue.publication!r} {problem}")
    if not 1000 <= issue.year <= 9999:
        raise ValueError(f"year {issue.year} is not a four-digit year")
    to_chinese_numeral(issue.number)
    seen: set[str] = set()
    for s, section in enumerate(issue.sections, start=1):
        if not section.entries:
            continue
        if problem := text_problem(section.title):
            raise ValueError(f"section {s}: title {problem}")
        if section.title in seen:
            raise ValueError(f"section {s}: title {section.title!r} is used twice")
        seen.add(section.title)
        for n, entry in enumerate(section.entries, start=1):
            if problem := _entry_problem(entry):
                raise ValueError(f"section {s}, entry {n}: {problem}")


def _entry_problem(entry: EntryData) -> str | None:
    if problem := text_problem(entry.title):
        return f"title {problem}"
    if problem := url_problem(entry.url):
        return f"URL {problem}"
    if entry.summary and (problem := text_problem(entry.summary)):
        return f"summary {problem}"
    return None
