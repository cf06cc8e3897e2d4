"""Two people edit the same entry from the same version: the second save is refused, both texts
are shown side by side, and the second person chooses. Nothing is overwritten silently."""

import re

import pytest
from django.urls import reverse

from editorial.models import Entry
from tests.support.factories import english_client, make_user
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_fragment, assert_valid_html


@pytest.fixture
def two_clients(issue, editor):
    first = english_client()
    first.force_login(editor)
    second = english_client()
    second.force_login(make_user("reviewer", username="rita"))
    return first, second


@pytest.fixture
def entry(issue):
    return Entry.objects.get(section__issue=issue, section__position=1, position=1)


def version_in_form(client, entry) -> str:
    html = client.get(reverse("editorial:entry_edit", args=[entry.pk]), **HTMX).content.decode()
    return re.search(rf'name="edit-{entry.pk}-version" value="(\d+)"', html).group(1)


def edit(entry, version, title, summary):
    return {"title": title, "url": entry.url, "summary": summary, "version": version}


def test_the_second_save_is_refused_with_409_and_both_texts(two_clients, entry, editor):
    first, second = two_clients
    version_a = version_in_form(first, entry)
    version_b = version_in_form(second, entry)
    assert version_a == version_b == "1"
    url = reverse("editorial:entry_edit", args=[entry.pk])

    saved = first.post(url, edit(entry, version_a, "甲的标题", "甲的摘要"), **HTMX)
    assert saved.status_code == 200
    refused = second.post(url, edit(entry, version_b, "乙的标题", "乙的摘要"), **HTMX)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else saved this entry while you were editing it" in html
    # Theirs (saved, with who and when) and mine, side by side.
    assert "甲的标题" in html and "甲的摘要" in html
    assert "乙的标题" in html and "乙的摘要" in html
    assert "editor saved version 2 at" in html
    assert 'class="conflict__differs"' in html
    # The choices: keep theirs, use mine (resubmitted with the new version), or merge.
    assert "Keep theirs" in html and "Use mine" in html and "Save merged text" in html
    assert html.count(f'name="edit-{entry.pk}-version" value="2"') == 2
    assert f'type="hidden" name="edit-{entry.pk}-title" value="乙的标题"' in html
    assert_valid_fragment(html)
    # The database holds the first save, untouched.
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version, entry.updated_by) == (
        "甲的标题",
        "甲的摘要",
        2,
        editor,
    )


def test_without_javascript_the_conflict_is_a_page(two_clients, entry):
    first, second = two_clients
    url = reverse("editorial:entry_edit", args=[entry.pk])
    first.post(url, edit(entry, 1, "甲的标题", "甲的摘要"))
    refused = second.post(url, edit(entry, 1, "乙的标题", "乙的摘要"))
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "甲的标题" in html and "乙的标题" in html
    assert_valid_html(html)
    entry.refresh_from_db()
    assert entry.title == "甲的标题"


def test_use_mine_resubmits_over_the_new_version(two_clients, entry):
    first, second = two_clients
    url = reverse("editorial:entry_edit", args=[entry.pk])
    first.post(url, edit(entry, 1, "甲的标题", "甲的摘要"), **HTMX)
    refused = second.post(url, edit(entry, 1, "乙的标题", "乙的摘要"), **HTMX)
    # The "Use mine" form: hidden fields (no ids: the merge form has the visible ones) with my
    # text and the version now stored, under the edit form's prefix.
    form = re.search(
        r'<form method="post"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"[^>]*>\s*'
        r'((?:<input type="hidden" name="[^"]*" value="[^"]*">)+)\s*'
        r'<button type="submit" class="button">Use mine</button>',
        refused.content.decode(),
    )
    fields = dict(re.findall(r'name="([^"]*)" value="([^"]*)"', form.group(1)))
    prefix = f"edit-{entry.pk}-"
    names = ("title", "url", "summary", "version")
    assert sorted(fields) == sorted(prefix + name for name in names)
    assert fields[prefix + "version"] == "2" and fields[prefix + "title"] == "乙的标题"
    response = second.post(url, fields, **HTMX)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version) == ("乙的标题", "乙的摘要", 3)


def test_keep_theirs_reloads_the_fresh_form(two_clients, entry):
    first, second = two_clients
    url = reverse("editorial:entry_edit", args=[entry.pk])
    first.post(url, edit(entry, 1, "甲的标题", "甲的摘要"), **HTMX)
    second.post(url, edit(entry, 1, "乙的标题", "乙的摘要"), **HTMX)
    fresh = second.get(url, **HTMX).content.decode()
    assert f'name="edit-{entry.pk}-version" value="2"' in fresh and 'value="甲的标题"' in fresh
    entry.refresh_from_db()
    assert entry.title == "甲的标题"


def test_a_merged_text_saves_once_and_a_stale_merge_is_refused_again(two_clients, entry):
    first, second = two_clients
    url = reverse("editorial:entry_edit", args=[entry.pk])
    first.post(url, edit(entry, 1, "甲的标题", "甲的摘要"), **HTMX)
    second.post(url, edit(entry, 1, "乙的标题", "乙的摘要"), **HTMX)
    # Meanwhile the first editor saves again: the merge, based on version 2, is refused too.
    first.post(url, edit(entry, 2, "甲的第二版", "甲的摘要"), **HTMX)
    refused = second.post(url, edit(entry, 2, "甲乙合并", "合并的摘要"), **HTMX)
    assert refused.status_code == 409
    assert "甲的第二版" in refused.content.decode()
    merged = second.post(url, edit(entry, 3, "甲乙合并", "合并的摘要"), **HTMX)
    assert merged.status_code == 200
    entry.refresh_from_db()
    assert (entry.title, entry.version) == ("甲乙合并", 4)


def test_a_form_without_its_version_saves_nothing(editor_client, entry):
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(
        url, {"title": "无版本", "url": entry.url, "summary": entry.summary}, **HTMX
    )
    assert response.status_code == 422
    assert "The form is missing its version." in response.content.decode()
    entry.refresh_from_db()
    assert entry.title != "无版本"
