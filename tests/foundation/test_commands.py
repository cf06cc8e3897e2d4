"""import_issue, export_issue and load_demo as a newcomer runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from editorial.models import AuditEvent, Entry, EntryStatus, Issue, IssueStatus, Revision, Section

pytestmark = pytest.mark.django_db

GOOD = """# 云计算技术动态 2024 年第三十三期

## 分布式系统

**1.** **标题一**

https://example.com/1

**摘要:** 摘要一
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _snapshot():
    return (
        Issue.objects.count(),
        Section.objects.count(),
        Entry.objects.count(),
        Revision.objects.count(),
        AuditEvent.objects.count(),
    )


def test_import_then_export_reproduces_the_sample(sample_path, capsysbinary):
    call_command("import_issue", str(sample_path), stdout=io.StringIO())
    issue = Issue.objects.get(year=2024, number=32)
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.revisions.count() == 1
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}
    capsysbinary.readouterr()
    call_command("export_issue", "2024", "32")
    assert capsysbinary.readouterr().out == sample_path.read_bytes()


def test_export_to_file_and_all(tmp_path, sample_path):
    call_command("import_issue", str(sample_path), stdout=io.StringIO())
    call_command(
        "import_issue", str(_write(tmp_path, "d.md", GOOD)), "--draft", stdout=io.StringIO()
    )
    target = tmp_path / "one.md"
    call_command("export_issue", "2024", "32", "-o", str(target))
    assert target.read_bytes() == sample_path.read_bytes()
    folder = tmp_path / "archive"
    call_command("export_issue", "--all", "--output", str(folder), stdout=io.StringIO())
    assert sorted(p.name for p in folder.iterdir()) == ["2024-32.md"]  # drafts are not published


def test_import_draft(tmp_path):
    call_command(
        "import_issue", "--draft", str(_write(tmp_path, "a.md", GOOD)), stdout=io.StringIO()
    )
    issue = Issue.objects.get(year=2024, number=33)
    assert issue.status == IssueStatus.DRAFT and issue.published_at is None
    assert not issue.revisions.exists()
    assert Entry.objects.get().status == EntryStatus.DRAFT


def test_existing_issue_is_refused_unless_replace(tmp_path):
    path = _write(tmp_path, "a.md", GOOD)
    call_command("import_issue", str(path), stdout=io.StringIO())
    before = _snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_issue", str(path), stdout=io.StringIO(), stderr=err)
    assert error.value.returncode == 1
    assert f"{path}:1: issue 2024/33 already exists" in err.getvalue()
    assert _snapshot() == before
    changed = _write(tmp_path, "b.md", GOOD.replace("标题一", "新标题"))
    call_command("import_issue", "--replace", str(changed), stdout=io.StringIO())
    assert Entry.objects.get().title == "新标题"
    assert Issue.objects.get().revisions.count() == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (GOOD.replace("https://example.com/1", "javascript:alert(1)"), 7),
        (GOOD.replace("**摘要:** 摘要一\n", ""), 9),  # a published issue needs summaries
        (GOOD.replace("云计算技术动态", "另一份刊物"), 1),
        (GOOD.replace("标题一", "长" * 301), 5),
    ],
)
def test_bad_file_reports_file_and_line_and_stores_nothing(tmp_path, text, line):
    path = _write(tmp_path, "bad.md", text)
    before = _snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{path}:{line}: ")
    assert _snapshot() == before


def test_one_bad_file_does_not_stop_the_good_ones(tmp_path):
    good = _write(tmp_path, "good.md", GOOD)
    bad = _write(tmp_path, "bad.md", "text before\n" + GOOD)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(bad), str(good), stdout=io.StringIO(), stderr=err)
    assert f"{bad}:1: " in err.getvalue()
    assert Issue.objects.filter(year=2024, number=33).exists()


def test_missing_file_is_a_clear_error(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(tmp_path / "nope.md"), stdout=io.StringIO(), stderr=err)
    assert "cannot read" in err.getvalue()


def test_export_unknown_issue():
    with pytest.raises(CommandError, match="no issue 2024/99"):
        call_command("export_issue", "2024", "99")


def test_load_demo_is_idempotent(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "editor" in out.getvalue() and "password" in out.getvalue()
    before = _snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert _snapshot() == before
    assert Issue.objects.visible_to_readers().count() == 1


def test_load_demo_says_the_address_make_run_serves(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("PORT", "8123")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Open http://127.0.0.1:8123/ to read" in out.getvalue()


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
