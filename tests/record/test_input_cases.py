"""Cases 4, 9 and 10: bounded input (publication time, numbers, ids), user names the login
can match, malformed requests."""

import datetime
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import (
    Issue,
    IssueStatus,
    Revision,
    Section,
)
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_html
from tests.support.record import approved_issue, client_for, entries, review_url

pytestmark = pytest.mark.django_db


# 4. Bounded publication time -----------------------------------------------------------------


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
    assert response.status_code == 422
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
    assert client.post(comment, {"body": "hi", "parent": huge}, **HTMX).status_code == 422
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
