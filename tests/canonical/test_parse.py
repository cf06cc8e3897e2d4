import subprocess
import sys

import pytest

from editorial.canonical import (
    CanonicalFormatError,
    EntryData,
    IssueData,
    SectionData,
    issue_to_markdown,
    markdown_to_issue,
)

PUBLICATION = "云计算技术动态"

# A small canonical file; the malformed cases below are edits of it, by line number.
BASE = [
    "# 云计算技术动态 2024 年第三十二期",  # 1
    "",
    "## 分布式系统",  # 3
    "",
    "**1.** **Azure Files**",  # 5
    "",
    "https://example.com/a",  # 7
    "",
    "**摘要:** 摘要一",  # 9
    "",
    "**2.** **Meta**",  # 11
    "",
    "https://example.com/b",  # 13
    "",
    "**摘要:** 摘要二",  # 15
    "",
    "## 云计算技术",  # 17
    "",
    "**1.** **AWS**",  # 19
    "",
    "https://example.com/c",  # 21
    "",
    "**摘要:** 摘要三",  # 23
]
BASE_TEXT = "\n".join(BASE) + "\n"
BASE_DATA = IssueData(
    PUBLICATION,
    2024,
    32,
    (
        SectionData(
            "分布式系统",
            (
                EntryData("Azure Files", "https://example.com/a", "摘要一"),
                EntryData("Meta", "https://example.com/b", "摘要二"),
            ),
        ),
        SectionData("云计算技术", (EntryData("AWS", "https://example.com/c", "摘要三"),)),
    ),
)


def edit(replace=None, insert=None, delete=()):
    """BASE with lines replaced ({line: text}), inserted before ({line: [texts]}) or deleted."""
    lines = []
    for number, line in enumerate(BASE, start=1):
        lines += (insert or {}).get(number, [])
        if number in delete:
            continue
        lines.append((replace or {}).get(number, line))
    return "\n".join(lines) + "\n"


def parse(text, **options):
    return markdown_to_issue(text, publication=PUBLICATION, **options)


def test_base_is_canonical():
    assert parse(BASE_TEXT) == BASE_DATA
    assert issue_to_markdown(BASE_DATA) == BASE_TEXT


def test_sample_facts(sample_path):
    data = parse(sample_path.read_bytes())
    assert (data.year, data.number) == (2024, 32)
    assert [s.title for s in data.sections] == [
        "分布式系统",
        "云计算技术",
        "大模型技术",
        "技术之外",
    ]
    assert [len(s.entries) for s in data.sections] == [2, 2, 2, 2]
    first = data.sections[0].entries[0]
    assert first.title == "Azure Files：世界最大文件服务器的架构、优化与应用"
    assert first.url == "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA"
    assert first.summary.startswith("本文主要介绍了 Azure Files 的发展历程")
    assert all(e.summary for s in data.sections for e in s.entries)


