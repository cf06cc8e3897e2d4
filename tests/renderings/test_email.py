"""An issue's mail (editorial.renderings.email): golden files for the shared sample and for an
issue with every kind of text; properties over generated issues: the plain-text part holds every
section, number, title, URL and summary exactly, the HTML part every title, link and summary
escaped, with no <style>, <link> or <script>, no text colour and no background (dark mode); the
personal unsubscribe URL goes into both parts and nothing else changes.

Golden files: see tests/support/renderings.py."""

import re

from django.utils import translation
from hypothesis import given

from editorial.canonical.parse import markdown_to_issue
from editorial.renderings.email import issue_mail
from tests.support.renderings import EVERY_KIND, LONG_URL, PUBLICATION, Parsed, golden, issues

ISSUE_URL = "https://digest.example/2024/35/"
REASON = "You receive this because you subscribed to 云计算技术动态 at digest.example."
UNSUBSCRIBE = "https://digest.example/u/AbC-123_x/?a=1&b=2"
ALLOWED_TAGS = {"html", "head", "meta", "title", "body", "div", "h1", "h2", "p", "a", "br", "hr"}


def mail(issue, language="en"):
    with translation.override(language):
        return issue_mail(issue, issue_url=ISSUE_URL, reason=REASON)


def test_the_sample_issue_matches_its_golden_files(sample_path):
    issue = markdown_to_issue(sample_path.read_bytes(), publication=PUBLICATION)
    text, html = mail(issue, "zh-hans").personal(UNSUBSCRIBE)
    assert html == golden("2024-32.mail.html", html)
    assert text == golden("2024-32.mail.txt", text)


def test_every_kind_of_text_matches_its_golden_files():
    text, html = mail(EVERY_KIND).personal(UNSUBSCRIBE)
    assert html == golden("every-kind.mail.html", html)
    assert text == golden("every-kind.mail.txt", text)


def test_the_subject_is_the_issues_title():
    assert mail(EVERY_KIND).subject == "云计算技术动态 2035 年第三十五期".replace("2035", "2024")


def test_text_is_escaped_never_altered():
    _, html = mail(EVERY_KIND).personal(UNSUBSCRIBE)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;copy;" in html  # "&copy;" typed stays those six characters
    assert 'href="http://example.net/a?b=1&amp;c=2"' in html
    # An address inside a summary is text: the client may link it, the mail does not.
    assert 'href="https://example.org/page"' not in html


def test_the_unsubscribe_url_is_personal_and_escaped():
    rendered = mail(EVERY_KIND)
    text, html = rendered.personal(UNSUBSCRIBE)
    assert rendered.placeholder not in text and rendered.placeholder not in html
    assert text.endswith("Unsubscribe: " + UNSUBSCRIBE + "\n")
    assert 'href="https://digest.example/u/AbC-123_x/?a=1&amp;b=2"' in html
    other_text, other_html = rendered.personal("https://digest.example/u/other/")
    # Only the footer's link differs between two recipients.
    assert other_text.replace("https://digest.example/u/other/", UNSUBSCRIBE) == text
    assert (
        other_html.replace(
            "https://digest.example/u/other/", "https://digest.example/u/AbC-123_x/?a=1&amp;b=2"
        )
        == html
    )


def test_the_words_around_the_issue_follow_the_language():
    _, english = mail(EVERY_KIND, "en").personal(UNSUBSCRIBE)
    _, chinese = mail(EVERY_KIND, "zh-hans").personal(UNSUBSCRIBE)
    assert ">Unsubscribe</a>" in english and '<p class="mail__footer" lang="en"' in english
    assert ">退订</a>" in chinese and '<p class="mail__footer" lang="zh-hans"' in chinese
    assert '<html lang="zh-Hans">' in english  # the issue itself is Chinese


def test_an_empty_section_is_not_written():
    text, html = mail(EVERY_KIND).personal(UNSUBSCRIBE)
    assert "没有条目的分区" not in text and "没有条目的分区" not in html


def test_a_long_url_stays_whole_on_its_line():
    text, _ = mail(EVERY_KIND).personal(UNSUBSCRIBE)
    assert LONG_URL in text.split("\n")


# --- properties over generated issues -----------------------------------------------------------


@given(issues)
def test_the_plain_text_holds_every_section_number_title_url_and_summary(issue):
    text, _ = mail(issue).personal(UNSUBSCRIBE)
    lines = text.split("\n")
    for section in issue.sections:
        if not section.entries:
            continue
        assert f"【{section.title}】" in lines
        for number, entry in enumerate(section.entries, start=1):
            assert f"{number}. {entry.title}" in lines
            assert entry.url in lines
            if entry.summary:
                assert entry.summary in lines
    assert ISSUE_URL in lines


@given(issues)
def test_the_html_holds_every_title_link_and_summary_and_nothing_a_client_drops(issue):
    _, html = mail(issue).personal(UNSUBSCRIBE)
    parsed = Parsed(html)
    visible = parsed.visible
    links = [attributes.get("href") for tag, attributes in parsed.tags if tag == "a"]
    for section in issue.sections:
        if section.entries:
            assert section.title in visible
        for entry in section.entries:
            assert entry.title in visible and entry.summary in visible
            assert entry.url in links
    assert links[-2:] == [ISSUE_URL, UNSUBSCRIBE]
    for tag, attributes in parsed.tags:
        assert tag in ALLOWED_TAGS, tag
        style = attributes.get("style", "")
        # Dark mode: no text colour but the inherited one, no background.
        assert not re.search(r"background|(?<![-\w])color:(?!\s*inherit)", style), style
