"""Invisible is empty (FORMAT.md, Fields): a title, summary or section title with nothing visible
in it, only white space and characters with no visible form, is empty at every door; such
characters beside visible text are kept as typed."""

import re
import sys
import unicodedata
from io import StringIO

import pytest
import regex
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from editorial import services, workflow
from editorial.canonical import CanonicalFormatError, EntryData, IssueData, SectionData
from editorial.canonical.export import issue_to_markdown
from editorial.inbox.services import items as inbox_services
from editorial.models import Entry, InboxItem, Issue, Section
from editorial.rules import clean_entry_fields, clean_section_title
from editorial.store import parse_markdown
from editorial.text import UNCARRIABLE, WHITE_SPACE, clean_text, is_blank
from tests.support.factories import english_client, make_issue, make_user
from tests.support.htmx import HTMX

# The example of the issue: ideographic spaces around zero-width spaces.
INVISIBLE_TITLE = "\u3000\u200b\u3000\u200b\u3000"

# Unicode's own data (the regex module's tables), independent of editorial.text's table: white
# space, the default-ignorable code points, the format characters but the prepended
# concatenation marks (which draw a sign), the blank braille cell, and what the rule removes
# anyway (controls, surrogates, noncharacters).
NO_VISIBLE_FORM = regex.compile(
    r"[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cs}"
    r"\p{Noncharacter_Code_Point}\u2800]"
    r"|(?!\p{Prepended_Concatenation_Mark})\p{Cf}"
)


def unicode_says_invisible(character: str) -> bool:
    return bool(NO_VISIBLE_FORM.match(character))


# --- the rule -----------------------------------------------------------------------------------


def test_the_table_agrees_with_unicode_for_every_code_point():
    wrong = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if is_blank(chr(cp)) != unicode_says_invisible(chr(cp))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    [
        INVISIBLE_TITLE,
        "\u200b \u200b",  # what the rule stored for it before
        "\ufeff",
        "\u200d\u200c\u2060\u2061\u2064",
        "\ufe0f",  # a variation selector alone
        "\U000e0041\U000e007f",  # tag characters
        "\u115f\u1160\u3164\uffa0",  # Hangul fillers
        "\u180e\u00ad\u034f\u061c\u202e\u2066\u2069",
        "\u2800\u3000\xa0\u2003",
        "\x00\x1b \ufffe",
    ],
)
def test_nothing_visible_is_empty(text):
    assert is_blank(text)
    assert clean_text(text) == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("👩\u200d💻", "👩\u200d💻"),  # the joiner inside an emoji sequence stays
        ("\u200bword\u200b", "\u200bword\u200b"),  # beside visible text: kept as typed
        ("❤\ufe0f", "❤\ufe0f"),
        ("\u3000\u200b a", "\u200b a"),
        ("\u0301", "\u0301"),  # a combining mark alone draws its mark
        ("\u0600", "\u0600"),  # a prepended concatenation mark draws a sign
        ("\ue000", "\ue000"),  # private use: a font may draw it
    ],
)
def test_anything_visible_is_kept_as_typed(typed, stored):
    assert not is_blank(typed)
    assert clean_text(typed) == stored


CATEGORIES = [
    *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"),
    *("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"),
    *("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"),
]
# Every character with no visible form, by general category (most categories have some: white
# space, format characters, controls, variation selectors, fillers, reserved code points).
INVISIBLE_BY_CATEGORY: dict[str, list[str]] = {}
for _character in NO_VISIBLE_FORM.findall("".join(map(chr, range(sys.maxunicode + 1)))):
    INVISIBLE_BY_CATEGORY.setdefault(unicodedata.category(_character), []).append(_character)
# White space, line and paragraph separators, controls and surrogates hold nothing visible.
WITHOUT_VISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cs"}

invisible_character = st.sampled_from(sorted(INVISIBLE_BY_CATEGORY)).flatmap(
    lambda category: st.sampled_from(INVISIBLE_BY_CATEGORY[category])
)
visible_character = st.sampled_from([c for c in CATEGORIES if c not in WITHOUT_VISIBLE]).flatmap(
    lambda category: st.characters(categories=[category]).filter(
        lambda c: not unicode_says_invisible(c)
    )
)
nothing_visible = st.lists(invisible_character, max_size=12).map("".join)


