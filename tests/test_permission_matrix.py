"""Who may open what: every route of the URL configuration against every kind of user.

The routes are found by walking the URL resolver, so a new view appears here by itself; the
expected access of every editorial URL name is written down in EDITORIAL below, and the test
fails when a route has no entry there (or an entry has no route), so nothing is left open by
mistake.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from editorial import services
from editorial.models import Entry, EntryStatus, InboxItem, IssueStatus
from tests.factories import make_issue, make_published_issue, make_user

GET, POST = "GET", "POST"
# Who is let in: "editor" = editors, reviewers and superusers; "reviewer" = reviewers and
# superusers (they also hold the publish permission).
EDITOR, REVIEWER = "editor", "reviewer"

# Every route of the "editorial" namespace: (who may use it, the methods it answers).
EDITORIAL = {
    # composing (editors)
    "dashboard": (EDITOR, {GET}),
    "issue_create": (EDITOR, {GET, POST}),
    "composer": (EDITOR, {GET}),
    "preview": (EDITOR, {GET}),
    "markdown": (EDITOR, {GET}),
    "history": (EDITOR, {GET}),
    "presence": (EDITOR, {POST}),
    "presence_leave": (EDITOR, {POST}),
    "composer_changes": (EDITOR, {GET}),
    "section_create": (EDITOR, {POST}),
    "section_rename": (EDITOR, {GET, POST}),
    "section_move": (EDITOR, {POST}),
    "section_delete": (EDITOR, {GET, POST}),
    "entry_create": (EDITOR, {GET, POST}),
    "quick_add": (EDITOR, {GET, POST}),
    "entry": (EDITOR, {GET}),
    "entry_edit": (EDITOR, {GET, POST}),
    "entry_menu": (EDITOR, {GET}),
    "entry_review": (EDITOR, {GET}),
    "entry_move": (EDITOR, {GET, POST}),
    "entry_delete": (EDITOR, {GET, POST}),
    "entry_restore": (EDITOR, {POST}),
    "change_undo": (EDITOR, {POST}),
    "check_url": (EDITOR, {GET}),
    "issue_submit": (EDITOR, {POST}),
    "entry_submit": (EDITOR, {POST}),
    "comment_create": (EDITOR, {POST}),
    # reviewing and publishing (reviewers)
    "review_list": (REVIEWER, {GET}),
    "review_issue": (REVIEWER, {GET}),
    "issue_send_back": (REVIEWER, {POST}),
    "issue_publish": (REVIEWER, {POST}),
    "issue_reopen": (REVIEWER, {POST}),
    "issue_reschedule": (REVIEWER, {POST}),
    "issue_publish_now": (REVIEWER, {POST}),
    "issue_withdraw": (REVIEWER, {POST}),
    "issue_approve_remaining": (REVIEWER, {POST}),
    "entry_approve": (REVIEWER, {POST}),
    "entry_request_changes": (REVIEWER, {POST}),
    # the inbox, the summary draft and the link check
    "inbox": (EDITOR, {GET}),
    "inbox_save": (EDITOR, {GET, POST}),
    "inbox_paste": (EDITOR, {POST}),
    "inbox_item": (EDITOR, {GET}),
    "inbox_item_state": (EDITOR, {POST}),
    "inbox_add": (EDITOR, {GET, POST}),
    "summary_draft": (EDITOR, {POST}),
    "link_check": (REVIEWER, {GET, POST}),
}

ROLES = ("anonymous", "reader", "inactive", "editor", "reviewer", "superuser")
LET_IN = {
    EDITOR: {"editor", "reviewer", "superuser"},
    REVIEWER: {"reviewer", "superuser"},
}
STATES = ("draft", "in_review", "published")


@dataclass
class Route:
    namespace: str
    name: str
    route: str  # the path pattern, e.g. "editorial/sections/<int:pk>/rename/"
    params: list[str]


def walk(resolver=None, prefix="", namespace=""):
    """Every named route below `resolver`, with its full pattern and parameter names."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        pattern = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            inner = item.namespace or namespace
            if item.namespace and namespace:
                inner = f"{namespace}:{item.namespace}"
            yield from walk(item, pattern, inner)
        elif isinstance(item, URLPattern) and item.name:
            params = list(item.pattern.converters) if hasattr(item.pattern, "converters") else []
            yield Route(namespace, item.name, pattern, params)


