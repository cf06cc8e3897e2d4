"""Cache-Control: every answer behind a login, the login page and every error page a
logged-in visitor gets is `private, no-store`; anonymous reader pages, static files and the
favicon keep theirs (tests/reader/test_shared_cache.py has the reader's whole rule)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX
from tests.support.routes import (
    GET,
    POST,
    STATES,
    ask,
    configure_summary_draft,
    route_objects,
    routes_in,
    url_for,
)

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {d.split("=", 1)[0].strip().lower() for d in value.split(",") if d.strip()}


def is_private_and_never_stored(response) -> bool:
    found = directives(response)
    return {"private", "no-store"} <= found and "public" not in found


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_every_editorial_answer_is_private_and_never_stored(settings, role, state):
    """Every route of the permission matrix, GET and POST, page and htmx fragment: pages,
    redirects, refusals (403, 404, 405, 409, 422) alike."""
    configure_summary_draft(settings)
    people = {"editor": make_user("editor"), "reviewer": make_user("reviewer")}
    objects = route_objects(people["editor"])[state]
    client = logged_in(people[role])
    failures, statuses = [], set()
    for route in routes_in("editorial"):
        url = url_for(route, objects)
        for method in (GET, POST):
            for headers in ({}, HTMX):
                response = ask(client, method, url, **headers)
                statuses.add(response.status_code)
                if not is_private_and_never_stored(response):
                    failures.append(
                        f"{method} {url} {headers}: {response.status_code} "
                        f"Cache-Control: {response.get('Cache-Control')!r}"
                    )
    assert failures == []
    assert {200, 302, 405} <= statuses and statuses & {403, 409, 422}


def test_the_admin_login_logout_and_error_pages_are_private_and_never_stored(editor):
    staff = make_user("superuser", username="staff")
    published = make_published_issue(2024, 32)
    answers = {
        "login page": Client().get(reverse("login")),
        "admin login page": Client().get(reverse("admin:login")),
        "admin index": logged_in(staff).get(reverse("admin:index")),
        "admin change page": logged_in(staff).get(
            reverse("admin:editorial_issue_change", args=[published.pk])
        ),
        "logging out": logged_in(editor).post(reverse("logout")),
        "failed login": Client().post(reverse("login"), {"username": "editor", "password": "x"}),
        "an unknown page, logged in": logged_in(editor).get("/editorial/no-such-page/"),
        "an unknown page": Client().get("/no-such-page/"),
        "an unknown issue, logged in": logged_in(editor).get("/issues/2099/1/"),
        "a malformed request, logged in": logged_in(editor).get("/editorial/?q=%00"),
        "the health check": Client().get(reverse("healthz")),
    }
    for what, response in answers.items():
        assert is_private_and_never_stored(response), (what, response.get("Cache-Control"))
    assert answers["an unknown issue, logged in"].status_code == 404
    assert answers["a malformed request, logged in"].status_code == 400


def test_a_lock_out_is_private_and_never_stored(editor, settings):
    settings.AXES_FAILURE_LIMIT = 1
    response = Client().post(reverse("login"), {"username": "editor", "password": "x"})
    assert response.status_code == 429
    assert is_private_and_never_stored(response)


def test_what_everyone_may_keep_keeps_its_cache_control(editor):
    make_published_issue(2024, 32)
    draft = make_issue(2024, 33)
    public = {
        "an anonymous reader page": Client().get("/issues/2024/32/"),
        "an anonymous reader 404": Client().get("/issues/2099/1/"),
        "a static file": Client().get("/static/favicon.svg"),
        "the favicon": Client().get("/favicon.ico"),
    }
    for what, response in public.items():
        assert "public" in directives(response), (what, response.get("Cache-Control"))
        assert "no-store" not in directives(response), what
    # A logged-in reader's page stays private and revalidated with its ETag, not unstored.
    reader_page = logged_in(editor).get("/issues/2024/32/")
    assert reader_page.status_code == 200 and "ETag" in reader_page
    assert directives(reader_page) == {"private", "no-cache"}
    preview = logged_in(editor).get(f"/issues/{draft.year}/{draft.number}/preview/")
    assert preview["Cache-Control"] == "private, no-store"
