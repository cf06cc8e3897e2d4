"""Each numbered case of the record's failures, now with the right outcome (SQLite and
PostgreSQL alike). Races between processes are in test_races.py, login throttling in
test_throttling.py."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from editorial import services, workflow
from editorial.guards import Vanished
from editorial.models import (
    AuditEvent,
    Comment,
    Entry,
    EntryStatus,
    Issue,
    IssueStatus,
    Revision,
    Section,
)
from tests.composer.conftest import assert_valid_fragment, assert_valid_html
from tests.factories import make_issue, make_published_issue, make_user
from tests.record.conftest import HTMX, client_for

pytestmark = pytest.mark.django_db


def entries(issue) -> list[Entry]:
    return list(
        Entry.objects.filter(section__issue=issue).order_by("section__position", "position")
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def review_url(issue) -> str:
    return reverse("editorial:review_issue", args=[issue.year, issue.number])


def page_versions(html: str) -> list[str]:
    """The ENTRY:VERSION pairs the "approve all remaining" form of a page carries."""
    return re.findall(r'name="versions" value="(\d+:\d+)"', html)


def in_review(writer, number=40):
    return make_issue(
        2024,
        number,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=writer,
    )


def approve_remaining(client, issue, versions):
    url = reverse("editorial:issue_approve_remaining", args=[issue.year, issue.number])
    return client.post(url, {"versions": versions})


# 1. Four eyes on the text's authors ---------------------------------------------------------


@pytest.mark.parametrize("fields", [("title", "url", "summary"), ("summary",), ("url",)])
def test_1_a_reviewer_who_rewrote_an_entry_may_not_approve_it(writer, reviewer, fields):
    issue = in_review(writer)
    entry = entries(issue)[0]
    client = client_for(reviewer)
    text = {"title": entry.title, "url": entry.url, "summary": entry.summary}
    rewritten = {"title": "我的标题", "url": "https://attacker.example/", "summary": "我的摘要"}
    text.update({name: rewritten[name] for name in fields})
    edit = reverse("editorial:entry_edit", args=[entry.pk])
    assert client.post(edit, {**text, "version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED

    page = client.get(review_url(issue)).content.decode()
    assert "You wrote or changed the current title, URL or summary of this entry" in page
    assert reverse("editorial:entry_approve", args=[entry.pk]) not in page

    approve = reverse("editorial:entry_approve", args=[entry.pk])
    response = client.post(approve, {"version": entry.version}, **HTMX)
    assert response.status_code == 403
    response = approve_remaining(client, issue, page_versions(page))
    assert "Left for another reviewer" in " ".join(messages_of(response))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert not AuditEvent.objects.filter(entry=entry, action="entry_approve").exists()
    # Everything else was approved, and another reviewer may approve this one.
    assert {e.status for e in entries(issue) if e.pk != entry.pk} == {EntryStatus.APPROVED}
    other = client_for(make_user("reviewer"))
    assert other.post(approve, {"version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED


def test_1_superusers_are_held_to_four_eyes_too(writer, superuser):
    issue = in_review(writer)
    entry = entries(issue)[0]
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="改过", version=entry.version, by=superuser
    )
    entry.refresh_from_db()
    with pytest.raises(Exception, match="another reviewer must approve it"):
        workflow.entry_approve(entry, by=superuser, version=entry.version)


def test_1_an_entry_written_back_by_its_editor_may_be_approved_again(writer, reviewer):
    """Authorship follows the current text: once the editor has rewritten every field the
    reviewer changed, the reviewer's words are gone and approval is theirs to give."""
    issue = in_review(writer)
    entry = entries(issue)[0]
    original = entry.summary
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="审稿人改的", version=1, by=reviewer
    )
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary=original, version=2, by=writer
    )
    assert workflow.entry_approve(entry, by=reviewer, version=3).status == EntryStatus.APPROVED


@override_settings(DIGEST_FOUR_EYES=False)
def test_1_four_eyes_off_lets_a_team_of_one_approve_its_own(reviewer):
    issue = in_review(reviewer)
    entry = entries(issue)[0]
    assert workflow.entry_approve(entry, by=reviewer, version=1).status == EntryStatus.APPROVED


# 2. An approval covers the text it saw -------------------------------------------------------


