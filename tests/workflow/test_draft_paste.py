"""Pasting a whole draft into an issue: entries to their sections by heading, missing sections
created at the end, the rest to the chosen section; whole or nothing, audited per entry, every
refusal in the user's language with the line of the box."""

import itertools
import re
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial import services
from editorial.canonical import ERROR_CODES, issue_to_markdown
from editorial.models import AuditEvent, EntryStatus, Issue, IssueStatus
from editorial.services import paste_messages
from editorial.store import issue_to_data
from editorial.workflow.guards import Vanished
from tests.support.canonical import issues, texts
from tests.support.factories import make_issue, make_user
from tests.support.services import assert_contiguous, audit_count

TWO_SECTIONS = """\
## 云计算技术

**1.** **Into the second section**

https://second.example/

**摘要:** 第二栏。

## 新栏目

**1.** **Into a new section**

https://new.example/a

**2.** **Also new**

https://new.example/b
"""


def titles_by_section(issue) -> dict[str, list[str]]:
    return {
        section.title: [entry.title for entry in section.entries.order_by("position")]
        for section in issue.sections.order_by("position")
    }


def test_entries_go_to_their_sections_and_missing_ones_are_created_at_the_end(editor, draft_issue):
    before = titles_by_section(draft_issue)
    result = services.draft_paste(draft_issue, text=TWO_SECTIONS, by=editor)
    assert [s.title for s in result.created_sections] == ["新栏目"]
    assert [e.title for e in result.entries] == [
        "Into the second section",
        "Into a new section",
        "Also new",
    ]
    assert titles_by_section(draft_issue) == {
        "分布式系统": before["分布式系统"],
        "云计算技术": [*before["云计算技术"], "Into the second section"],
        "新栏目": ["Into a new section", "Also new"],
    }
    assert_contiguous(draft_issue)
    events = AuditEvent.objects.filter(issue=draft_issue).order_by("pk")
    assert [(e.action, e.data.get("quick_add")) for e in events] == [
        ("section_create", None),
        ("entry_create", True),
        ("entry_create", True),
        ("entry_create", True),
    ]


@pytest.mark.parametrize("chosen", [None, "second"])
def test_entries_under_no_heading_and_plain_lines_go_to_the_chosen_section(
    editor, draft_issue, chosen
):
    sections = list(draft_issue.sections.order_by("position"))
    section = sections[1] if chosen else None
    target = section or sections[0]
    loose = "**1.** **Loose**\n\nhttps://loose.example/\n\n" + TWO_SECTIONS
    services.draft_paste(draft_issue, text=loose, by=editor, section=section)
    services.draft_paste(
        draft_issue, text="Plain\nhttps://plain.example/\nA summary.", by=editor, section=section
    )
    titles = titles_by_section(draft_issue)[target.title]
    # After the section's two entries: the loose one first, the plain one last.
    assert (titles[2], titles[-1]) == ("Loose", "Plain")
    others = [title for title in titles_by_section(draft_issue) if title != target.title]
    assert all("Loose" not in titles_by_section(draft_issue)[t] for t in others)


def test_a_whole_draft_file_with_its_heading(editor, draft_issue):
    text = "# 云计算技术动态 2024 年第三十三期\n\n" + TWO_SECTIONS
    services.draft_paste(draft_issue, text=text, by=editor)
    assert "新栏目" in titles_by_section(draft_issue)
    with pytest.raises(ValidationError, match=r"Line 1: the heading names issue 2024/32"):
        services.draft_paste(draft_issue, text=text.replace("三十三", "三十二"), by=editor)


def refused(issue, text, **kwargs) -> str:
    before = (audit_count(issue), titles_by_section(issue))
    with pytest.raises(ValidationError) as raised:
        services.draft_paste(issue, text=text, **kwargs)
    assert (audit_count(issue), titles_by_section(issue)) == before  # nothing half-saved
    [message] = raised.value.message_dict["text"]
    return message


def test_a_problem_anywhere_stores_nothing_and_names_the_line(editor, draft_issue):
    bad = TWO_SECTIONS.replace("https://new.example/b", "new.example/b")
    message = refused(draft_issue, bad, by=editor)
    assert message.startswith("Line 17: URL:"), message
    message = refused(draft_issue, TWO_SECTIONS.replace("**2.**", "**3.**"), by=editor)
    assert message.startswith("Line 15: expected entry number 2, found 3"), message


