"""Quick add: entries pasted at once, into one section or into the issue's sections.

Two shapes are read. Canonical markdown (FORMAT.md): `**1.** **title**` / url / `**摘要:**
summary` blocks, optionally under `## section` lines and after the issue's `# ` heading, read by
the format's own parser (markdown_to_fragment: numbering may start again at 1 for entries copied
from several sections). Plain: groups of lines separated by blank lines, "title", "url" and an
optional summary (which may wrap over several lines). All or nothing; a problem is reported in
the user's language with the line of the box it is on (paste_messages).

- Into a section (entries_quick_add): every entry goes to that section.
- Into the issue (draft_paste): entries under a `## ` heading go to the section of that title
  (the title as the format reads it, compared exactly as a file's sections are), sections the
  issue lacks are created at the end in the order of the paste, and entries under no heading
  (or plain groups) go to the section the editor chose.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from editorial.canonical import CanonicalFormatError, markdown_to_fragment
from editorial.models import Issue, Section
from editorial.rules import clean_entry_fields, clean_section_title
from editorial.services.entries import create_entry, lock_section
from editorial.services.paste_messages import format_error, line_error
from editorial.services.sections import add_section
from editorial.text import clean_text
from editorial.workflow import guards

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CANONICAL_LINE = re.compile(r"\*\*[0-9]+\.|#{1,2} ")

Fields = tuple[str, str, str]  # cleaned (title, url, summary)


@dataclass
class PastedSection:
    """Entries under one `## ` heading of the paste: its title and the heading's line."""

    title: str
    line: int
    entries: list[Fields]


@dataclass
class Paste:
    """A checked paste: `loose` entries (under no heading: for the chosen section), the
    `sections` under headings in order, and `first_line`, where the loose entries start."""

    loose: list[Fields] = field(default_factory=list)
    sections: list[PastedSection] = field(default_factory=list)
    first_line: int = 1


def _field_problems(fields) -> list[tuple[str, str]]:
    """(field, message) pairs for entry fields that break the input rules."""
    try:
        clean_entry_fields(*fields)
    except ValidationError as error:
        return [(name, messages[0]) for name, messages in error.message_dict.items()]
    return []


def _box_lines(text: str) -> list[str]:
    # Each line by the plain-text rule, as the composer's fields read what they get: a run of
    # spaces or a stray control character pasted along does not make the structure unreadable.
    # A line of invisible characters only stays a line (a title the rules refuse as empty),
    # not a break between entries.
    raw = _LINE_BREAK.split((text or "").removeprefix("\ufeff"))
    lines = [clean_text(line) or line.strip() for line in raw]
    if not any(lines):
        raise ValidationError({"text": _("Paste at least one entry: a title, then its URL.")})
    return lines


def _read_canonical(lines: list[str], issue: Issue) -> Paste:
    # The box is read as it is: the parser's line numbers are the box's.
    try:
        fragment = markdown_to_fragment(
            "\n".join(lines),
            publication=settings.DIGEST_PUBLICATION,
            validate_entry=lambda e: _field_problems((e.title, e.url, e.summary)),
        )
    except CanonicalFormatError as error:
        raise format_error(error) from None
    if fragment.heading is not None and fragment.heading != (issue.year, issue.number):
        year, number = fragment.heading
        raise line_error(
            fragment.heading_line,
            _(
                "the heading names issue %(year)d/%(number)d, and this is %(this_year)d/"
                "%(this_number)d: remove the heading line to paste its entries here."
            )
            % {
                "year": year,
                "number": number,
                "this_year": issue.year,
                "this_number": issue.number,
            },
        )
    if not fragment.loose and not fragment.sections:  # a heading and nothing under it
        raise ValidationError({"text": _("Paste at least one entry: a title, then its URL.")})
    first_line = next(
        n for n, line in enumerate(lines, start=1) if line and n > fragment.heading_line
    )
    return Paste(
        loose=[clean_entry_fields(e.title, e.url, e.summary) for e in fragment.loose],
        sections=[
            PastedSection(
                section.title,
                line,
                [clean_entry_fields(e.title, e.url, e.summary) for e in section.entries],
            )
            for section, line in zip(fragment.sections, fragment.section_lines, strict=True)
        ],
        first_line=first_line,
    )


def _read_plain(lines: list[str]) -> Paste:
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
            raise line_error(title_line, _("a title needs its URL on the next line."))
        url_line, url = rest[0]
        summary_line = rest[1][0] if len(rest) > 1 else url_line
        fields = (title, url, " ".join(text for _n, text in rest[1:]))
        problems = _field_problems(fields)
        if problems:
            where = {"title": title_line, "url": url_line, "summary": summary_line}
            name, message = min(problems, key=lambda p: where.get(p[0], title_line))
            raise line_error(where.get(name, title_line), message)
        entries.append(clean_entry_fields(*fields))
    return Paste(loose=entries, first_line=groups[0][0][0])


