"""A piece of an issue pasted by hand (markdown_to_fragment): the file's reading, with the
heading optional, entries before any section, numbering that may start again, and fields read
by the plain-text rule; every refusal with its line and a code an interface can translate."""

import pytest
from hypothesis import given

from editorial.canonical import (
    ERROR_CODES,
    CanonicalFormatError,
    EntryData,
    SectionData,
    issue_to_markdown,
    markdown_to_fragment,
)
from tests.support.canonical import PUBLICATION, issues, texts


def read(text: str):
    return markdown_to_fragment(text, publication=PUBLICATION)


def refusal(text: str) -> CanonicalFormatError:
    with pytest.raises(CanonicalFormatError) as caught:
        read(text)
    return caught.value


def test_entries_before_any_section_then_sections_with_numbering_that_restarts():
    text = (
        "**1.** **Loose**\n\nhttps://a.example/\n\n"
        "## 分布式系统\n\n**1.** **One**\n\nhttps://b.example/\n\n**摘要:** s\n\n"
        "**2.** **Two**\n\nhttps://c.example/\n\n"
        "**1.** **Copied from another section**\n\nhttps://d.example/\n"
    )
    fragment = read(text)
    assert fragment.heading is None and fragment.heading_line == 0
    assert fragment.loose == (EntryData("Loose", "https://a.example/"),)
    assert fragment.sections == (
        SectionData(
            "分布式系统",
            (
                EntryData("One", "https://b.example/", "s"),
                EntryData("Two", "https://c.example/"),
                EntryData("Copied from another section", "https://d.example/"),
            ),
        ),
    )
    assert fragment.section_lines == (5,)


def test_a_run_may_start_anywhere_but_never_skips():
    text = "**3.** **Third**\n\nhttps://a.example/\n\n**4.** **Fourth**\n\nhttps://b.example/\n"
    assert [e.title for e in read(text).loose] == ["Third", "Fourth"]
    error = refusal(text.replace("**4.**", "**5.**"))
    assert (error.line, error.code, error.params["n"], error.params["found"]) == (
        5,
        "entry_number",
        4,
        "5",
    )


def test_the_heading_is_read_when_there():
    text = "# 云计算技术动态 2024 年第三十二期\n\n## 栏目\n\n**1.** **T**\n\nhttps://t.example/\n"
    fragment = read(text)
    assert (fragment.heading, fragment.heading_line) == ((2024, 32), 1)
    error = refusal(text.replace("云计算技术动态", "别的刊物"))
    assert (error.line, error.code, error.params["found_publication"]) == (
        1,
        "publication",
        "别的刊物",
    )


def test_fields_are_read_by_the_plain_text_rule():
    fragment = read(
        "##   两个  空格 \n\n**1.** **  A \t title **\n\nhttps://t.example/\n\n**摘要:**  s  s\n"
    )
    assert fragment.sections == (
        SectionData("两个 空格", (EntryData("A title", "https://t.example/", "s s"),)),
    )


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        ("**1.** **T**\n\nnot a url\n", 3, "url_line"),
        ("**1.** **T**\n\njavascript:alert(1)\n", 3, "url_line"),
        ("**1.** ** **\n\nhttps://t.example/\n", 1, "text"),
        ("**1.** **T**\nhttps://t.example/\n", 2, "empty_line"),
        ("**1.** **T**\n\nhttps://t.example/\n\n**摘要：** s\n", 5, "summary_label"),
        ("**1.** **T**\n\nhttps://t.example/\n\n**摘要:**\n", 5, "summary_empty"),
        ("**1.** **T**\n\nhttps://t.example/\n\nsome words\n", 5, "summary_line"),
        ("hello\n", 1, "entry_title_line"),
        ("## A\n\n## B\n\n**1.** **T**\n\nhttps://t.example/\n", 1, "section_empty"),
        (
            "## A\n\n**1.** **T**\n\nhttps://t.example/\n\n## A\n\n**1.** **U**\n\nhttps://u.example/",
            7,
            "section_twice",
        ),
        ("# 云计算技术动态 24 年第一期\n", 1, "year"),
        ("# 云计算技术动态 2024 年第一一期\n", 1, "numeral"),
    ],
)
def test_every_refusal_has_its_line_and_a_known_code_with_its_params(text, line, code):
    error = refusal(text)
    assert (error.line, error.code) == (line, code), error
    assert set(ERROR_CODES[code]) <= set(error.params)


def test_content_rules_come_through_validate_entry_with_their_field():
    with pytest.raises(CanonicalFormatError) as caught:
        markdown_to_fragment(
            "**1.** **T**\n\nhttps://t.example/\n\n**摘要:** s\n",
            publication=PUBLICATION,
            validate_entry=lambda entry: [("summary", "too short")],
        )
    assert (caught.value.line, caught.value.code, caught.value.params) == (
        5,
        "content",
        {"field": "summary", "problem": "too short"},
    )


@given(issues(summaries=texts))
def test_any_exported_issue_reads_back_as_its_sections(issue):
    fragment = read(issue_to_markdown(issue))
    assert fragment.heading == (issue.year, issue.number)
    assert fragment.loose == () and fragment.sections == issue.sections
