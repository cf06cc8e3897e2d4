import pytest

from editorial.canonical import (
    EntryData,
    IssueData,
    SectionData,
    issue_to_markdown,
    markdown_to_issue,
)

PUBLICATION = "云计算技术动态"


def entry(title="标题", url="https://example.com/a", summary="摘要内容"):
    return EntryData(title=title, url=url, summary=summary)


def issue(*sections, year=2024, number=32):
    return IssueData(PUBLICATION, year, number, sections)


def test_sample_is_reproduced_byte_for_byte(sample_path):
    raw = sample_path.read_bytes()
    data = markdown_to_issue(raw, publication=PUBLICATION)
    assert issue_to_markdown(data).encode("utf-8") == raw


def test_small_issue_golden():
    data = issue(
        SectionData(
            "分布式系统",
            (entry("一", "https://a.example/1", "甲"), entry("二", "http://b.example/", "乙")),
        ),
        SectionData("云计算技术", (entry("三", "https://c.example/3", "丙"),)),
    )
    assert issue_to_markdown(data) == (
        "# 云计算技术动态 2024 年第三十二期\n"
        "\n"
        "## 分布式系统\n"
        "\n"
        "**1.** **一**\n"
        "\n"
        "https://a.example/1\n"
        "\n"
        "**摘要:** 甲\n"
        "\n"
        "**2.** **二**\n"
        "\n"
        "http://b.example/\n"
        "\n"
        "**摘要:** 乙\n"
        "\n"
        "## 云计算技术\n"
        "\n"
        "**1.** **三**\n"
        "\n"
        "https://c.example/3\n"
        "\n"
        "**摘要:** 丙\n"
    )


def test_issue_without_sections_is_its_heading():
    assert issue_to_markdown(issue(number=1010)) == "# 云计算技术动态 2024 年第一千零一十期\n"


def test_empty_sections_are_not_written():
    data = issue(SectionData("空"), SectionData("有", (entry(),)), SectionData("空二"))
    text = issue_to_markdown(data)
    assert "## 空" not in text
    assert text.count("## ") == 1


def test_draft_entry_is_written_without_summary_line():
    data = issue(SectionData("栏目", (entry(summary=""), entry(title="二"))))
    assert issue_to_markdown(data) == (
        "# 云计算技术动态 2024 年第三十二期\n\n## 栏目\n\n"
        "**1.** **标题**\n\nhttps://example.com/a\n\n"
        "**2.** **二**\n\nhttps://example.com/a\n\n**摘要:** 摘要内容\n"
    )


def test_markup_in_every_text_field_is_escaped_and_url_is_verbatim():
    data = issue(
        SectionData(
            "C# & <b>_x_</b> #",
            (entry("a*b* [link](x) &copy;", "https://e.example/a_b*c", "`code` \\ &#169; > q"),),
        )
    )
    text = issue_to_markdown(data)
    assert "## C# & \\<b\\>\\_x\\_\\</b\\> \\#\n" in text
    assert "**1.** **a\\*b\\* \\[link\\](x) \\&copy;**\n" in text
    assert "\n<https://e.example/a_b*c>\n" in text
    assert "**摘要:** \\`code\\` \\\\ \\&#169; \\> q\n" in text


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (issue(SectionData("s", (entry(title=""),))), "title is empty"),
        (issue(SectionData("s", (entry(title="a\nb"),))), "line break"),
        (issue(SectionData("s", (entry(title=" a"),))), "white space"),
        (issue(SectionData("s", (entry(summary="e\u0301"),))), "NFC"),
        (issue(SectionData("s", (entry(url="ftp://x.example/"),))), "http"),
        (issue(SectionData("s", (entry(url="https://x.example/a b"),))), "white space"),
        (issue(SectionData("", (entry(),))), "title is empty"),
        (issue(SectionData("s", (entry(),)), SectionData("s", (entry(),))), "twice"),
        (issue(year=999), "four-digit"),
        (issue(number=0), "outside"),
        (IssueData("", 2024, 1), "publication"),
    ],
)
def test_data_the_file_cannot_carry_is_refused(data, fragment):
    with pytest.raises(ValueError, match=fragment):
        issue_to_markdown(data)


def test_duplicate_title_of_an_empty_section_does_not_matter():
    data = issue(SectionData("s"), SectionData("s", (entry(),)))
    assert issue_to_markdown(data).count("## s\n") == 1