def test_the_strategies_reach_every_category():
    assert set(INVISIBLE_BY_CATEGORY) >= WITHOUT_VISIBLE | {"Cf", "Mn", "Lo", "Cn", "So"}
    assert set(INVISIBLE_BY_CATEGORY) | set(CATEGORIES) == set(CATEGORIES)


def _rule_before_emptiness(text: str) -> str:
    """The plain-text rule without the emptiness test: kept as typed but for white space and
    the characters no document can carry."""
    text = re.sub(f"[{UNCARRIABLE}]", "", text)
    return unicodedata.normalize("NFC", re.sub(f"[{WHITE_SPACE}]+", " ", text).strip(" "))


@given(nothing_visible)
def test_a_text_of_invisible_characters_and_white_space_is_empty(text):
    assert is_blank(text)
    assert clean_text(text) == ""
    with pytest.raises(ValidationError) as refused:
        clean_entry_fields(text, "https://example.com/", text)
    assert refused.value.message_dict == {"title": ["Title: it cannot be empty."]}
    with pytest.raises(ValidationError):
        clean_section_title(text)


@given(nothing_visible, visible_character, nothing_visible)
def test_one_visible_character_makes_it_a_text_kept_as_typed(before, visible, after):
    typed = before + visible + after
    assert not is_blank(typed)
    stored = clean_text(typed)
    assert stored == _rule_before_emptiness(typed) != ""
    assert clean_entry_fields(typed, "https://example.com/", typed)[0] == stored


# --- every door ---------------------------------------------------------------------------------


@pytest.fixture
def editor_client(editor):
    client = english_client()
    client.force_login(editor)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_entry_form_refuses_an_invisible_title(editor_client, editor, mode):
    section = make_issue(2025, 20, author=editor).sections.first()
    before = Entry.objects.count()
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {"title": INVISIBLE_TITLE, "url": "https://example.com/x", "summary": "摘要"},
        **(HTMX if mode == "htmx" else {}),
    )
    assert response.status_code == (422 if mode == "htmx" else 200)
    assert "Title: it cannot be empty." in response.content.decode()
    assert Entry.objects.count() == before


@pytest.mark.django_db
def test_an_edit_to_an_invisible_title_is_refused(editor_client, editor):
    entry = Entry.objects.filter(section__issue=make_issue(2025, 21, author=editor)).first()
    response = editor_client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {"title": INVISIBLE_TITLE, "url": entry.url, "summary": "", "version": entry.version},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Title: it cannot be empty." in response.content.decode()
    fresh = Entry.objects.get(pk=entry.pk)
    assert (fresh.title, fresh.version) == (entry.title, entry.version)


@pytest.mark.django_db
def test_an_invisible_summary_is_no_summary(editor_client, editor):
    issue = make_issue(2025, 22, {"栏目": []}, author=editor)
    section = issue.sections.get()
    editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {"title": "标题", "url": "https://example.com/s", "summary": INVISIBLE_TITLE},
    )
    entry = Entry.objects.get(section=section)
    assert entry.summary == ""
    with pytest.raises(workflow.TransitionError, match="needs a summary"):
        workflow.issue_submit(issue, by=editor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        f"{INVISIBLE_TITLE}\nhttps://example.com/q",
        "**1.** **\u200b \u200b**\n\nhttps://example.com/q\n\n**摘要:** 摘要",
    ],
    ids=["lines", "markdown"],
)
def test_quick_add_refuses_an_invisible_title(editor_client, editor, text):
    section = make_issue(2025, 23, author=editor).sections.first()
    before = Entry.objects.count()
    response = editor_client.post(
        reverse("editorial:quick_add", args=[section.pk]), {"text": text}, **HTMX
    )
    assert response.status_code == 422
    assert "Line 1:" in response.content.decode()
    assert "empty" in response.content.decode()
    assert Entry.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_a_new_section_with_an_invisible_title_is_refused(editor_client, editor, mode):
    issue = make_issue(2025, 24, author=editor)
    before = Section.objects.count()
    response = editor_client.post(
        reverse("editorial:section_create", args=[issue.year, issue.number]),
        {"title": INVISIBLE_TITLE},
        **(HTMX if mode == "htmx" else {}),
    )
    assert response.status_code == (422 if mode == "htmx" else 200)
    assert "This field is required." in response.content.decode()
    assert Section.objects.count() == before


