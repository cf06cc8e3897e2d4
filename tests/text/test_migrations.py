"""Migrations 0003 to 0005: existing rows cleaned by the plain-text rule, same-link keys
recomputed as digests, search text filled and indexed; and back again."""

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
