"""Migrations 0003 to 0005: existing rows cleaned by the plain-text rule, same-link keys
recomputed as digests, search text filled and indexed; and back again. 0008: text with nothing
visible in it emptied, audited. 0010: stored task paths follow the inbox tasks module."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from editorial.links import url_key
from editorial.search import entry_search_text, filter_matching, fold_query

BEFORE = [("editorial", "0002_roles")]
AFTER = [("editorial", "0005_search")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Whatever happens in a test, the database ends at the latest migration: the tests after
    this file need every table (migrating to 0005 drops those of 0006 and later)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_cleaned_and_rekeyed_and_back():
    apps = _migrate(BEFORE)
    Issue = apps.get_model("editorial", "Issue")
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    Comment = apps.get_model("editorial", "Comment")
    issue = Issue.objects.create(year=2024, number=1)
    first = Section.objects.create(issue=issue, title="栏目\ufffe", position=1)
    Section.objects.create(issue=issue, title="栏目", position=2)
    url = "https://Example.com/a/?utm_source=x"
    entry = Entry.objects.create(
        section=first,
        title="标题\uffff Pin<T>",
        url=url,
        url_key="example.com/a",  # as 0001's code stored it
        summary="ＧＰＵ\ufdd0 &copy;",
        position=1,
    )
    Comment.objects.create(entry=entry, body="第一行\ufffe\n第二行")

    apps = _migrate(AFTER)
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    Comment = apps.get_model("editorial", "Comment")
    titles = list(Section.objects.order_by("position").values_list("title", flat=True))
    assert titles == ["栏目 (2)", "栏目"]  # cleaning made two titles equal: one is told apart
    entry = Entry.objects.get()
    assert (entry.title, entry.summary) == ("标题 Pin<T>", "ＧＰＵ &copy;")
    assert entry.url == url and entry.url_key == url_key(url)
    assert entry.search_text == entry_search_text(entry.title, entry.summary)
    assert Comment.objects.get().body == "第一行\n第二行"
    from editorial.models import Entry as CurrentEntry

    found = filter_matching(CurrentEntry.objects.all(), fold_query("gpu &copy"))
    assert list(found.values_list("pk", flat=True)) == [entry.pk]

    apps = _migrate(BEFORE)
    assert apps.get_model("editorial", "Entry").objects.get().url_key == "example.com/a"
    _migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_0008_empties_text_with_nothing_visible_and_audits_it():
    apps = _migrate([("editorial", "0007_inbox")])
    Issue = apps.get_model("editorial", "Issue")
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    issue = Issue.objects.create(year=2024, number=2)
    blank = Section.objects.create(issue=issue, title="\u200b \u200b", position=2)
    Section.objects.create(issue=issue, title="Section 2", position=1)
    url = "https://example.com/invisible"
    entry = Entry.objects.create(
        section=blank, title="\u200b \u200b", url=url, url_key="k", summary="\ufeff", position=1
    )
    kept = Entry.objects.create(
        section=blank, title="👩\u200d💻", url=url, url_key="k", summary="\u200bs", position=2
    )

    apps = _migrate([("editorial", "0008_invisible_is_empty")])
    Section = apps.get_model("editorial", "Section")
    Entry = apps.get_model("editorial", "Entry")
    AuditEvent = apps.get_model("editorial", "AuditEvent")
    assert Section.objects.get(pk=blank.pk).title == "Section 2 (2)"  # "Section 2" is taken
    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.title, entry.summary, entry.version) == (url, "", 2)
    assert entry.search_text == entry_search_text(url, "")
    kept = Entry.objects.get(pk=kept.pk)
    assert (kept.title, kept.summary, kept.version) == ("👩\u200d💻", "\u200bs", 1)
    rows = {row.action: row for row in AuditEvent.objects.all()}
    assert rows["section_rename"].data == {
        "section": blank.pk,
        "title": ["\u200b \u200b", "Section 2 (2)"],
    }
    assert rows["entry_update"].entry_id == entry.pk
    assert rows["entry_update"].data == {
        "title": ["\u200b \u200b", url],
        "summary": ["\ufeff", ""],
    }
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_queued_tasks_follow_the_inbox_tasks_module():
    """0010: a task queued under editorial.tasks (before the inbox door) still runs."""
    from django.utils import timezone
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    _migrate([("editorial", "0009_reader_state_index")])
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="editorial.tasks.fetch_inbox_page",
        backend_name="default",
        run_after=timezone.now(),
    )
    _migrate([("editorial", "0010_task_paths")])
    path = DBTaskResult.objects.get(pk=row.pk).task_path
    assert path == "editorial.inbox.tasks.fetch_inbox_page"
    assert import_string(path).name == "fetch_inbox_page"