def test_2_approve_all_leaves_an_entry_changed_after_the_page_was_drawn(writer, reviewer):
    issue = in_review(writer)
    first, *others = entries(issue)
    client = client_for(reviewer)
    page = client.get(review_url(issue)).content.decode()
    shown = page_versions(page)
    assert sorted(shown) == sorted(f"{e.pk}:{e.version}" for e in entries(issue))

    services.entry_update(
        first, title=first.title, url=first.url, summary="编辑后来改的", version=1, by=writer
    )
    response = approve_remaining(client, issue, shown)
    said = " ".join(messages_of(response))
    assert f"Approved {len(others)} entries." in said
    assert "changed after this page was drawn" in said and first.title in said
    first.refresh_from_db()
    assert first.status == EntryStatus.SUBMITTED
    assert all(e.status == EntryStatus.APPROVED for e in entries(issue) if e.pk != first.pk)

    # Approving that one entry with the version the reviewer saw is refused too.
    approve = reverse("editorial:entry_approve", args=[first.pk])
    assert client.post(approve, {"version": 1}, **HTMX).status_code == 409
    first.refresh_from_db()
    assert first.status == EntryStatus.SUBMITTED


def test_2_an_entry_added_after_the_page_was_drawn_is_left(writer, reviewer):
    issue = in_review(writer)
    client = client_for(reviewer)
    shown = page_versions(client.get(review_url(issue)).content.decode())
    late = services.entry_create(
        issue.sections.first(),
        title="后来加的",
        url="https://example.com/late",
        summary="s",
        by=writer,
    )
    approve_remaining(client, issue, shown)
    late.refresh_from_db()
    assert late.status == EntryStatus.SUBMITTED


