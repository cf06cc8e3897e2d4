"""Cases 6 and 7, one step at a time: changes meeting rows someone removed, undo restoring
the same row (the processes racing for real: test_races.py)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from editorial import services
from editorial.htmx import LIVE_REGION
from editorial.models import Entry
from editorial.workflow.guards import Vanished
from tests.support.factories import make_issue, make_user
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_fragment, assert_valid_html
from tests.support.record import client_for, entries, in_review, messages_of

pytestmark = pytest.mark.django_db


# 6. Races, one step at a time (the processes racing for real: test_races.py) --------------


def test_6_a_section_that_got_an_entry_is_not_removed_without_a_confirmation(writer):
    issue = make_issue(2024, 44, author=writer)
    section = services.section_create(issue, title="空栏目", by=writer)
    other = make_user("editor")
    # B adds an entry to the section A saw empty; A's delete then only asks.
    added = services.entry_create(section, title="B 的条目", url="https://example.com/b", by=other)
    response = client_for(writer).post(
        reverse("editorial:section_delete", args=[section.pk]), **HTMX
    )
    assert response.status_code == 200
    assert "Its 1 entry goes with it" in response.content.decode()
    assert Entry.objects.filter(pk=added.pk).exists()
    with pytest.raises(services.SectionNotEmpty):
        services.section_delete(section, by=writer, confirmed_entries=0)


def test_6_a_change_to_a_removed_section_is_a_409_naming_who_removed_it(writer):
    issue = make_issue(2024, 45, author=writer)
    section = services.section_create(issue, title="将被删除", by=writer)
    services.section_delete(section, by=writer)
    client = client_for(make_user("editor"))
    posts = {
        "entry_create": {"title": "t", "url": "https://example.com/x"},
        "quick_add": {"text": "t\nhttps://example.com/y"},
        "section_rename": {"title": "新名"},
        "section_move": {"direction": "up"},
        "section_delete": {},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"editorial:{name}", args=[section.pk]), data, **HTMX)
        assert response.status_code == 409, name
        html = response.content.decode()
        assert "writer removed it at" in html, name
        assert "issue-changed" in response["HX-Trigger"], name  # the sections are redrawn
    with pytest.raises(Vanished, match="writer removed it"):
        services.entry_create(section, title="t", url="https://example.com/z", by=writer)
    assert (
        not Entry.objects.filter(url__startswith="https://example.com/")
        .exclude(section__issue=issue)
        .exists()
    )


def test_6_import_of_an_existing_issue_says_use_replace(tmp_path, sample_path):
    call_command("import_issue", str(sample_path), stdout=io.StringIO())
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_issue", str(sample_path), stdout=io.StringIO(), stderr=errors)
    assert "already exists (use --replace)" in errors.getvalue()


# 7. Undo brings back the same row ------------------------------------------------------------


def test_7_undo_restores_the_same_row_and_an_open_form_keeps_working(writer):
    issue = make_issue(2024, 46, author=writer)
    entry = entries(issue)[0]
    other = make_user("editor", username="other")
    client = client_for(writer)
    form = client.get(reverse("editorial:entry_edit", args=[entry.pk]))
    assert form.status_code == 200
    event = services.entry_delete(entry, by=other)
    restored = services.entry_restore(event, by=other)
    assert restored.pk == entry.pk
    response = client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {
            "title": "表单还开着",
            "url": entry.url,
            "summary": entry.summary,
            "version": entry.version,
        },
    )
    assert response.status_code == 302
    restored.refresh_from_db()
    assert restored.title == "表单还开着"


def test_7_acting_on_an_entry_someone_deleted_is_a_409_not_a_404(writer):
    issue = make_issue(2024, 47, author=writer)
    entry = entries(issue)[0]
    services.entry_delete(entry, by=make_user("editor", username="other"))
    client = client_for(writer)
    response = client.post(
        reverse("editorial:entry_move", args=[entry.pk]), {"direction": "down"}, **HTMX
    )
    assert response.status_code == 409
    assert "other removed it at" in response.content.decode()
    plain = client.post(reverse("editorial:entry_move", args=[entry.pk]), {"direction": "down"})
    assert plain.status_code == 302
    assert "other removed it at" in " ".join(messages_of(plain))


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_7_a_save_to_a_deleted_entry_shows_the_editors_text(writer, mode):
    issue = make_issue(2024, 48, author=writer)
    entry = entries(issue)[0]
    event = services.entry_delete(entry, by=make_user("editor", username="other"))
    extra = HTMX if mode == "htmx" else {}
    response = client_for(writer).post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {
            "title": "我没保存的字",
            "url": "https://example.com/mine",
            "summary": "摘要也在",
            "version": 1,
        },
        **extra,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "我没保存的字" in html and "摘要也在" in html and "other removed it at" in html
    assert reverse("editorial:entry_restore", args=[event.pk]) in html
    (assert_valid_fragment if mode == "htmx" else assert_valid_html)(html)


def test_7_reviewing_an_entry_someone_deleted_says_who(writer, reviewer):
    issue = in_review(writer, number=52)
    entry = entries(issue)[0]
    services.entry_delete(entry, by=make_user("editor", username="other"))
    client = client_for(reviewer)
    approve = reverse("editorial:entry_approve", args=[entry.pk])
    response = client.post(approve, {"version": 1}, **HTMX)
    assert response.status_code == 409
    # The one protocol: the refusal goes to the page's live region, and "issue-changed" redraws.
    assert response["HX-Retarget"] == LIVE_REGION
    assert "issue-changed" in response["HX-Trigger"]
    assert "other removed it at" in response.content.decode()
    plain = client.post(reverse("editorial:comment_create", args=[entry.pk]), {"body": "?"})
    assert plain.status_code == 302
    assert "other removed it at" in " ".join(messages_of(plain))
