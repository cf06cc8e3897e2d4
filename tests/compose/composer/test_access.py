"""Every composer view checks the user on the server: anonymous users log in, logged-in users
without the editor role get 403, editors get in; POST-only actions refuse GET."""

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from editorial import services
from editorial.htmx import LIVE_REGION
from tests.support.factories import make_user
from tests.support.htmx import HTMX


@pytest.fixture
def targets(issue, editor):
    section = issue.sections.order_by("position").first()
    entry = section.entries.order_by("position").first()
    doomed = services.entry_create(section, title="x", url="https://example.com/x", by=editor)
    event = services.entry_delete(doomed, by=editor)
    y, n = issue.year, issue.number
    # (name, args, methods the view answers)
    return [
        ("editorial:dashboard", [], {"GET"}),
        ("editorial:issue_create", [], {"GET", "POST"}),
        ("editorial:composer", [y, n], {"GET"}),
        ("editorial:preview", [y, n], {"GET"}),
        ("editorial:markdown", [y, n], {"GET"}),
        ("editorial:history", [y, n], {"GET"}),
        ("editorial:presence", [y, n], {"POST"}),
        ("editorial:section_create", [y, n], {"POST"}),
        ("editorial:section_rename", [section.pk], {"GET", "POST"}),
        ("editorial:section_move", [section.pk], {"POST"}),
        ("editorial:section_delete", [section.pk], {"GET", "POST"}),
        ("editorial:entry_create", [section.pk], {"GET", "POST"}),
        ("editorial:quick_add", [section.pk], {"GET", "POST"}),
        ("editorial:entry", [entry.pk], {"GET"}),
        ("editorial:entry_edit", [entry.pk], {"GET", "POST"}),
        ("editorial:entry_move", [entry.pk], {"GET", "POST"}),
        ("editorial:entry_delete", [entry.pk], {"GET", "POST"}),
        ("editorial:entry_restore", [event.pk], {"POST"}),
        ("editorial:check_url", [], {"GET"}),
    ]


def _request(client, method, url, **headers):
    """One request whose changes are rolled back, so every request finds the same objects."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, **headers)
        else:
            response = client.post(url, {}, **headers)
        transaction.set_rollback(True)
    return response


def test_anonymous_users_are_sent_to_the_login_page(client, targets):
    login = reverse(settings.LOGIN_URL)
    for name, args, methods in targets:
        url = reverse(name, args=args)
        for method in methods:
            response = _request(client, method, url)
            assert response.status_code == 302, (method, name)
            assert response["Location"].startswith(f"{login}?next="), (method, name)


def test_anonymous_htmx_requests_keep_the_page(client, targets):
    """A session that ended while a page was open: the page stays, with its forms and their
    text (no redirect of the whole page); the answer says why, for the page to offer signing
    in again (static/js/session.js)."""
    for name, args, methods in targets:
        url = reverse(name, args=args)
        for method in methods:
            response = _request(
                client, method, url, **HTMX, HTTP_HX_CURRENT_URL="http://testserver/editorial/"
            )
            assert response.status_code == 401, (method, name)
            assert response["X-Digest-Session"] == "signed-out", (method, name)
            assert "HX-Redirect" not in response, (method, name)
            assert response["HX-Retarget"] == LIVE_REGION, (method, name)
            assert "You were signed out" in response.content.decode(), (method, name)


def test_an_anonymous_history_restore_goes_to_the_login_page(client, targets):
    """A history restore replaces the whole page: it is a navigation like any other."""
    login = reverse(settings.LOGIN_URL)
    name, args, _methods = targets[0]
    response = client.get(reverse(name, args=args), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{login}?next=")


@pytest.mark.parametrize("role", ["reader", "inactive-editor"])
def test_users_without_the_editor_role_are_refused(client, targets, role):
    user = make_user("reader") if role == "reader" else make_user("editor", active=False)
    client.force_login(user)
    for name, args, methods in targets:
        url = reverse(name, args=args)
        for method in methods:
            response = _request(client, method, url)
            if role == "reader":
                assert response.status_code == 403, (method, name)
            else:  # an inactive account's session does not authenticate any more
                assert response.status_code == 302, (method, name)
                assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["editor", "reviewer", "superuser"])
def test_editors_reviewers_and_superusers_get_in(client, targets, role):
    client.force_login(make_user(role))
    for name, args, methods in targets:
        url = reverse(name, args=args)
        for method in methods:
            response = _request(client, method, url)
            assert response.status_code in (200, 302, 422), (method, name, response.status_code)
            if response.status_code == 302:
                assert not response["Location"].startswith("/accounts/login/"), (method, name)


def test_post_only_views_refuse_get(editor_client, targets):
    for name, args, methods in targets:
        if "GET" not in methods:
            response = editor_client.get(reverse(name, args=args))
            assert response.status_code == 405, name


def test_read_only_views_refuse_post(editor_client, targets):
    for name, args, methods in targets:
        if "POST" not in methods:
            response = editor_client.post(reverse(name, args=args), {})
            assert response.status_code == 405, name


def test_unknown_objects_are_404(editor_client):
    for name, args in [
        ("editorial:composer", [1999, 1]),
        ("editorial:preview", [1999, 1]),
        ("editorial:history", [1999, 1]),
        ("editorial:entry", [999999]),
        ("editorial:entry_edit", [999999]),
        ("editorial:section_rename", [999999]),
    ]:
        assert editor_client.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("editorial:entry_move", [999999]),
        ("editorial:entry_delete", [999999]),
        ("editorial:entry_restore", [999999]),
        ("editorial:section_move", [999999]),
    ]:
        assert editor_client.post(reverse(name, args=args), {}).status_code == 404, name