def test_2_an_approval_without_a_version_is_refused(writer, reviewer):
    entry = entries(in_review(writer))[0]
    response = client_for(reviewer).post(
        reverse("editorial:entry_approve", args=[entry.pk]), **HTMX
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


# 3. The admin is one more door to the same rules -------------------------------------------


def admin_change(model, obj):
    return reverse(f"admin:editorial_{model}_change", args=[obj.pk])


def test_3_a_staff_editor_cannot_rewrite_a_published_issue_through_the_admin(
    staff_editor, reviewer
):
    issue = make_published_issue(2024, 32)
    first, second = entries(issue)[:2]
    comment = Comment.objects.create(entry=first, author=reviewer, body="需要改标题")
    before = (Entry.objects.count(), AuditEvent.objects.count())
    client = client_for(staff_editor)

    response = client.post(
        admin_change("entry", first),
        {
            "title": "改掉",
            "url": "https://attacker.example/",
            "summary": first.summary,
            "seen_version": first.version,
            "status": "approved",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:editorial_entry_delete", args=[second.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(admin_change("comment", comment), {"body": "looks good, approve"})
    assert response.status_code == 403

    first.refresh_from_db()
    comment.refresh_from_db()
    assert (first.title, first.url, first.status) == ("分布式系统 条目 1", first.url, "approved")
    assert "attacker" not in first.url
    assert comment.body == "需要改标题"
    assert (Entry.objects.count(), AuditEvent.objects.count()) == before


def test_3_an_admin_edit_goes_through_the_service_and_withdraws_the_approval(
    staff_editor, reviewer
):
    issue = make_published_issue(2024, 32)
    workflow.issue_reopen(issue, by=reviewer, comment="更正")
    entry = entries(issue)[0]
    client = client_for(staff_editor)
    response = client.post(
        admin_change("entry", entry),
        {
            "title": "更正后的标题",
            "url": entry.url,
            "summary": entry.summary,
            "seen_version": entry.version,
            "status": "approved",  # not a field: statuses change only by transitions
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.status, entry.version) == ("更正后的标题", "submitted", 2)
    event = AuditEvent.objects.get(entry=entry, action="entry_update")
    assert event.actor == staff_editor
    assert (event.from_state, event.to_state) == ("approved", "submitted")
    assert event.data == {"title": ["分布式系统 条目 1", "更正后的标题"]}


def test_3_an_admin_edit_from_a_stale_version_is_refused(staff_editor, writer):
    issue = make_issue(2024, 41, author=writer)
    entry = entries(issue)[0]
    services.entry_update(
        entry, title="别人先改", url=entry.url, summary=entry.summary, version=1, by=writer
    )
    response = client_for(staff_editor).post(
        admin_change("entry", entry),
        {"title": "我的", "url": entry.url, "summary": entry.summary, "seen_version": 1},
    )
    assert response.status_code == 200
    assert "saved this entry after you opened it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "别人先改"


def test_3_admin_adds_and_removes_through_the_services(staff_editor, writer):
    issue = make_issue(2024, 42, author=writer)
    client = client_for(staff_editor)
    section = issue.sections.first()
    response = client.post(
        reverse("admin:editorial_entry_add"),
        {"section": section.pk, "title": "新条目", "url": "https://example.com/n", "summary": ""},
    )
    assert response.status_code == 302
    created = Entry.objects.get(title="新条目")
    assert AuditEvent.objects.filter(entry=created, action="entry_create").exists()
    response = client.post(
        reverse("admin:editorial_entry_delete", args=[created.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="entry_delete", data__entry=created.pk).exists()
    # A section with entries is not removed from the admin (the composer asks first).
    response = client.post(
        reverse("admin:editorial_section_delete", args=[section.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Section.objects.filter(pk=section.pk).exists()


# 4. Bounded publication time -----------------------------------------------------------------


def approved_issue(writer, number=43):
    return make_issue(
        2024, number, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED, author=writer
    )


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59:59-14:00", "9999-12-31T23:59", "0001-01-01T00:00+14:00", "2999-01-01"]
)
def test_4_a_publish_time_beyond_a_year_is_refused_and_nothing_is_stored(
    writer, reviewer, superuser, at
):
    issue = approved_issue(writer)
    url = reverse("editorial:issue_publish", args=[issue.year, issue.number])
    response = client_for(reviewer).post(url, {"at": at}, **HTMX)
    if at.startswith("0001"):  # a past time means now
        assert response.status_code == 200
        issue.refresh_from_db()
        assert issue.status == IssueStatus.PUBLISHED
        assert issue.published_at <= timezone.now()
        return
    assert response.status_code == 400
    assert "within a year" in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == (IssueStatus.IN_REVIEW, None)
    assert not Revision.objects.exists()
    # Every page that lists issues still answers.
    client = client_for(superuser)
    for page in [
        reverse("editorial:dashboard"),
        reverse("editorial:review_list"),
        review_url(issue),
        issue.get_composer_url(),
        reverse("admin:editorial_issue_changelist"),
    ]:
        assert client.get(page).status_code == 200, page


def test_4_the_workflow_checks_the_bound_itself(writer, reviewer):
    issue = approved_issue(writer)
    far = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.max)
    with pytest.raises(ValidationError):
        workflow.issue_publish(issue, by=reviewer, at=far)
    with pytest.raises(ValidationError):
        workflow.issue_publish(issue, by=reviewer, at=timezone.now() + datetime.timedelta(days=366))
    assert not Revision.objects.exists()
    soon = timezone.now() + datetime.timedelta(days=300)
    revision = workflow.issue_publish(issue, by=reviewer, at=soon)
    assert revision.published_at == soon
    workflow.issue_reopen(issue, by=reviewer, comment="换个时间")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


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


# 8. Editing a sent-back entry resubmits it ---------------------------------------------------


def test_8_editing_an_entry_with_changes_requested_puts_it_back_to_submitted(writer, reviewer):
    issue = in_review(writer)
    entry = entries(issue)[0]
    workflow.entry_request_changes(entry, by=reviewer, comment="摘要太长")
    response = client_for(writer).post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {"title": entry.title, "url": entry.url, "summary": "短了", "version": entry.version},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    event = AuditEvent.objects.get(entry=entry, action="entry_update")
    assert (event.from_state, event.to_state) == ("changes_requested", "submitted")
    client = client_for(reviewer)
    approve_remaining(client, issue, page_versions(client.get(review_url(issue)).content.decode()))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED


# 9. Accounts nobody could log in with --------------------------------------------------------


@pytest.mark.parametrize("name", ["editor ", " editor", " ", "", "ｅditor", "editor\u3000"])
def test_9_create_account_refuses_names_the_login_cannot_match(name):
    with (
        mock.patch("getpass.getpass", return_value="correct-horse-battery-42"),
        pytest.raises(CommandError),
    ):
        call_command(
            "create_account",
            name,
            "--role",
            "editor",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


def test_9_create_account_refuses_a_name_differing_only_in_case(editor):
    with (
        mock.patch("getpass.getpass", return_value="correct-horse-battery-42"),
        pytest.raises(CommandError, match="taken"),
    ):
        call_command("create_account", "Editor", "--role", "editor", stdout=io.StringIO())


# 10. Malformed requests ----------------------------------------------------------------------


def test_10_a_nul_in_a_parameter_is_a_400_page_in_the_products_look(superuser):
    client = client_for(superuser)
    for url in [
        "/admin/editorial/entry/?status=%00",
        "/admin/editorial/entry/?q=a%00b",
        "/search/?q=%00",
        "/editorial/?x%00=1",
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "<!DOCTYPE html>" in html and "Nothing was changed" in html or "没有" in html
        assert "Content-Security-Policy" in response
        assert_valid_html(html)
    issue = make_issue(2024, 49)
    response = client.post(
        reverse("editorial:section_create", args=[issue.year, issue.number]), {"title": "a\x00b"}
    )
    assert response.status_code == 400
    assert not Section.objects.filter(title__startswith="a").exists()


@pytest.mark.parametrize("charset", ["latin-1", "iso-8859-1", "x-unknown", "gbk", "utf-16"])
def test_10_a_form_post_in_another_charset_is_a_400(writer, charset):
    issue = make_issue(2024, 50, author=writer)
    client = client_for(writer)
    url = reverse("editorial:section_create", args=[issue.year, issue.number])
    response = client.generic(
        "POST",
        url,
        data=b"title=%E6%96%B0",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert issue.sections.count() == 2
    ok = client.post(
        url, data="title=%E6%96%B0", content_type="application/x-www-form-urlencoded; charset=UTF-8"
    )
    assert ok.status_code == 302
    assert issue.sections.filter(title="新").exists()


def test_numbers_and_ids_beyond_the_columns_are_form_errors_not_500s(writer, superuser):
    issue = make_issue(2024, 51, author=writer)
    entry = entries(issue)[0]
    client = client_for(writer)
    huge = str(2**70)
    move = reverse("editorial:entry_move", args=[entry.pk])
    assert client.post(move, {"position": huge}, **HTMX).status_code == 422
    assert client.post(move, {"section": huge}, **HTMX).status_code == 422
    assert client.post(f"/editorial/restore/{huge}/").status_code == 404
    assert client.get(f"/editorial/issues/2024/{huge}/").status_code == 404
    for url in [
        f"/editorial/check-url/?url=https://example.com/&entry={huge}&issue={huge}",
        f"{issue.get_composer_url()}?undo={huge}",
        f"/editorial/issues/{issue.year}/{issue.number}/history/?page={huge}",
    ]:
        assert client.get(url).status_code == 200, url
    comment = reverse("editorial:comment_create", args=[entry.pk])
    assert client.post(comment, {"body": "hi", "parent": huge}, **HTMX).status_code == 400
    create = reverse("editorial:issue_create")
    assert client.post(create, {"year": huge, "number": huge}).status_code == 200
    admin = client_for(superuser)
    for url in [
        f"/admin/editorial/entry/{huge}/change/",
        f"/admin/editorial/entry/?section__issue__id__exact={huge}",
        "/admin/editorial/issue/?published_at__year=99999",
        f"/admin/editorial/issue/?year={huge}",
    ]:
        assert admin.get(url).status_code in (200, 302, 404), url
    assert Issue.objects.count() == 1


def test_7_reviewing_an_entry_someone_deleted_says_who(writer, reviewer):
    issue = in_review(writer, number=52)
    entry = entries(issue)[0]
    services.entry_delete(entry, by=make_user("editor", username="other"))
    client = client_for(reviewer)
    approve = reverse("editorial:entry_approve", args=[entry.pk])
    response = client.post(approve, {"version": 1}, **HTMX)
    assert response.status_code == 409
    assert f'id="entry-review-{entry.pk}"' in response.content.decode()
    assert "other removed it at" in response.content.decode()
    plain = client.post(reverse("editorial:comment_create", args=[entry.pk]), {"body": "?"})
    assert plain.status_code == 302
    assert "other removed it at" in " ".join(messages_of(plain))
