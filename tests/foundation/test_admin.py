"""The admin renders every page for a superuser, and editors get their share."""

import pytest
from django.urls import reverse

from editorial.models import AuditEvent, Comment, Entry, Issue, Revision, Section
from tests.support.factories import make_published_issue, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(superuser):
    issue = make_published_issue(2024, 32)
    entry = Entry.objects.filter(section__issue=issue).first()
    Comment.objects.create(entry=entry, author=superuser, body="看过了")
    AuditEvent.objects.create(issue=issue, entry=entry, actor=superuser, action="entry_approved")
    return issue


@pytest.mark.parametrize("model", [Issue, Section, Entry, Revision, Comment, AuditEvent])
def test_changelist_and_change_page(client, superuser, published, model):
    client.force_login(superuser)
    name = model._meta.model_name
    response = client.get(reverse(f"admin:editorial_{name}_changelist"))
    assert response.status_code == 200
    obj = model.objects.first()
    response = client.get(reverse(f"admin:editorial_{name}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_issue_page_shows_markdown_and_entries(client, superuser, published):
    client.force_login(superuser)
    response = client.get(reverse("admin:editorial_issue_change", args=[published.pk]))
    content = response.content.decode()
    assert "# 云计算技术动态 2024 年第三十二期" in content
    assert "分布式系统 条目 1" in content


def test_filters_and_search(client, superuser, published):
    client.force_login(superuser)
    url = reverse("admin:editorial_issue_changelist")
    assert client.get(url, {"year": "2024", "status__exact": "published"}).status_code == 200
    response = client.get(url, {"q": "example.com/2024/32"})
    assert response.status_code == 200
    assert "1 issue" in response.content.decode() or "1 个" in response.content.decode()
    entries = reverse("admin:editorial_entry_changelist")
    assert client.get(entries, {"status__exact": "approved"}).status_code == 200


def test_download_markdown_action(client, superuser, published):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:editorial_issue_changelist"),
        {"action": "download_markdown", "_selected_action": [published.pk]},
    )
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.content == published.revisions.get().markdown.encode()
    second = make_published_issue(2024, 33)
    response = client.post(
        reverse("admin:editorial_issue_changelist"),
        {"action": "download_markdown", "_selected_action": [published.pk, second.pk]},
    )
    assert response["Content-Type"] == "application/zip"


def test_editor_sees_entries_but_not_audit_changes(client):
    editor = make_user("editor")
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get(reverse("admin:editorial_entry_changelist")).status_code == 200
    assert client.get(reverse("admin:editorial_auditevent_add")).status_code == 403