@pytest.mark.django_db
def test_a_rename_to_an_invisible_title_is_refused(editor):
    section = make_issue(2025, 25, author=editor).sections.first()
    with pytest.raises(ValidationError, match="Section title: it cannot be empty."):
        services.section_rename(section, title="\u200b \u200b", by=editor)
    assert Section.objects.get(pk=section.pk).title == section.title


@pytest.mark.django_db
def test_the_admin_refuses_invisible_titles(editor):
    staff = make_user("editor", username="staff-invisible")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client = english_client()
    client.force_login(staff)
    issue = make_issue(2025, 26, author=editor)
    section = issue.sections.first()
    entries, sections = Entry.objects.count(), Section.objects.count()
    response = client.post(
        reverse("admin:editorial_entry_add"),
        {"section": section.pk, "title": INVISIBLE_TITLE, "url": "https://example.com/a"},
    )
    assert response.status_code == 200
    assert "Title: it cannot be empty." in response.content.decode()
    response = client.post(
        reverse("admin:editorial_section_add"), {"issue": issue.pk, "title": INVISIBLE_TITLE}
    )
    assert response.status_code == 200
    assert "Section title: it cannot be empty." in response.content.decode()
    entry = section.entries.first()
    response = client.post(
        reverse("admin:editorial_entry_change", args=[entry.pk]),
        {"title": "\u200b \u200b", "url": entry.url, "summary": "", "seen_version": 1},
    )
    assert response.status_code == 200
    assert "Title: it cannot be empty." in response.content.decode()
    assert (Entry.objects.count(), Section.objects.count()) == (entries, sections)
    assert Entry.objects.get(pk=entry.pk).title == entry.title


@pytest.mark.django_db
def test_the_inbox_takes_an_invisible_title_for_none(editor_client, editor):
    """The inbox's title is optional: an invisible one is no title, and "Add to" names the
    entry by its link, as for a page without a title; so does an item saved before."""
    issue = make_issue(2025, 27, author=editor)
    saved = inbox_services.inbox_save("https://example.com/inbox", title=INVISIBLE_TITLE, by=editor)
    assert saved.title == ""
    older = InboxItem.objects.create(url="https://example.com/older", title="\u200b \u200b")
    for item in (saved, older):
        response = editor_client.post(
            reverse("editorial:inbox_add", args=[item.pk]),
            {"section": issue.sections.first().pk},
            **HTMX,
        )
        assert response.status_code == 200
    titles = set(Entry.objects.filter(url__contains="/inbox").values_list("title", flat=True))
    titles |= set(Entry.objects.filter(url__contains="/older").values_list("title", flat=True))
    assert titles == {"example.com/inbox", "example.com/older"}


def _file(section_title="栏目", title="标题", summary="摘要") -> str:
    return (
        "# 云计算技术动态 2025 年第二十八期\n\n"
        f"## {section_title}\n\n"
        f"**1.** **{title}**\n\n"
        "https://example.com/imported\n\n"
        f"**摘要:** {summary}\n"
    )


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        ({"section_title": "\u200b"}, 3, "the section title is empty"),
        ({"title": "\u200b \u200b"}, 5, "the title of entry 1 is empty"),
        ({"summary": "\ufeff\u2060"}, 9, "the summary of entry 1 is empty"),
    ],
)
def test_import_refuses_a_field_with_nothing_visible(fields, line, message):
    with pytest.raises(CanonicalFormatError) as refused:
        parse_markdown(_file(**fields), require_summaries=True)
    assert (refused.value.line, refused.value.message) == (line, message)


def test_export_refuses_what_import_would_refuse():
    data = IssueData(
        "云计算技术动态", 2025, 28, (SectionData("栏目", (EntryData("\u200b", "https://e.com/"),)),)
    )
    with pytest.raises(ValueError, match="title is empty"):
        issue_to_markdown(data)


@pytest.mark.django_db
def test_the_import_command_refuses_an_invisible_title(tmp_path):
    path = tmp_path / "issue.md"
    path.write_text(_file(title=INVISIBLE_TITLE.replace("\u3000", " ").strip()), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("import_issue", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:5: the title of entry 1 is empty" in err.getvalue()
    assert not Issue.objects.exists()
