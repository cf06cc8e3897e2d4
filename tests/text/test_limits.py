"""Nothing within the documented limits makes a 500, on SQLite or PostgreSQL: every field at its
maximum length in Chinese and in 4-byte emoji, and with a NUL; one past the limit is a clear
message and nothing stored."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from editorial import services
from editorial.canonical import EntryData, IssueData, SectionData
from editorial.canonical.export import issue_to_markdown
from editorial.links import MAX_URL_LENGTH
from editorial.models import Entry, Section
from editorial.rules import SECTION_TITLE_MAX, SUMMARY_MAX, TITLE_MAX
from tests.support.factories import english_client, make_issue
from tests.support.htmx import HTMX

pytestmark = pytest.mark.django_db

BAIDU = "https://www.baidu.com/s?wd=" + "云计算技术动态" * 33
HOST = "https://example.com/"


def _url(fill: str) -> str:
    return HOST + fill * (MAX_URL_LENGTH - len(HOST))


FULL = {
    "chinese": ("云" * TITLE_MAX, _url("云"), "摘" * SUMMARY_MAX, "栏" * SECTION_TITLE_MAX),
    "emoji": ("😀" * TITLE_MAX, _url("😀"), "👩" * SUMMARY_MAX, "🇨" * SECTION_TITLE_MAX),
    "nul": (
        "云" * (TITLE_MAX - 1) + "\x00",
        BAIDU,
        "\x00" + "摘" * (SUMMARY_MAX - 1),
        "栏\x00" * (SECTION_TITLE_MAX // 2),
    ),
}


@pytest.fixture
def editor_client(editor):
    client = english_client()
    client.force_login(editor)
    return client


@pytest.mark.parametrize("kind", ["chinese", "emoji"])
@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_add_forms_at_their_limits(editor_client, editor, kind, mode):
    title, url, summary, section_title = FULL[kind]
    issue = make_issue(2025, 5, author=editor)
    headers = HTMX if mode == "htmx" else {}
    response = editor_client.post(
        reverse("editorial:section_create", args=[2025, 5]), {"title": section_title}, **headers
    )
    assert response.status_code in (200, 302)
    section = Section.objects.get(issue=issue, title=section_title.replace("\x00", ""))
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {"title": title, "url": url, "summary": summary},
        **headers,
    )
    assert response.status_code in (200, 302)
    entry = Entry.objects.get(section=section)
    assert (entry.title, entry.url, entry.summary) == (
        title.replace("\x00", ""),
        url,
        summary.replace("\x00", ""),
    )
    assert len(entry.url_key) == 64
    # The same again, by quick add, and the URL check while typing.
    response = editor_client.post(
        reverse("editorial:quick_add", args=[section.pk]),
        {"text": f"{title.replace(chr(0), '')}\n{url}\n{summary.replace(chr(0), '')}\n"},
        **headers,
    )
    assert response.status_code in (200, 302)
    assert Entry.objects.filter(section=section).count() == 2
    check = editor_client.get(reverse("editorial:check_url"), {"url": url}, **HTMX)
    assert check.status_code == 200 and "already used" in check.content.decode()
    found = english_client().get(reverse("reader:search"), {"q": title[:100]})
    assert found.status_code == 200


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_a_nul_in_a_form_post_is_a_bad_request_and_stores_nothing(editor_client, editor, mode):
    """A NUL cannot be typed: a request carrying one is malformed and answered 400 before any
    form reads it (see middleware_requests), whichever field holds it."""
    title, url, summary, section_title = FULL["nul"]
    issue = make_issue(2025, 5, author=editor)
    headers = HTMX if mode == "htmx" else {}
    sections_before = issue.sections.count()
    response = editor_client.post(
        reverse("editorial:section_create", args=[2025, 5]), {"title": section_title}, **headers
    )
    assert response.status_code == 400
    assert issue.sections.count() == sections_before
    section = issue.sections.first()
    entries_before = section.entries.count()
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {"title": title, "url": url, "summary": summary},
        **headers,
    )
    assert response.status_code == 400
    assert section.entries.count() == entries_before


def test_a_nul_reaching_the_services_is_removed_by_the_text_rule(editor):
    """Doors that do not pass through a request (commands, code) get the plain-text rule: the NUL
    is removed, the rest kept as typed, at the maximum length."""
    title, url, summary, section_title = FULL["nul"]
    issue = make_issue(2025, 5, author=editor)
    section = services.section_create(issue, title=section_title, by=editor)
    assert section.title == section_title.replace("\x00", "")
    entry = services.entry_create(section, title=title, url=url, summary=summary, by=editor)
    assert (entry.title, entry.url, entry.summary) == (
        title.replace("\x00", ""),
        url,
        summary.replace("\x00", ""),
    )
    assert len(entry.url_key) == 64


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "云" * (TITLE_MAX + 1), "Title: at most 300 characters"),
        ("title", "😀" * (TITLE_MAX + 1), "Title: at most 300 characters"),
        ("summary", "摘" * (SUMMARY_MAX + 1), "Summary: at most 2000 characters"),
        ("url", _url("云") + "云", "URL: at most 2048 characters"),
        ("url", HOST + "\x01", "URL"),
        ("url", HOST + "\u200b", "URL: invisible formatting characters"),
        ("title", "\x01\ufffe\u3000", "Title: it cannot be empty"),
    ],
)
def test_one_past_the_limit_is_a_clear_message(editor_client, editor, field, value, message):
    section = make_issue(2025, 6, author=editor).sections.first()
    before = Entry.objects.count()
    fields = {"title": "t", "url": "https://example.com/x", "summary": "s", field: value}
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]), fields, **HTMX
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Entry.objects.count() == before


@pytest.mark.parametrize("kind", ["chinese", "emoji"])
def test_import_at_the_limits(tmp_path, kind):
    title, url, summary, section_title = FULL[kind]
    data = IssueData(
        "云计算技术动态",
        2025,
        7,
        (SectionData(section_title, (EntryData(title, url, summary), EntryData("b", BAIDU, "s"))),),
    )
    path = tmp_path / "max.md"
    path.write_text(issue_to_markdown(data), encoding="utf-8")
    call_command("import_issue", str(path), stdout=StringIO(), stderr=StringIO())
    assert Entry.objects.filter(url=url).exists() and Entry.objects.filter(url=BAIDU).exists()


def test_import_with_a_nul_is_refused_and_the_next_file_runs(tmp_path):
    text = issue_to_markdown(
        IssueData("云计算技术动态", 2025, 8, (SectionData("A", (EntryData("t", BAIDU, "s"),)),))
    )
    bad, good = tmp_path / "bad.md", tmp_path / "good.md"
    bad.write_text(text.replace("**t**", "**t\x00**"), encoding="utf-8")
    good.write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(bad), str(good), stdout=StringIO(), stderr=err)
    assert f"{bad}:5: the title of entry 1 contains a control character" in err.getvalue()
    assert Entry.objects.get().url == BAIDU