def test_a_chosen_section_removed_meanwhile_is_vanished(editor, draft_issue):
    second = draft_issue.sections.get(position=2)
    services.section_delete(second, by=editor, confirmed_entries=2)
    before = audit_count(draft_issue)
    with pytest.raises(Vanished, match="editor removed it"):
        services.draft_paste(draft_issue, text="T\nhttps://t.example/", by=editor, section=second)
    assert audit_count(draft_issue) == before


def test_a_heading_alone_is_no_entry(editor, draft_issue):
    message = refused(draft_issue, "# 云计算技术动态 2024 年第三十三期\n", by=editor)
    assert message == "Paste at least one entry: a title, then its URL."


def test_a_new_section_title_too_long_is_refused_at_its_heading(editor, draft_issue):
    text = TWO_SECTIONS.replace("新栏目", "栏" * 201)
    assert refused(draft_issue, text, by=editor).startswith("Line 9: Section title: at most 200")


def test_an_issue_without_sections_needs_a_heading_for_loose_entries(editor):
    issue = Issue.objects.create(year=2024, number=60)
    message = refused(issue, "\n\nTitle\nhttps://t.example/", by=editor)
    assert message.startswith("Line 3: this issue has no section yet"), message
    services.draft_paste(issue, text=TWO_SECTIONS, by=editor)
    assert list(titles_by_section(issue)) == ["云计算技术", "新栏目"]


def test_an_issue_in_review_gets_submitted_entries(editor, review_issue):
    result = services.draft_paste(review_issue, text=TWO_SECTIONS, by=editor)
    assert {e.status for e in result.entries} == {EntryStatus.SUBMITTED}


def test_a_published_issue_and_a_reader_are_refused(editor, db):
    published = make_issue(2024, 61, status=IssueStatus.PUBLISHED, entry_status="approved")
    with pytest.raises(services.entries.TransitionError):
        services.draft_paste(published, text=TWO_SECTIONS, by=editor)
    draft = make_issue(2024, 62)
    with pytest.raises(PermissionDenied):
        services.draft_paste(draft, text=TWO_SECTIONS, by=make_user("reader"))
    assert audit_count(published) == audit_count(draft) == 0


def test_messages_are_in_chinese_with_the_line(editor, draft_issue):
    bad = TWO_SECTIONS.replace("https://new.example/b", "ftp://new.example/b")
    with translation.override("zh-hans"):
        message = refused(draft_issue, bad, by=editor)
        number = refused(draft_issue, TWO_SECTIONS.replace("**2.**", "**3.**"), by=editor)
        expected = str(paste_messages._SENTENCES["entry_number"]) % {"n": 2, "found": "3"}
    assert message.startswith("第 17 行：链接：") and message.isascii() is False
    assert "URL" not in message.removeprefix("第 17 行：链接：")
    assert number == "第 15 行：" + expected


def test_every_code_of_the_parser_has_words_of_its_own():
    fallback = paste_messages._format_message("no such code", {})
    for code, names in ERROR_CODES.items():
        params = dict.fromkeys(names, 1) | {"field": "title", "problem": "is empty", "url": ""}
        params |= {"found": "x", "title": "t", "publication": "p", "found_publication": "q"}
        assert paste_messages._format_message(code, params) != fallback, code


_numbers = itertools.count(100)


def _as_typed_in_the_composer(data):
    # The format reads "HTTPS://…" as a URL; the composer's rule asks for a lower-case scheme.
    def entry(e):
        return replace(e, url=re.sub("^HTTPS://", "https://", e.url))

    return replace(
        data,
        sections=tuple(
            replace(section, entries=tuple(entry(e) for e in section.entries))
            for section in data.sections
        ),
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(issues(summaries=st.one_of(st.just(""), texts)).map(_as_typed_in_the_composer))
def test_any_issue_pasted_into_an_empty_issue_gives_the_same_entries(editor, data):
    empty = Issue.objects.create(year=2025, number=next(_numbers))
    data = replace(data, year=empty.year, number=empty.number)
    services.draft_paste(empty, text=issue_to_markdown(data), by=editor)
    assert issue_to_data(empty) == data
