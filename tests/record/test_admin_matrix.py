"""Every admin URL × role × issue state, GET and POST (with the workflow's fields forged in):
nothing the workflow controls changes without its transition and audit row, and nothing of a
published or scheduled issue, its revisions, the audit log or the comments changes at all."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
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
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.record import client_for

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


# Every add and change page of the editorial models, posted valid and invalid ----------------

WRITABLE = {"issue", "section", "entry"}  # through the services
READ_ONLY = {"revision", "comment", "auditevent"}  # seen, never changed
# The subscribers' list: records of consent, changed only by its actions and import
# (tests/subscribers/test_admin.py has its matrix).
SUBSCRIBERS = {"subscriber"}


def test_every_editorial_admin_is_in_the_form_matrix():
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label == "editorial"
    }
    assert registered == WRITABLE | READ_ONLY | SUBSCRIBERS
    assert set(MODELS) == WRITABLE | READ_ONLY


def row_counts() -> dict:
    """Rows of every editorial model, and of the admin's own history."""
    counts = {
        m._meta.label: m.objects.count() for m in apps.get_app_config("editorial").get_models()
    }
    counts["admin.LogEntry"] = LogEntry.objects.count()
    return counts


def page_data(response) -> dict:
    """What the page posts when nothing is touched: its form's values and every inline
    formset's management form and rows."""
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def without_management_forms(data: dict) -> dict:
    return {k: v for k, v in data.items() if not k.endswith("_FORMS")}


def with_a_row_of_another_parent(data: dict, response) -> dict:
    """One more row in every inline, naming an object of another parent and that parent."""
    data = dict(data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        shown = [form.instance.pk for form in formset.forms]
        stranger = formset.model.objects.exclude(pk__in=shown).first()
        n, prefix = formset.initial_form_count(), formset.prefix
        data[f"{prefix}-INITIAL_FORMS"] = data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
        data[f"{prefix}-{n}-id"] = stranger.pk
        data[f"{prefix}-{n}-{formset.fk.name}"] = getattr(stranger, formset.fk.attname)
    return data


def form_world():
    """A draft issue to change (its sections, entries), a published one for what is read-only,
    and the objects of each change page."""
    writer = make_user("editor", username="form-writer")
    issue, entry, comment, empty = build("draft", writer)
    published = make_published_issue(2024, 61, author=writer)
    return {
        "issue": issue,
        "section": entry.section,
        "entry": entry,
        "revision": published.revisions.get(),
        "comment": comment,
        "auditevent": AuditEvent.objects.filter(issue=issue).first(),
    }


def valid_change(model: str, page: str, world: dict) -> dict:
    """The fields a valid post of the page changes, over what it shows."""
    issue, entry = world["issue"], world["entry"]
    return {
        ("issue", "add"): {"year": "2025", "number": "9"},
        ("issue", "change"): {},
        ("section", "add"): {"issue": issue.pk, "title": "新栏目"},
        ("section", "change"): {"title": "改名的栏目"},
        ("entry", "add"): {
            "section": entry.section_id,
            "title": "新条目",
            "url": "https://example.com/new",
            "summary": "新的摘要",
        },
        ("entry", "change"): {"title": "改过的标题", "seen_version": str(entry.version)},
    }[model, page]


def invalid_changes(model: str, page: str, world: dict) -> dict:
    """Field values the page refuses: the form's own checks, and the service's."""
    issue, entry = world["issue"], world["entry"]
    return {
        ("issue", "add"): {
            "a year that is no number": {"year": "二〇二五", "number": "9"},
            "an issue that exists": {"year": str(issue.year), "number": str(issue.number)},
        },
        ("issue", "change"): {},
        ("section", "add"): {
            "an empty title": {"issue": issue.pk, "title": "  "},
            "a title the issue has": {"issue": issue.pk, "title": entry.section.title},
        },
        ("section", "change"): {"an empty title": {"title": " "}},
        ("entry", "add"): {
            "a URL that is no web address": {"url": "javascript:alert(1)"},
            "no title": {"title": "\u3000"},
        },
        ("entry", "change"): {
            "a URL that is no web address": {"url": "not a url"},
            "a stale version": {"title": "我的", "seen_version": "99"},
        },
    }[model, page]


def expect_saved(model: str, page: str, world: dict, superuser) -> None:
    issue, entry = world["issue"], world["entry"]
    audit = AuditEvent.objects.filter(actor=superuser)
    if (model, page) == ("issue", "add"):
        created = Issue.objects.get(year=2025, number=9)
        assert audit.filter(issue=created, action="issue_create").count() == 1
    elif (model, page) == ("section", "add"):
        assert Section.objects.filter(issue=issue, title="新栏目").count() == 1
        assert audit.filter(issue=issue, action="section_create", subject="新栏目").count() == 1
    elif (model, page) == ("section", "change"):
        assert Section.objects.get(pk=entry.section_id).title == "改名的栏目"
        assert audit.filter(issue=issue, action="section_rename").count() == 1
    elif (model, page) == ("entry", "add"):
        created = Entry.objects.get(title="新条目", section=entry.section)
        assert audit.filter(entry=created, action="entry_create").count() == 1
    elif (model, page) == ("entry", "change"):
        entry.refresh_from_db()
        assert (entry.title, entry.version) == ("改过的标题", 2)
        assert audit.filter(entry=entry, action="entry_update").count() == 1
    else:
        assert (model, page) == ("issue", "change")
        assert not audit.exists()  # nothing of it is editable: saving it changes nothing


def post_refused(client, url: str, data: dict, what: str) -> None:
    """The page answers with its errors and nothing at all is written."""
    before, counts = snapshot(), row_counts()
    response = client.post(url, data)
    assert response.status_code == 200, what
    assert response.context["errors"], what
    assert (snapshot(), row_counts()) == (before, counts), what


@pytest.mark.parametrize("page", ["add", "change"])
@pytest.mark.parametrize("model", MODELS)
def test_every_add_and_change_page_saves_whole_or_not_at_all(model, page):
    superuser = make_user("superuser", username="form-root")
    world = form_world()
    client = client_for(superuser)
    if page == "add":
        url = reverse(f"admin:editorial_{model}_add")
    else:
        url = reverse(f"admin:editorial_{model}_change", args=[world[model].pk])
    shown = client.get(url)

    if model in READ_ONLY:
        assert shown.status_code == (403 if page == "add" else 200)
        before, counts = snapshot(), row_counts()
        forged = {"body": "改掉", "note": "改掉", "action": "entry_approve", "_save": "Save"}
        assert client.post(url, forged).status_code == 403
        assert (snapshot(), row_counts()) == (before, counts)
        return

    assert shown.status_code == 200
    data = page_data(shown)
    valid = {**data, **valid_change(model, page, world)}
    has_inlines = bool(shown.context["inline_admin_formsets"])
    assert has_inlines == ((model, page) != ("issue", "add") and model != "entry")
    # Each refusal is the valid post with one thing wrong.
    refusals = {
        what: {**valid, **change} for what, change in invalid_changes(model, page, world).items()
    }
    if has_inlines:
        refusals["no management form"] = without_management_forms(valid)
        refusals["a row of another parent"] = with_a_row_of_another_parent(valid, shown)
    assert refusals, "every page has a way to be refused"
    for what, posted in refusals.items():
        post_refused(client, url, posted, f"{model} {page}: {what}")

    response = client.post(url, valid)
    assert response.status_code == 302, response.context and response.context["errors"]
    expect_saved(model, page, world, superuser)
    assert LogEntry.objects.filter(user=superuser).count() == 1
