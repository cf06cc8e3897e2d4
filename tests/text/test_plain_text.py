"""The plain-text rule (FORMAT.md, Fields): kept as typed, NFC, white space folded, only the
characters no document can carry removed; and every output shows exactly the stored text."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial import services
from editorial.canonical import EntryData, IssueData, SectionData
from editorial.canonical.escaping import escape_markdown, escape_section_title
from editorial.canonical.export import issue_to_markdown
from editorial.models import Entry, Issue, Section
from editorial.store import parse_markdown, store_issue
from editorial.text import clean_lines, clean_text, has_uncarriable
from tests.support import shown
from tests.support.factories import make_issue
from tests.support.text import publish, typed

# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed_text", "stored"),
    [
        # From the issue: markup and references are text, kept exactly.
        (
            "深入理解 Rust 的 Pin<T> 与 Box<dyn Future>",
            "深入理解 Rust 的 Pin<T> 与 Box<dyn Future>",
        ),
        ("当 a<b 且 c>d 时，Vec<u8> 会重新分配。", "当 a<b 且 c>d 时，Vec<u8> 会重新分配。"),
        ("&copy; 2024 &amp; <br> __x__ *y*", "&copy; 2024 &amp; <br> __x__ *y*"),
        # White space of every kind folds to one space, outer white space goes.
        ("\u3000 a\tb\r\nc\x0b\x0cd\x85e\u2028f\xa0 ", "a b c d e f"),
        # Controls, noncharacters and lone surrogates are removed, nothing else.
        ("a\x00b\x1bc\x7fd\x9fe", "abcde"),
        ("x\ufffey\uffffz\ufdd0\U0001fffe\U0010ffff", "xyz"),
        ("lone \ud800surrogate\udfff", "lone surrogate"),
        # Format characters, private use and emoji sequences are text.
        ("👩\u200d💻 \u202eabc \ue000 \ufeff", "👩\u200d💻 \u202eabc \ue000 \ufeff"),
        ("Cafe\u0301", "Café"),  # NFC
        ("", ""),
    ],
)
def test_the_rule(typed_text, stored):
    assert clean_text(typed_text) == stored


@given(st.text(st.characters(categories=["Cs", "Cc", "Cf", "Co", "Zs", "Mn"]) | st.characters()))
def test_the_rule_is_idempotent_and_leaves_nothing_a_document_cannot_carry(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert not has_uncarriable(once)
    assert "\n" not in once and once == once.strip()


def test_multi_line_notes_keep_their_line_breaks():
    assert clean_lines(" a<b>\x00 \r\n\n\n\n c&copy; \u2028d") == "a<b>\n\nc&copy;\nd"


# --- the examples of the issue, through the services ---------------------------------------------


@pytest.mark.django_db
def test_titles_and_summaries_are_stored_as_typed(editor):
    section = make_issue(2025, 1).sections.first()
    entry = services.entry_create(
        section,
        title="深入理解 Rust 的 Pin<T> 与 Box<dyn Future>",
        url="https://example.com/pin",
        summary="当 a<b 且 c>d 时，Vec<u8> 会重新分配。&copy;",
        by=editor,
    )
    entry.refresh_from_db()
    assert entry.title == "深入理解 Rust 的 Pin<T> 与 Box<dyn Future>"
    assert entry.summary == "当 a<b 且 c>d 时，Vec<u8> 会重新分配。&copy;"


@pytest.mark.django_db
def test_editing_only_the_summary_of_an_imported_entry_keeps_its_title(editor):
    data = IssueData(
        "云计算技术动态",
        2025,
        2,
        (SectionData("A<T>", (EntryData("Box<dyn Future> &copy;", "https://e.com/a", "s"),)),),
    )
    store_issue(parse_markdown(issue_to_markdown(data), require_summaries=False), draft=True)
    entry = Entry.objects.get()
    assert (entry.title, entry.section.title) == ("Box<dyn Future> &copy;", "A<T>")
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="新摘要", version=1, by=editor
    )
    entry.refresh_from_db()
    assert (entry.title, entry.summary) == ("Box<dyn Future> &copy;", "新摘要")


@pytest.mark.django_db
@pytest.mark.parametrize("character", ["\x0b", "\x0c", "\x1b", "\x00", "\ufffe", "\uffff"])
def test_import_refuses_what_the_rule_would_change_and_the_next_file_still_runs(
    tmp_path, character, capsys
):
    bad = tmp_path / "bad.md"
    good = tmp_path / "good.md"
    title = "标题" + character + "x"
    text = issue_to_markdown(
        IssueData(
            "云计算技术动态", 2025, 3, (SectionData("A", (EntryData("t", "https://e.com/", "s"),)),)
        )
    )
    bad.write_text(text.replace("**t**", f"**{title}**"), encoding="utf-8")
    good.write_text(text.replace("2025 年第三期", "2025 年第四期"), encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_issue", str(bad), str(good))
    err = capsys.readouterr().err
    assert f"{bad}:5: the title of entry 1" in err
    assert list(Issue.objects.values_list("number", flat=True)) == [4]


# --- property tests: the form door and the import door, and what every output shows ---------------


def _expected(issue) -> list:
    return [
        (section.title, [(e.title, e.url, e.summary) for e in section.entries.order_by("position")])
        for section in issue.sections.order_by("position")
        if section.entries.exists()
    ]


def _assert_every_output_shows(reader, issue, expected) -> None:
    page = reader.get(reverse("reader:issue", args=[issue.year, issue.number]))
    assert page.status_code == 200
    assert shown.reader_page(page.content.decode()) == expected
    feed = reader.get(reverse("reader:feed"))
    assert feed.status_code == 200
    assert shown.feed_by_xml(feed.content) == expected
    assert shown.feed_by_feedparser(feed.content) == expected
    markdown = reader.get(reverse("reader:issue_markdown", args=[issue.year, issue.number]))
    assert shown.markdown_rendered(markdown.content.decode("utf-8")) == expected


# A file usually holds what an editor's form stored; sometimes it was typed into by hand.
typed_or_clean = st.one_of(typed.map(clean_text).filter(bool), typed)

_PROPERTY = settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@_PROPERTY
@given(section_title=typed, title=typed, summary=typed)
def test_form_door_stores_the_rule_and_every_output_shows_it(
    reader, editor, section_title, title, summary
):
    with transaction.atomic():
        _form_door(reader, editor, section_title, title, summary)
        transaction.set_rollback(True)  # the next example starts from an empty archive


def _form_door(reader, editor, section_title, title, summary):
    cache.clear()  # identities repeat after the rollback; cached pages must not
    editor_client = type(reader)()
    editor_client.force_login(editor)
    issue = services.issue_create(year=2025, number=9, by=editor, section_titles=["占位"])
    placeholder = issue.sections.get()
    added = editor_client.post(
        reverse("editorial:section_create", args=[2025, 9]), {"title": section_title}
    )
    rule_title, rule_section = clean_text(title), clean_text(section_title)
    if "\x00" in section_title:
        # No form can send a NUL: such a request is malformed, answered 400, nothing stored.
        assert added.status_code == 400 and Section.objects.count() == 1
        return
    if not rule_section:
        assert added.status_code in (200, 422) and Section.objects.count() == 1
        return
    assert added.status_code in (200, 302), added.content[:500]
    section = Section.objects.exclude(pk=placeholder.pk).get()
    assert section.title == rule_section
    placeholder.delete()
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {"title": title, "url": "https://example.com/a_b_/*x*", "summary": summary},
    )
    if "\x00" in title + summary:
        assert response.status_code == 400 and not Entry.objects.exists()
        return
    if not rule_title:
        assert response.status_code in (200, 422) and not Entry.objects.exists()
        return
    assert response.status_code in (200, 302), response.content[:500]
    entry = Entry.objects.get()
    assert (entry.title, entry.summary) == (rule_title, clean_text(summary))
    if entry.summary:
        _assert_every_output_shows(reader, publish(issue), _expected(issue))


@pytest.mark.django_db
@_PROPERTY
@given(section_title=typed_or_clean, title=typed_or_clean, summary=typed_or_clean)
def test_import_door_stores_the_rule_or_refuses_the_file_and_every_output_shows_it(
    reader, tmp_path_factory, section_title, title, summary
):
    with transaction.atomic():
        _import_door(reader, tmp_path_factory, section_title, title, summary)
        transaction.set_rollback(True)


def _import_door(reader, tmp_path_factory, section_title, title, summary):
    cache.clear()
    path = tmp_path_factory.mktemp("import") / "issue.md"
    path.write_text(
        "# 云计算技术动态 2025 年第九期\n\n"
        f"## {escape_section_title(section_title)}\n\n"
        f"**1.** **{escape_markdown(title)}**\n\n"
        "<https://example.com/_draft_/post>\n\n"
        f"**摘要:** {escape_markdown(summary)}\n",
        encoding="utf-8",
    )
    fields = (section_title, title, summary)
    as_typed = all(clean_text(field) and clean_text(field) == field for field in fields)
    try:
        call_command("import_issue", str(path), stdout=StringIO(), stderr=StringIO())
    except CommandError:
        assert not Issue.objects.exists()
        assert not as_typed
        return
    issue = Issue.objects.get()
    entry = Entry.objects.get()
    assert (entry.section.title, entry.title, entry.summary) == tuple(map(clean_text, fields))
    _assert_every_output_shows(reader, issue, _expected(issue))
