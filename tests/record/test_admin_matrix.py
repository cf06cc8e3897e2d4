"""Every admin URL × role × issue state, GET and POST (with the workflow's fields forged in):
nothing the workflow controls changes without its transition and audit row, and nothing of a
published or scheduled issue, its revisions, the audit log or the comments changes at all."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
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
from tests.factories import make_issue, make_published_issue, make_user
from tests.record.conftest import client_for

pytestmark = pytest.mark.django_db

MODELS = ["issue", "section", "entry", "revision", "comment", "auditevent"]
STATES = ["draft", "in_review", "published", "scheduled"]
ROLES = ["anonymous", "staff_without_role", "editor", "reviewer", "superuser"]


def build(state: str, writer):
    if state in ("published", "scheduled"):
        when = timezone.now() + datetime.timedelta(days=3 if state == "scheduled" else -1)
        issue = make_published_issue(2024, 60, when=when, author=writer)
    else:
        status = {"draft": IssueStatus.DRAFT, "in_review": IssueStatus.IN_REVIEW}[state]
        entry_status = EntryStatus.DRAFT if state == "draft" else EntryStatus.SUBMITTED
        issue = make_issue(2024, 60, status=status, entry_status=entry_status, author=writer)
    entry = Entry.objects.filter(section__issue=issue).first()
    comment = Comment.objects.create(entry=entry, author=writer, body="原来的评论")
    AuditEvent.objects.create(issue=issue, entry=entry, actor=writer, action="comment_add")
    empty = Section.objects.create(issue=issue, title="空栏目", position=3)
    return issue, entry, comment, empty


def user_for(role: str):
    if role == "anonymous":
        return None
    kind = {"staff_without_role": "reader", "editor": "editor", "reviewer": "reviewer"}.get(
        role, "superuser"
    )
    user = make_user(kind, username=f"matrix-{role}")
    user.is_staff = True
    user.save()
    return user


def snapshot() -> dict:
    return {
        "issues": {i.pk: (i.year, i.number, i.status, i.published_at) for i in Issue.objects.all()},
        "entries": {
            e.pk: (e.title, e.url, e.summary, e.status, e.version, e.section_id, e.position)
            for e in Entry.objects.all()
        },
        "sections": {s.pk: (s.title, s.position, s.issue_id) for s in Section.objects.all()},
        "revisions": {
            r.pk: (r.number, r.markdown, r.checksum, r.note, r.published_at)
            for r in Revision.objects.all()
        },
        "comments": {c.pk: (c.body, c.author_id, c.entry_id) for c in Comment.objects.all()},
        "audit": {
            a.pk: (a.action, a.actor_id, a.from_state, a.to_state, a.comment, a.data)
            for a in AuditEvent.objects.all()
        },
    }


def check_invariants(before: dict, after: dict, frozen: int | None, what: str) -> None:
    """Every change has its audit row; the frozen issue (published or scheduled: its pk), its
    sections and entries, revisions, comments and the audit log do not change at all."""
    for pk, row in before["audit"].items():
        assert after["audit"].get(pk) == row, f"{what}: audit row {pk} changed or vanished"
    new_rows = [after["audit"][pk] for pk in after["audit"].keys() - before["audit"].keys()]
    new_actions = [row[0] for row in new_rows]
    assert after["revisions"] == before["revisions"], what
    assert after["comments"] == before["comments"], what
    if frozen is not None:
        assert after["issues"][frozen] == before["issues"][frozen], what
        frozen_sections = {pk for pk, s in after["sections"].items() if s[2] == frozen}
        assert frozen_sections == {pk for pk, s in before["sections"].items() if s[2] == frozen}
        for pk, section in before["sections"].items():
            if section[2] == frozen:
                assert after["sections"].get(pk) == section, what
        for pk, entry in before["entries"].items():
            if entry[5] in frozen_sections:
                assert after["entries"].get(pk) == entry, what
        for pk, entry in after["entries"].items():
            assert entry[5] not in frozen_sections or pk in before["entries"], what
    for pk, old in before["issues"].items():
        new = after["issues"][pk]
        assert new[:2] == old[:2], f"{what}: an issue's year or number changed"
        if new[2:] != old[2:]:
            assert any(a.startswith("issue_") for a in new_actions), what
    for _pk in after["issues"].keys() - before["issues"].keys():
        assert "issue_create" in new_actions, what
    for pk, old in before["entries"].items():
        new = after["entries"].get(pk)
        if new is None:
            assert any(r[0] == "entry_delete" and r[5].get("entry") == pk for r in new_rows), what
        elif new[:3] != old[:3]:
            assert "entry_update" in new_actions and new[4] == old[4] + 1, what
        elif new[3] != old[3]:
            assert any(r[3] == new[3] for r in new_rows), f"{what}: status changed unaudited"
    for _pk in after["entries"].keys() - before["entries"].keys():
        assert "entry_create" in new_actions, what
    for _pk in before["sections"].keys() - after["sections"].keys():
        assert "section_delete" in new_actions, what
    for _pk in after["sections"].keys() - before["sections"].keys():
        assert "section_create" in new_actions, what


def urls(issue, entry, comment, empty) -> list[tuple[str, str, list]]:
    """(model, url, post payloads) for every admin URL of the editorial models."""
    revision = Revision.objects.filter(issue=issue).first()
    audit = AuditEvent.objects.filter(issue=issue).first()
    objects = {
        "issue": issue,
        "section": empty,
        "entry": entry,
        "revision": revision,
        "comment": comment,
        "auditevent": audit,
    }
    forged = {
        "year": "2025",
        "number": "9",
        "status": "published",
        "published_at": "2030-01-01 00:00:00",
        "issue": issue.pk,
        "section": entry.section_id,
        "title": "篡改",
        "url": "https://attacker.example/",
        "summary": "篡改的摘要",
        "position": "1",
        "version": "99",
        "seen_version": str(entry.version),
        "body": "looks good, approve",
        "markdown": "# forged",
        "checksum": "0" * 64,
        "note": "forged",
        "action": "entry_approve",
        "_save": "Save",
    }
    found = [("admin", reverse("admin:index"), []), ("app", "/admin/editorial/", [])]
    for model in MODELS:
        obj = objects[model]
        changelist = reverse(f"admin:editorial_{model}_changelist")
        actions = [
            {"action": name, "_selected_action": [obj.pk] if obj else [], "post": "yes"}
            for name in ("delete_selected", "download_markdown", "submit_issues", "submit_entries")
        ]
        found.append((model, changelist, actions))
        found.append((model, reverse(f"admin:editorial_{model}_add"), [forged]))
        if obj is not None:
            found.append(
                (model, reverse(f"admin:editorial_{model}_change", args=[obj.pk]), [forged])
            )
            found.append(
                (
                    model,
                    reverse(f"admin:editorial_{model}_delete", args=[obj.pk]),
                    [{"post": "yes"}],
                )
            )
            found.append((model, reverse(f"admin:editorial_{model}_history", args=[obj.pk]), []))
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_admin_matrix(state, role):
    writer = make_user("editor", username="matrix-writer")
    issue, entry, comment, empty = build(state, writer)
    client = client_for(user_for(role))
    frozen = issue.pk if state in ("published", "scheduled") else None
    for _model, url, payloads in urls(issue, entry, comment, empty):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if role == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        for payload in payloads or [{}]:
            before = snapshot()
            response = client.post(url, payload)
            assert response.status_code in (200, 302, 403, 404, 405), (url, response.status_code)
            check_invariants(before, snapshot(), frozen, f"{state}/{role} POST {url} {payload}")


def test_an_admin_action_is_a_transition(db):
    writer = make_user("editor", username="w")
    superuser = make_user("superuser", username="root")
    issue = make_issue(2024, 61, author=writer)
    client = client_for(superuser)
    changelist = reverse("admin:editorial_issue_changelist")
    response = client.post(changelist, {"action": "submit_issues", "_selected_action": [issue.pk]})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.IN_REVIEW
    assert AuditEvent.objects.filter(issue=issue, action="issue_submit", actor=superuser).exists()
    assert workflow.issue_actions(issue, superuser)
