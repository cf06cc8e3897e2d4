"""What changed since the last review (editorial.compose.changes): the units a difference is
counted in (a character in Chinese, a word in Latin script), the difference itself, and the
review page showing it for an entry edited after an approval or a request for changes."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from editorial import services, workflow
from editorial.compose.changes import Piece, difference, tokens
from editorial.models import EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_user


def test_chinese_by_character_latin_by_word():
    assert tokens("Raft 共识算法 v2.0") == [
        "Raft",
        " ",
        "共",
        "识",
        "算",
        "法",
        " ",
        "v2",
        ".",
        "0",
    ]
    assert tokens("Über naïve café") == ["Über", " ", "naïve", " ", "café"]
    assert tokens("한국어 かな") == ["한", "국", "어", " ", "か", "な"]


def test_a_replaced_word_and_a_replaced_character():
    assert difference("Raft 共识算法", "Paxos 共识协议") == (
        Piece("removed", "Raft"),
        Piece("added", "Paxos"),
        Piece("same", " 共识"),
        Piece("removed", "算法"),
        Piece("added", "协议"),
    )
    assert difference("https://example.com/a", "https://example.com/b")[-2:] == (
        Piece("removed", "a"),
        Piece("added", "b"),
    )


@given(st.text(max_size=60), st.text(max_size=60))
def test_a_difference_gives_both_texts_back(old, new):
    pieces = difference(old, new)
    assert "".join(p.text for p in pieces if p.kind != "added") == old
    assert "".join(p.text for p in pieces if p.kind != "removed") == new


# --- on the review page --------------------------------------------------------------------------


@pytest.fixture
def people(db):
    return make_user("editor", username="ed"), make_user("reviewer", username="rev")


@pytest.fixture
def entry(people):
    editor, _reviewer = people
    issue = make_issue(
        2024,
        33,
        {"分布式系统": [("Raft 共识算法", "https://example.com/raft", "一篇导读。")]},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=editor,
    )
    return issue.sections.get().entries.get()


def review_page(reviewer) -> str:
    client = Client()
    client.force_login(reviewer)
    return client.get(reverse("editorial:review_issue", args=[2024, 33])).content.decode()


def changes_shown(html: str) -> str:
    start = html.index('<details class="review-changes"')
    return html[start : html.index("</details>", start)]


def edit(entry, by, **fields):
    entry.refresh_from_db()
    text = {"title": entry.title, "url": entry.url, "summary": entry.summary, **fields}
    return services.entry_update(entry, **text, version=entry.version, by=by)


def test_an_entry_never_reviewed_shows_no_difference(people, entry):
    editor, reviewer = people
    edit(entry, editor, title="Raft <共识> 协议")
    assert "review-changes" not in review_page(reviewer)


def test_edited_after_an_approval_shows_what_changed_since(people, entry):
    editor, reviewer = people
    workflow.entry_approve(entry, by=reviewer, version=entry.version)
    edit(entry, editor, title="Raft <共识> 算法")
    edit(entry, editor, title="Raft <共识> 协议", summary="一篇更好的导读。")
    html = review_page(reviewer)
    changes = changes_shown(html)
    # From the approved text to the text now, not through the edit between.
    assert "<dt>标题</dt>" in changes
    assert '<ins><span class="visually-hidden">' in changes
    assert "&lt;" in changes and "<共" not in changes  # text escaped, never markup
    assert ">算法</del>" in changes and "&gt; 协议</ins>" in changes
    assert ">更好的</ins>" in changes
    assert "地址" not in changes  # the URL did not change


def test_resubmitted_after_a_request_for_changes(people, entry):
    editor, reviewer = people
    workflow.entry_request_changes(entry, by=reviewer, comment="请写清楚是哪个算法。")
    edit(entry, editor, url="https://example.com/raft-paper")  # and so submitted again
    html = review_page(reviewer)
    changes = changes_shown(html)
    assert ">-paper</ins>" in changes


def test_once_approved_again_the_difference_is_gone(people, entry):
    editor, reviewer = people
    workflow.entry_approve(entry, by=reviewer, version=entry.version)
    edit(entry, editor, title="Raft 共识协议")
    entry.refresh_from_db()
    other = make_user("reviewer")
    workflow.entry_approve(entry, by=other, version=entry.version)
    assert "review-changes" not in review_page(reviewer)
