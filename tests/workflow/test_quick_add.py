"""Quick add: a pasted block becomes entries, all or nothing, with the line of any problem."""

import pytest
from django.core.exceptions import ValidationError

from editorial import services
from editorial.models import AuditEvent, Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue
from tests.support.services import assert_contiguous, audit_count

CANONICAL = """\
**1.** **Raft, explained**

https://raft.example/paper

**摘要:** Consensus \\*without\\* Paxos.

**2.** **Draft without a summary**

https://draft.example/
"""


@pytest.fixture
def section(draft_issue):
    return draft_issue.sections.get(position=2)


def added(section):
    return list(
        Entry.objects.filter(section=section, position__gt=2).values_list("title", "url", "summary")
    )


def test_a_canonical_fragment(editor, section):
    entries = services.entries_quick_add(section, text=CANONICAL, by=editor)
    assert [e.position for e in entries] == [3, 4]
    assert added(section) == [
        ("Raft, explained", "https://raft.example/paper", "Consensus *without* Paxos."),
        ("Draft without a summary", "https://draft.example/", ""),
    ]
    events = AuditEvent.objects.filter(issue=section.issue).order_by("pk")
    assert [(e.action, e.data["quick_add"]) for e in events] == [("entry_create", True)] * 2


def test_a_heading_naming_another_section_is_refused_and_points_to_the_issue_paste(editor, section):
    text = "## 别的栏目\n\n" + CANONICAL
    with pytest.raises(ValidationError) as raised:
        services.entries_quick_add(section, text=text, by=editor)
    [message] = raised.value.message_dict["text"]
    assert message.startswith("Line 1: “别的栏目” is the heading of another section")
    assert "Paste a draft" in message
    assert added(section) == [] and audit_count(section.issue) == 0


def test_a_heading_naming_this_section_is_accepted(editor, section):
    text = f"## {section.title}\n\n" + CANONICAL
    services.entries_quick_add(section, text=text, by=editor)
    assert [title for title, _url, _summary in added(section)] == [
        "Raft, explained",
        "Draft without a summary",
    ]


def test_entries_copied_from_two_sections_may_start_their_numbering_again(editor, section):
    text = CANONICAL + "\n**1.** **From the next section**\n\nhttps://next.example/\n"
    services.entries_quick_add(section, text=text, by=editor)
    assert [title for title, _url, _summary in added(section)] == [
        "Raft, explained",
        "Draft without a summary",
        "From the next section",
    ]


def test_the_issue_heading_must_name_this_issue(editor, section):
    issue = section.issue
    heading = f"# 云计算技术动态 {issue.year} 年第三十三期\n\n"
    services.entries_quick_add(section, text=heading + CANONICAL, by=editor)
    assert len(added(section)) == 2
    with pytest.raises(ValidationError, match="Line 1: the heading names issue 2024/32"):
        services.entries_quick_add(
            section, text=heading.replace("三十三", "三十二") + CANONICAL, by=editor
        )


def test_plain_line_groups(editor, section):
    text = (
        "  First title\nhttps://one.example/\nA summary that\nwraps over lines.\n\n\n"
        "Second <b>title</b>\r\nhttps://two.example/?q=1\r\n"
    )
    services.entries_quick_add(section, text=text, by=editor)
    assert added(section) == [
        ("First title", "https://one.example/", "A summary that wraps over lines."),
        ("Second <b>title</b>", "https://two.example/?q=1", ""),
    ]
    assert_contiguous(section.issue)


def test_entries_added_to_an_issue_in_review_are_submitted(editor):
    issue = make_issue(2024, 90, status=IssueStatus.IN_REVIEW, entry_status="submitted")
    section = issue.sections.first()
    [entry] = services.entries_quick_add(section, text="T\nhttps://t.example/", by=editor)
    assert entry.status == EntryStatus.SUBMITTED


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Good\nhttps://ok.example/\n\nBad one\njavascript:alert(1)\n", 5, "http"),
        ("Good\nhttps://ok.example/\n\nTitle only\n\nThird\nhttps://x.example/", 4, "URL"),
        ("Good\nhttps://ok.example/\nsummary\n\n" + "x" * 301 + "\nhttps://x.example/", 5, "300"),
        ("Good\nhttps://ok.example/\n" + "s" * 2001, 3, "2000"),
        (CANONICAL.replace("**2.**", "**3.**"), 7, "entry number 2"),
        (CANONICAL.replace("https://draft.example/", "draft.example"), 9, "http"),
        (CANONICAL.replace("**摘要:**", "**摘要：**"), 5, "ASCII colon"),
        ("## 栏目\n\n**1.** **T**\n\nhttps://t.example/\n**摘要:** s", 6, "empty line"),
        ("## 栏目\n", 1, "no entries"),
    ],
)
def test_a_bad_block_stores_nothing_and_names_the_line(editor, section, text, line, words):
    with pytest.raises(ValidationError) as raised:
        services.entries_quick_add(section, text=text, by=editor)
    [message] = raised.value.message_dict["text"]
    assert message.startswith(f"Line {line}: "), message
    assert words in message
    assert added(section) == [] and audit_count(section.issue) == 0


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_an_empty_paste_is_refused(editor, section, text):
    with pytest.raises(ValidationError, match="at least one entry"):
        services.entries_quick_add(section, text=text, by=editor)
