"""The checks before an issue goes to WeChat (editorial.wechat.checks): each kind of finding,
in words, and the limits from their one place."""

from editorial.canonical.data import EntryData, IssueData, SectionData
from editorial.renderings.wechat import issue_to_wechat
from editorial.wechat.checks import LIMITS, visible_length, wechat_checks

WECHAT = "https://mp.weixin.qq.com/s/abc123"


def issue_of(*entries, publication="云计算技术动态"):
    return IssueData(publication, 2024, 32, (SectionData("分布式系统", tuple(entries)),))


def findings(issue):
    return wechat_checks(issue, issue_to_wechat(issue))


def messages(issue):
    return [finding.message for finding in findings(issue)]


def test_a_clean_issue_has_only_its_count():
    [count] = findings(issue_of(EntryData("标题", WECHAT, "摘要。")))
    assert count.level == "note"
    assert f"of {LIMITS.body_characters} characters" in count.message
    assert "the title has 19 of 32" in count.message


def test_the_visible_length_counts_what_readers_see():
    issue = issue_of(EntryData("标题", WECHAT, "摘要 &amp;"))
    html = issue_to_wechat(issue).html
    # heading + section + "1. 标题" + summary, entities as one character each as shown.
    shown = "云计算技术动态 2024 年第三十二期" + "分布式系统" + "1. 标题" + "摘要 &amp;"
    assert visible_length(html) == len(shown)


def test_a_body_over_the_limit_is_a_warning():
    summary = "长" * 500
    issue = issue_of(*(EntryData(f"标题 {i}", WECHAT, summary) for i in range(41)))
    [first, *_rest] = findings(issue)
    assert first.level == "warning"
    assert "WeChat saves at most 20000" in first.message


def test_a_long_title_is_a_warning():
    issue = issue_of(
        EntryData("标题", WECHAT, "摘要。"), publication="一个非常非常非常长的公众号名称"
    )
    assert any("title field takes 32 characters (64 bytes)" in m for m in messages(issue))


def test_links_that_become_references_are_named():
    issue = issue_of(
        EntryData("外部文章", "https://example.com/a", "摘要。"),
        EntryData("微信文章", WECHAT, "摘要。"),
    )
    note = next(f for f in findings(issue) if "not a WeChat article" in f.message)
    assert note.level == "note"
    assert note.entries == ("[1] 外部文章",)


def test_hosts_readers_in_china_may_not_reach():
    issue = issue_of(
        EntryData("视频", "https://www.youtube.com/watch?v=1", "摘要。"),
        EntryData("模型", "https://huggingface.co/models", "摘要。"),
        EntryData("不是谷歌", "https://notgoogle.com/x", "摘要。"),
    )
    warning = next(f for f in findings(issue) if "mainland China" in f.message)
    assert warning.entries == (
        "分布式系统 › 1. 视频 (www.youtube.com)",
        "分布式系统 › 2. 模型 (huggingface.co)",
    )


def test_zero_width_characters_and_bare_addresses():
    issue = issue_of(
        EntryData("零\u200b宽", WECHAT, "摘要。"),
        EntryData("地址", WECHAT, "见 https://example.org/x 或 www.example.com。"),
    )
    by_text = {f.message: f.entries for f in findings(issue)}
    assert by_text[
        "Zero-width characters: WeChat's editor may break the line where they stand."
    ] == ("分布式系统 › 1. 零\u200b宽",)
    assert any(entries == ("分布式系统 › 2. 地址",) for entries in by_text.values())


def test_warnings_come_before_notes():
    issue = issue_of(EntryData("视频", "https://youtu.be/x", "摘要。"))
    levels = [f.level for f in findings(issue)]
    assert levels == sorted(levels, key=lambda level: level != "warning")