MALFORMED = [
    ("empty file", "", 1, "expected the issue heading"),
    ("only blank lines", "\n\n\n", 4, "found the end of the file"),
    ("text before the heading", edit(insert={1: ["前言", ""]}), 1, 'found "前言"'),
    ("missing heading", edit(delete={1, 2}), 1, "expected the issue heading"),
    ("heading without spaces", edit({1: "# 云计算技术动态 2024年第三十二期"}), 1, "issue heading"),
    ("heading level 2", edit({1: "## 云计算技术动态 2024 年第三十二期"}), 1, "issue heading"),
    (
        "other publication",
        edit({1: "# 大数据周刊 2024 年第三十二期"}),
        1,
        '"大数据周刊", expected "云计算技术动态"',
    ),
    (
        "two-digit year",
        edit({1: "# 云计算技术动态 24 年第三十二期"}),
        1,
        'four-digit year in the heading, found "24"',
    ),
    ("full-width year", edit({1: "# 云计算技术动态 ２０２４ 年第三十二期"}), 1, "four-digit year"),
    (
        "arabic issue number",
        edit({1: "# 云计算技术动态 2024 年第32期"}),
        1,
        'Chinese numerals (such as 三十二), found "32"',
    ),
    ("non-canonical numeral", edit({1: "# 云计算技术动态 2024 年第一十期"}), 1, 'found "一十"'),
    ("entry before any section", edit(delete={3, 4}), 3, "entry before any section"),
    (
        "paragraph after the heading",
        edit({3: "分布式系统"}),
        3,
        'expected a section heading "## {section title}"',
    ),
    (
        "section without entries",
        edit(insert={17: ["## 空栏目", ""]}),
        17,
        'section "空栏目" has no entries',
    ),
    (
        "last section without entries",
        edit(insert={17: ["## 空栏目"]}, delete={18, 19, 20, 21, 22, 23}),
        17,
        "has no entries",
    ),
    (
        "title not bold",
        edit({5: "**1.** Azure Files"}),
        5,
        'expected the title line of entry 1 ("**1.** **title**")',
    ),
    (
        "numbering starts at 2",
        edit({5: "**2.** **Azure Files**"}),
        5,
        'expected entry number 1 ("**1.**"), found "**2.**"',
    ),
    ("numbering skips", edit({11: "**3.** **Meta**"}), 11, "expected entry number 2"),
    ("numbering repeats", edit({11: "**1.** **Meta**"}), 11, "expected entry number 2"),
    ("numbering runs across sections", edit({19: "**3.** **AWS**"}), 19, "expected entry number 1"),
    (
        "number with a leading zero",
        edit({5: "**01.** **Azure Files**"}),
        5,
        "expected entry number 1",
    ),
    ("empty title", edit({5: "**1.** ****"}), 5, "the title of entry 1 is empty"),
    ("title with leading space", edit({5: "**1.** ** Azure Files**"}), 5, "white space"),
    (
        "entry without URL line",
        edit(delete={7, 8}),
        7,
        'expected the URL line of entry 1 ("https://…"), found "**摘要:** 摘要一"',
    ),
    ("entry without URL at the end", edit(delete={21, 22, 23}), 21, "URL line of entry 1"),
    ("ftp URL", edit({13: "ftp://example.com/b"}), 13, "not an absolute http or https URL"),
    ("relative URL", edit({13: "/b"}), 13, "URL line of entry 2"),
    ("URL in unclosed angle brackets", edit({13: "<https://example.com/b"}), 13, "URL line"),
    (
        "control character in a title",
        edit({5: "**1.** **Azure\x0bFiles**"}),
        5,
        "white space other than single spaces",
    ),
    ("NUL in a title", edit({5: "**1.** **Azure\x00Files**"}), 5, "control character"),
    ("escape in a summary", edit({9: "**摘要:** 摘要\x1b一"}), 9, "control character"),
    ("noncharacter in a section title", edit({3: "## 存储\ufffe"}), 3, "noncharacter"),
    ("zero-width space in a URL", edit({13: "https://example.com/\u200bb"}), 13, "invisible"),
    ("URL with a space", edit({13: "https://example.com/a b"}), 13, "white space"),
    (
        "URL with a control character",
        edit({13: "https://example.com/\x7f"}),
        13,
        "control character",
    ),
    ("URL too long", edit({13: "https://example.com/" + "a" * 2030}), 13, "longer than 2048"),
    ("indented URL", edit({13: "    https://example.com/b"}), 13, "URL line of entry 2"),
    ("full-width colon in summary label", edit({9: "**摘要：** 摘要一"}), 9, "ASCII colon"),
    (
        "summary label without space",
        edit({9: "**摘要:**摘要一"}),
        9,
        'expected the summary line of entry 1 ("**摘要:** …")',
    ),
    ("empty summary", edit({9: "**摘要:** "}), 9, "the summary of entry 1 is empty"),
    ("summary with leading space", edit({9: "**摘要:**  摘要一"}), 9, "white space"),
    (
        "second summary",
        edit(insert={10: ["", "**摘要:** 又一个"]}),
        11,
        "expected the title line of entry 2",
    ),
    (
        "stray paragraph after URL",
        edit({9: "随便写点什么"}),
        9,
        "expected the summary line of entry 1",
    ),
    (
        "duplicate section title",
        edit({17: "## 分布式系统"}),
        17,
        'section "分布式系统" appears twice (first on line 3)',
    ),
    (
        "level 3 heading",
        edit({17: "### 云计算技术"}),
        17,
        'or a section heading "## {section title}", found "### 云计算技术"',
    ),
    ("second issue heading", edit({17: "# 云计算技术"}), 17, "expected the title line of entry 3"),
    ("empty section heading", edit({17: "## "}), 17, 'found "##"'),
    (
        "missing empty line",
        edit(delete={6}),
        6,
        'expected an empty line before "https://example.com/a"',
    ),
    ("missing empty line before a section", edit(delete={16}), 16, "expected an empty line before"),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "fragment"), MALFORMED, ids=[c[0] for c in MALFORMED]
)
def test_malformed_file_is_refused_at_its_line(name, text, line, fragment):
    with pytest.raises(CanonicalFormatError) as caught:
        parse(text)
    assert caught.value.line == line, caught.value
    assert fragment in caught.value.message
    assert str(caught.value) == f"line {line}: {caught.value.message}"


def test_malformed_cases_are_distinct():
    assert len(MALFORMED) >= 20
    assert len({text for _, text, _, _ in MALFORMED}) == len(MALFORMED)


def test_invalid_utf8_is_refused_at_the_line_of_the_bad_byte():
    data = edit({9: "**摘要:** 摘要一"}).encode("utf-8").replace("摘要一".encode(), b"\xff\xfe")
    with pytest.raises(CanonicalFormatError) as caught:
        parse(data)
    assert caught.value.line == 9
    assert "UTF-8" in caught.value.message
    with pytest.raises(CanonicalFormatError) as caught:
        parse(b"\x80" + BASE_TEXT.encode())
    assert caught.value.line == 1


