"""Quick add: a pasted block of entries, either canonical markdown or plain line groups.

Canonical: `**1.** **title**` / url / `**摘要:** summary` blocks, optionally under `## section`
lines (ignored: everything goes to the chosen section). Plain: groups of lines separated by
blank lines, "title", "url" and an optional summary (which may wrap over several lines).
All or nothing; a problem is reported with the line of the block it is on.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from editorial import guards
from editorial.canonical import CanonicalFormatError, EntryData, markdown_to_issue
from editorial.rules import clean_entry_fields
from editorial.services.entries import create_entry, lock_section

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CANONICAL_LINE = re.compile(r"\*\*[0-9]+\.|## ")


def _line_error(line: int, message: str) -> ValidationError:
    return ValidationError(
        {"text": _("Line %(line)d: %(message)s") % {"line": line, "message": message}}
    )


def _field_problems(fields) -> list[tuple[str, str]]:
    """(field, message) pairs for entry fields that break the input rules."""
    try:
        clean_entry_fields(*fields)
    except ValidationError as error:
        return [(field, messages[0]) for field, messages in error.message_dict.items()]
    return []


def _parse_canonical(lines: list[str]) -> list[tuple[str, str, str]]:
    # The fragment is read as a whole file behind a made-up heading (and section, if it has
    # none), so the format's own parser checks it; its line numbers are shifted back.
    first = next(line for line in lines if line)
    prefix = [f"# {settings.DIGEST_PUBLICATION} 2000 年第一期", ""]
    if not first.startswith("## "):
        prefix += ["## -", ""]
    try:
        data = markdown_to_issue(
            "\n".join(prefix + lines),
            publication=settings.DIGEST_PUBLICATION,
            validate_entry=lambda e: _field_problems((e.title, e.url, e.summary)),
        )
    except CanonicalFormatError as error:
        line = min(max(error.line - len(prefix), 1), len(lines))
        raise _line_error(line, error.message) from None
    entries: list[EntryData] = [e for section in data.sections for e in section.entries]
    return [clean_entry_fields(e.title, e.url, e.summary) for e in entries]


def _parse_plain(lines: list[str]) -> list[tuple[str, str, str]]:
    groups, group = [], []
    for number, line in enumerate(lines, start=1):
        if line:
            group.append((number, line))
        elif group:
            groups.append(group)
            group = []
    if group:
        groups.append(group)
    entries = []
    for (title_line, title), *rest in groups:
        if not rest:
            raise _line_error(title_line, _("a title needs its URL on the next line."))
        url_line, url = rest[0]
        summary_line = rest[1][0] if len(rest) > 1 else url_line
        fields = (title, url, " ".join(text for _n, text in rest[1:]))
        problems = _field_problems(fields)
        if problems:
            where = {"title": title_line, "url": url_line, "summary": summary_line}
            field, message = min(problems, key=lambda p: where.get(p[0], title_line))
            raise _line_error(where.get(field, title_line), message)
        entries.append(clean_entry_fields(*fields))
    return entries


def parse_quick_add(text: str) -> list[tuple[str, str, str]]:
    """The pasted block as cleaned (title, url, summary) tuples; ValidationError {"text": ...}
    naming the line of the first problem."""
    lines = [line.strip() for line in _LINE_BREAK.split((text or "").removeprefix("\ufeff"))]
    if not any(lines):
        raise ValidationError({"text": _("Paste at least one entry: a title, then its URL.")})
    if any(_CANONICAL_LINE.match(line) for line in lines):
        return _parse_canonical(lines)
    return _parse_plain(lines)


@transaction.atomic
def entries_quick_add(section, *, text, by) -> list:
    """Append the pasted entries to the section, in order; nothing is stored if any is bad.
    One audit row per entry created (action entry_create, data quick_add)."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    rows = parse_quick_add(text)
    entries = [
        create_entry(issue, section, fields, by=by, data={"quick_add": True}) for fields in rows
    ]
    guards.touch(issue)
    return entries
