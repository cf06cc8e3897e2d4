from hypothesis import given
from hypothesis import strategies as st

from editorial.canonical import (
    IssueData,
    issue_to_markdown,
    markdown_to_issue,
)
from tests.support.canonical import PUBLICATION, issues, texts


def _assert_round_trip(issue: IssueData, **options) -> None:
    text = issue_to_markdown(issue)
    assert markdown_to_issue(text, publication=PUBLICATION, **options) == issue
    again = markdown_to_issue(text.encode("utf-8"), publication=PUBLICATION, **options)
    assert issue_to_markdown(again) == text


def _assert_canonical_bytes(text: str) -> None:
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and not text.startswith("\ufeff")
    for line in text.split("\n"):
        assert line == line.rstrip()
    assert "\n\n\n" not in text


@given(issues(summaries=texts))
def test_published_issue_round_trips(issue):
    _assert_round_trip(issue, require_summaries=True)
    _assert_canonical_bytes(issue_to_markdown(issue))


@given(issues(summaries=st.one_of(st.just(""), texts)))
def test_draft_issue_round_trips(issue):
    _assert_round_trip(issue)
    _assert_canonical_bytes(issue_to_markdown(issue))


@given(issues(summaries=texts), st.data())
def test_hand_edited_variants_read_the_same(issue, data):
    text = issue_to_markdown(issue)
    lines = text.split("\n")
    blank_run = data.draw(st.sampled_from(["", "\n", "\n \t\n"]))
    ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    trailing = data.draw(st.sampled_from(["", " ", "\t", "  \t"]))
    edited = ending.join(
        (line + trailing if line else blank_run.replace("\n", ending)) for line in lines[:-1]
    )
    edited = data.draw(st.sampled_from(["", "\ufeff"])) + edited + ending
    assert markdown_to_issue(edited, publication=PUBLICATION) == issue
    assert issue_to_markdown(markdown_to_issue(edited.encode(), publication=PUBLICATION)) == text