def test_error_is_a_value_error_with_line_and_message():
    error = CanonicalFormatError(3, "expected something")
    assert isinstance(error, ValueError)
    assert (error.line, error.message, str(error)) == (
        3,
        "expected something",
        "line 3: expected something",
    )


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + BASE_TEXT,
        ("\ufeff" + BASE_TEXT).encode("utf-8"),
        BASE_TEXT.replace("\n", "\r\n"),
        BASE_TEXT.replace("\n", "\r\n").encode("utf-8"),
        BASE_TEXT.replace("\n", "\r"),
        BASE_TEXT.replace("\n", " \t\n"),
        BASE_TEXT.replace("\n", "\u3000\n"),
        BASE_TEXT.replace("\n\n", "\n\n\n\n"),
        BASE_TEXT.replace("\n\n", "\n   \n\t\n"),
        "\n\n" + BASE_TEXT + "\n\n\n",
        BASE_TEXT.removesuffix("\n"),
    ],
    ids=[
        "bom",
        "bom bytes",
        "crlf",
        "crlf bytes",
        "cr",
        "trailing white space",
        "trailing ideographic space",
        "runs of empty lines",
        "white-space-only lines",
        "leading and trailing empty lines",
        "no final line break",
    ],
)
def test_lenient_input_is_accepted_and_exports_canonically(text):
    data = parse(text)
    assert data == BASE_DATA
    assert issue_to_markdown(data) == BASE_TEXT


def test_lines_are_counted_after_bom_and_crlf():
    text = "\ufeff" + edit({13: "ftp://example.com/b"}).replace("\n", "\r\n")
    with pytest.raises(CanonicalFormatError) as caught:
        parse(text.encode("utf-8"))
    assert caught.value.line == 13


def test_unescaped_markup_is_read_literally_and_exported_escaped():
    text = edit({5: "**1.** **a_b_c**", 9: "**摘要:** x < y & z, AT&T &copy;", 3: "## C# #"})
    data = parse(text)
    first = data.sections[0].entries[0]
    assert (first.title, first.summary) == ("a_b_c", "x < y & z, AT&T &copy;")
    assert data.sections[0].title == "C# #"
    exported = issue_to_markdown(data)
    assert "**1.** **a\\_b\\_c**\n" in exported
    assert "**摘要:** x \\< y & z, AT&T \\&copy;\n" in exported
    assert "## C# \\#\n" in exported
    assert parse(exported) == data


def test_backslash_before_other_characters_is_kept():
    data = parse(edit({5: "**1.** **C:\\temp\\云**"}))
    assert data.sections[0].entries[0].title == "C:\\temp\\云"


def test_text_is_normalised_to_nfc():
    data = parse(edit({5: "**1.** **Cafe\u0301**"}))
    assert data.sections[0].entries[0].title == "Café"


def test_heading_only_file_is_an_issue_without_sections():
    data = parse("# 云计算技术动态 2025 年第一期\n")
    assert data == IssueData(PUBLICATION, 2025, 1, ())


def test_draft_entries_without_summary_are_accepted_unless_required():
    text = edit(delete={8, 9, 22, 23})
    data = parse(text)
    assert [e.summary for s in data.sections for e in s.entries] == ["", "摘要二", ""]
    assert issue_to_markdown(data) == text
    with pytest.raises(CanonicalFormatError) as caught:
        parse(text, require_summaries=True)
    assert caught.value.line == 9  # where entry 2's title now is, in place of entry 1's summary
    assert "a published issue has a summary for every entry" in caught.value.message


def test_missing_summary_at_the_end_is_reported_at_the_end():
    text = edit(delete={22, 23})
    with pytest.raises(CanonicalFormatError) as caught:
        parse(text, require_summaries=True)
    assert caught.value.line == 22
    assert "found the end of the file" in caught.value.message


@pytest.mark.parametrize(("field", "line"), [("title", 11), ("url", 13), ("summary", 15)])
def test_validate_entry_problem_is_reported_at_its_field(field, line):
    def validate(entry):
        return [(field, f"bad {field}")] if entry.title == "Meta" else []

    with pytest.raises(CanonicalFormatError) as caught:
        parse(BASE_TEXT, validate_entry=validate)
    assert (caught.value.line, caught.value.message) == (line, f"bad {field}")


def test_validate_entry_reports_the_highest_problem_and_sees_drafts():
    seen = []

    def validate(entry):
        seen.append(entry)
        return [("summary", "summary missing"), ("url", "url bad")] if not entry.summary else []

    with pytest.raises(CanonicalFormatError) as caught:
        parse(edit(delete={14, 15}), validate_entry=validate)
    assert (caught.value.line, caught.value.message) == (13, "url bad")
    assert seen[1] == EntryData("Meta", "https://example.com/b", "")


def test_shape_errors_come_before_entry_validation():
    with pytest.raises(CanonicalFormatError) as caught:
        parse(edit({21: "ftp://x"}), validate_entry=lambda entry: [("title", "never fine")])
    assert caught.value.line == 21


def test_package_imports_no_django():
    code = "import sys, editorial.canonical; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
