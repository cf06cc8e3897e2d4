"""Who may open what: every route of the URL configuration against every kind of user.

The routes are found by walking the URL resolver, so a new view appears here by itself; the
expected access of every editorial URL name is written down in EDITORIAL (tests/support/routes.py),
and the test fails when a route has no entry there (or an entry has no route), so nothing is
left open by mistake.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from editorial.models import Entry, Subscriber
from tests.support.factories import make_published_issue, make_user
from tests.support.routes import (
    EDITOR,
    EDITORIAL,
    GET,
    LET_IN,
    POST,
    READER,
    READER_EDITORS_ONLY,
    STATES,
    SUBSCRIBERS,
    UNSUBSCRIBE,
    ask,
    configure_summary_draft,
    route_objects,
    routes_in,
    subscriber_url,
    url_for,
    walk,
)

ROLES = ("anonymous", "reader", "inactive", "editor", "reviewer", "superuser")


def test_every_editorial_route_is_in_the_matrix():
    found = {route.name for route in routes_in("editorial")}
    assert found, "no editorial routes found: the walk is broken"
    assert found - EDITORIAL.keys() == set(), "new editorial routes: add them to EDITORIAL"
    assert EDITORIAL.keys() - found == set(), "EDITORIAL lists routes that no longer exist"


def test_every_editorial_route_lives_under_editorial():
    for route in routes_in("editorial"):
        assert route.route.startswith("editorial/"), route


@pytest.fixture(autouse=True)
def _summary_draft_configured(settings):
    configure_summary_draft(settings)


# Objects to fill the URL parameters with


@pytest.fixture
def users(db):
    return {
        "anonymous": None,
        "reader": make_user("reader", username="reader"),
        "inactive": make_user("editor", username="inactive", active=False),
        "editor": make_user("editor", username="editor"),
        "reviewer": make_user("reviewer", username="reviewer"),
        "superuser": make_user("superuser", username="admin"),
    }


@pytest.fixture
def objects(users):
    return route_objects(users["editor"])


def client_for(role: str, users: dict, **kwargs) -> Client:
    client = Client(**kwargs)
    if users[role] is not None:
        client.force_login(users[role])
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL) + "?next="
    )


def verdict(response) -> str:
    """What an answer means for access: "login", "forbidden", "wrong method" or "let in"."""
    if is_login_redirect(response):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 405:
        return "wrong method"
    assert response.status_code < 500, response
    assert response.status_code != 404, "the URL was filled with objects that do not exist"
    return "let in"


def expected(role: str, access: str, methods: set, method: str) -> set[str]:
    if role == "anonymous":
        return {"login"}
    if role == "inactive":
        # An inactive account's session no longer authenticates: back to the login page.
        return {"login", "forbidden"}
    if role not in LET_IN[access]:
        return {"forbidden"}
    return {"let in"} if method in methods else {"wrong method"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_editorial_matrix(users, objects, role, state):
    client = client_for(role, users)
    failures = []
    for route in routes_in("editorial"):
        access, methods = EDITORIAL[route.name]
        url = url_for(route, objects[state])
        for method in (GET, POST):
            answer = ask(client, method, url)
            got = verdict(answer)
            want = expected(role, access, methods, method)
            if got not in want:
                failures.append(
                    f"{method} {url} ({route.name}): {got} {answer.status_code}, "
                    f"expected {' or '.join(sorted(want))}"
                )
    assert failures == []


def test_post_without_csrf_token_is_refused(users, objects):
    """Every editorial POST route refuses a logged-in superuser's POST without the token."""
    client = client_for("superuser", users, enforce_csrf_checks=True)
    # With the cookie in place, only the token in the form or header is missing.
    client.get(reverse("editorial:dashboard"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    checked = 0
    for route in routes_in("editorial"):
        if POST not in EDITORIAL[route.name][1]:
            continue
        url = url_for(route, objects["in_review"])
        response = ask(client, POST, url)
        assert response.status_code == 403, url
        assert b"CSRF" in response.content, url
        checked += 1
    assert checked >= 10


def test_csrf_refusal_is_about_the_token(users, objects):
    """The same POST with the token gets through: the 403 above is the CSRF check's."""
    client = client_for("superuser", users, enforce_csrf_checks=True)
    client.get(reverse("editorial:dashboard"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    entry = objects["in_review"]["entry"]
    url = reverse("editorial:comment_create", args=[entry.pk])
    response = client.post(url, {"body": "ok"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert entry.comments.count() == 1


# Outside the editorial namespace


def test_every_reader_route_is_known():
    assert {route.name for route in routes_in("reader")} == READER.keys()


@pytest.mark.parametrize("role", ROLES)
def test_reader_routes_are_open_to_everyone(users, objects, role):
    client = client_for(role, users)
    failures = []
    for route in routes_in("reader"):
        if route.name in READER_EDITORS_ONLY:
            continue
        url = url_for(route, objects["published"])
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"GET {url}: {response.status_code}")
        if client.post(url, {}).status_code not in (403, 405):
            failures.append(f"POST {url} was not refused")
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_reader_preview_is_for_editors(users, objects, role):
    """Editors preview what is not published; to everyone else it does not exist (404)."""
    client = client_for(role, users)
    route = next(r for r in routes_in("reader") if r.name == "issue_preview")
    response = client.get(url_for(route, objects["draft"]))
    assert response.status_code == (200 if role in LET_IN[EDITOR] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_and_scheduled_issues_are_hidden_from_readers(users, objects, role):
    scheduled = make_published_issue(2024, 50, when=timezone.now() + timedelta(days=1))
    client = client_for(role, users)
    for issue in (objects["draft"]["issue"], objects["in_review"]["issue"], scheduled):
        response = client.get(issue.get_absolute_url())
        if role in LET_IN[EDITOR]:
            # Editors are sent to the preview instead.
            preview = reverse("reader:issue_preview", args=[issue.year, issue.number])
            assert (response.status_code, response["Location"]) == (302, preview)
        else:
            assert response.status_code == 404
        md = reverse("reader:issue_markdown", args=[issue.year, issue.number])
        assert client.get(md).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("reader", 302), ("editor", 302), ("reviewer", 302), ("superuser", 200)],
)
def test_admin_is_for_staff(users, role, status):
    response = client_for(role, users).get(reverse("admin:index"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_site_routes_answer(users):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    # The language switch of the cookie-based screens: a plain link for anyone, GET only.
    switch = reverse("switch_language", args=["en"]) + "?next=/editorial/"
    assert client.get(switch).status_code == 302
    assert client.post(switch).status_code == 405
    favicon = client.get("/favicon.ico")
    assert (favicon.status_code, favicon["Location"]) == (301, "/static/favicon.svg")
    found = {route.name for route in walk() if route.namespace == ""}
    assert {"login", "logout", "set_language", "switch_language", "healthz", "favicon"} <= found


# The subscription pages and the one-click unsubscribe: open to everyone


def subscription_routes():
    """(route, methods) of every subscription page and the top-level unsubscribe."""
    found = [(route, SUBSCRIBERS.get(route.name)) for route in routes_in("subscribers")]
    found += [(route, UNSUBSCRIBE) for route in walk() if route.name == "unsubscribe"]
    return found


def test_every_subscription_route_is_known():
    assert {route.name for route in routes_in("subscribers")} == SUBSCRIBERS.keys()
    [unsubscribe] = [route for route in walk() if route.name == "unsubscribe"]
    assert (unsubscribe.namespace, unsubscribe.route) == ("", "u/<str:token>/")


@pytest.mark.parametrize("role", ROLES)
def test_subscription_routes_are_open_to_everyone(users, role):
    subscriber = Subscriber.objects.create(email="matrix@example.com")
    client = client_for(role, users)
    failures = []
    for route, methods in subscription_routes():
        url = subscriber_url(route, subscriber)
        for method in (GET, POST):
            got = verdict(ask(client, method, url))
            want = "let in" if method in methods else "wrong method"
            if got != want:
                failures.append(f"{method} {url}: {got}, expected {want}")
    assert failures == []
    assert Subscriber.objects.get().state == "pending"  # every request was rolled back


def test_subscription_posts_need_the_csrf_token_but_the_one_click_unsubscribe(db):
    subscriber = Subscriber.objects.create(email="csrf@example.com")
    client = Client(enforce_csrf_checks=True)
    client.get("/subscribe/")
    assert settings.CSRF_COOKIE_NAME in client.cookies
    for route, methods in subscription_routes():
        if POST not in methods:
            continue
        response = ask(client, POST, subscriber_url(route, subscriber))
        if route.name == "unsubscribe":
            assert response.status_code == 200, route.name  # RFC 8058: no token
        else:
            assert response.status_code == 403, route.name
            assert "403_csrf.html" in {t.name for t in response.templates}, route.name


def test_matrix_entries_touch_real_objects(objects):
    """The objects exist: a "let in" cannot come from a 404 on a missing object."""
    for state in STATES:
        assert Entry.objects.filter(pk=objects[state]["entry"].pk).exists()
        assert objects[state]["event"].action == "entry_delete"