def routes_in(namespace: str) -> list[Route]:
    return [route for route in walk() if route.namespace == namespace]


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
    """The summary draft's route exists only when its endpoint is set (nothing listens there:
    the matrix posts no URL, so nothing is sent)."""
    settings.DIGEST_SUMMARY_API_URL = "http://127.0.0.1:9/v1/chat/completions"
    settings.DIGEST_SUMMARY_MODEL = "test-model"


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
    """An issue in each state (published: also a scheduled one), each with a section, an entry
    and, for undo, the audit event of a deleted entry."""
    result = {}
    editor = users["editor"]
    for number, state in enumerate(STATES, start=1):
        if state == "published":
            issue = make_published_issue(2024, number)
        else:
            status = {"draft": IssueStatus.DRAFT, "in_review": IssueStatus.IN_REVIEW}[state]
            entry_status = EntryStatus.DRAFT if state == "draft" else EntryStatus.SUBMITTED
            issue = make_issue(2024, number, status=status, entry_status=entry_status)
        section = issue.sections.order_by("position").first()
        entry = section.entries.order_by("position").first()
        if state == "published":
            event = None
        else:
            doomed = services.entry_create(
                section,
                title="待删",
                url=f"https://example.com/gone/{number}",
                summary="x",
                by=editor,
            )
            event = services.entry_delete(doomed, by=editor)
        result[state] = {"issue": issue, "section": section, "entry": entry, "event": event}
        result[state]["item"] = InboxItem.objects.create(
            url=f"https://example.com/inbox/{number}", fetch_state="done", saved_by=editor
        )
    # The published issue's undo event: an entry deleted while it was a draft.
    draft = make_issue(2024, 9)
    section = draft.sections.first()
    doomed = services.entry_create(
        section, title="待删", url="https://example.com/gone/p", summary="x", by=editor
    )
    result["published"]["event"] = services.entry_delete(doomed, by=editor)
    return result


def url_for(route: Route, objs: dict) -> str:
    """The route's URL with its parameters taken from the objects of one issue state."""
    kwargs = {}
    for param in route.params:
        if param in ("year", "number"):
            kwargs[param] = getattr(objs["issue"], param)
        elif param == "pk" and "/sections/" in f"/{route.route}":
            kwargs[param] = objs["section"].pk
        elif param == "pk" and "/entries/" in f"/{route.route}":
            kwargs[param] = objs["entry"].pk
        elif param == "item_pk":
            kwargs[param] = objs["item"].pk
        elif param == "event_pk":
            kwargs[param] = objs["event"].pk
        elif param == "revision":
            kwargs[param] = 1
        else:
            pytest.fail(f"{route.namespace}:{route.name}: no object for <{param}> in {route.route}")
    name = f"{route.namespace}:{route.name}" if route.namespace else route.name
    return reverse(name, kwargs=kwargs)


def client_for(role: str, users: dict, **kwargs) -> Client:
    client = Client(**kwargs)
    if users[role] is not None:
        client.force_login(users[role])
    return client


def ask(client: Client, method: str, url: str):
    """One request whose changes are rolled back, so every request sees the same objects."""
    with transaction.atomic():
        response = client.get(url) if method == GET else client.post(url, {})
        transaction.set_rollback(True)
    return response


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


READER = {
    "latest": {GET},
    "archive": {GET},
    "issue": {GET},
    "issue_markdown": {GET},
    "issue_preview": {GET},
    "revision": {GET},
    "revision_markdown": {GET},
    "search": {GET},
    "feed": {GET},
}
# Reader routes only editors may use (a preview of what is not published yet).
READER_EDITORS_ONLY = {"issue_preview"}


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


def test_matrix_entries_touch_real_objects(objects):
    """The objects exist: a "let in" cannot come from a 404 on a missing object."""
    for state in STATES:
        assert Entry.objects.filter(pk=objects[state]["entry"].pk).exists()
        assert objects[state]["event"].action == "entry_delete"