def read_paste(text: str, *, issue: Issue) -> Paste:
    """The pasted text of a box as a checked Paste; ValidationError {"text": "Line N: …"}
    naming the line of the first problem, in the user's language. Canonical markdown when a
    line starts like one (`**1.`, `## `, `# `), else plain line groups. `issue` is the issue
    pasted into: a heading naming another issue is refused."""
    lines = _box_lines(text)
    if any(_CANONICAL_LINE.match(line) for line in lines):
        return _read_canonical(lines, issue)
    return _read_plain(lines)


def parse_quick_add(text: str, *, section: Section) -> list[Fields]:
    """The entries pasted into `section`'s box, in order; ValidationError as read_paste.

    `## ` headings naming this very section are accepted (a piece of a file copied with its
    heading); a heading naming another section is refused, pointing to the issue's "Paste a
    draft". Putting those entries here would misplace them without a word, and sending them to
    other sections from a box that says it adds to this one would surprise: the issue-level
    paste is the place that distributes entries, and says which sections it created.
    """
    paste = read_paste(text, issue=section.issue)
    entries = list(paste.loose)
    for pasted in paste.sections:
        if pasted.title != section.title:
            raise line_error(
                pasted.line,
                _(
                    "“%(title)s” is the heading of another section, and this box adds to "
                    "“%(section)s” only. To paste entries into several sections, use “Paste a "
                    "draft” at the top of the issue."
                )
                % {"title": pasted.title, "section": section.title},
            )
        entries += pasted.entries
    return entries


@transaction.atomic
def entries_quick_add(section, *, text, by) -> list:
    """Append the pasted entries to the section, in order; nothing is stored if any is bad.
    One audit row per entry created (action entry_create, data quick_add)."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    section.issue = issue
    rows = parse_quick_add(text, section=section)
    entries = [
        create_entry(issue, section, fields, by=by, data={"quick_add": True}) for fields in rows
    ]
    guards.touch(issue)
    return entries


@dataclass
class DraftPasted:
    """What draft_paste did: the entries created (in paste order) and the sections created."""

    entries: list = field(default_factory=list)
    created_sections: list = field(default_factory=list)


def _chosen_section(sections: dict[str, Section], chosen, first_line: int):
    """The section loose entries go to: the chosen one (a Section or pk of this issue) or
    the first; refused when the issue has none."""
    by_pk = {section.pk: section for section in sections.values()}
    pk = getattr(chosen, "pk", chosen)
    if pk is not None and pk not in by_pk:
        raise guards.vanished("section", pk)
    if pk is not None:
        return by_pk[pk]
    if not sections:
        raise line_error(
            first_line,
            _(
                "this issue has no section yet: put a heading “## section title” above the "
                "entries, and the section is created."
            ),
        )
    return next(iter(sections.values()))


@transaction.atomic
def draft_paste(issue: Issue, *, text, by, section=None) -> DraftPasted:
    """Add a pasted draft to the issue: entries under a `## ` heading to the section of that
    title (created at the end when the issue has none, in the paste's order), the others to
    `section` (a Section of the issue, or its pk; None: the issue's first section). Whole or
    nothing: ValidationError {"text": "Line N: …"} for the first problem, TransitionError for a
    published issue, PermissionDenied for a user who is not an editor, Vanished when `section`
    was removed. One audit row per section created (section_create) and per entry
    (entry_create, data quick_add)."""
    issue = guards.lock_issue(issue.pk)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    paste = read_paste(text, issue=issue)
    rows = Section.objects.select_for_update().filter(issue=issue).order_by("position")
    sections = {row.title: row for row in rows}
    chosen = None
    if paste.loose:
        chosen = _chosen_section(sections, section, paste.first_line)
    # Every new title is checked before anything is written, so the refusal names its line.
    for pasted in paste.sections:
        if pasted.title not in sections:
            try:
                clean_section_title(pasted.title)
            except ValidationError as error:
                raise line_error(pasted.line, error.message_dict["title"][0]) from None
    result = DraftPasted()
    targets = [(chosen, paste.loose)] if paste.loose else []
    for pasted in paste.sections:
        target = sections.get(pasted.title)
        if target is None:
            target = sections[pasted.title] = add_section(issue, pasted.title, by=by)
            result.created_sections.append(target)
        targets.append((target, pasted.entries))
    for target, entries in targets:
        result.entries += [
            create_entry(issue, target, fields, by=by, data={"quick_add": True})
            for fields in entries
        ]
    guards.touch(issue)
    return result
