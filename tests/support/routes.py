"""Every route of the URL configuration, who may use it, and objects to fill its URL with.

The permission matrix (tests/test_permission_matrix.py) and the header tests walk the same
list: the routes are found by walking the URL resolver, so a new view appears by itself, and
the expected access of every editorial URL name is written down in EDITORIAL.
"""

from dataclasses import dataclass
from functools import partial

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from editorial import services
from editorial.models import EntryStatus, InboxItem, IssueStatus
from editorial.services.subscribers import confirmation_signature
from tests.support.factories import make_issue, make_published_issue

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
    "draft_paste": (EDITOR, {GET, POST}),
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
    "issue_take_back": (EDITOR, {POST}),
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
    # the inbox, the summary draft, the page suggestion and the link check
    "inbox": (EDITOR, {GET}),
    "inbox_save": (EDITOR, {GET, POST}),
    "inbox_paste": (EDITOR, {POST}),
    "inbox_changes": (EDITOR, {POST}),
    "inbox_item": (EDITOR, {GET}),
    "inbox_item_state": (EDITOR, {POST}),
    "inbox_item_title": (EDITOR, {POST}),
    "inbox_add": (EDITOR, {GET, POST}),
    "summary_draft": (EDITOR, {POST}),
    "url_suggestion": (EDITOR, {POST}),
    "link_check": (REVIEWER, {GET, POST}),
    # the WeChat copy
    "wechat": (EDITOR, {GET}),
    "wechat_html": (EDITOR, {GET}),
    # the account page: where notices are mailed (the mail door's notifications)
    "account": (EDITOR, {GET, POST}),
    # sending by mail (reviewers)
    "mail_issue": (REVIEWER, {GET}),
    "mail_test": (REVIEWER, {POST}),
    "mail_send": (REVIEWER, {POST}),
    "mail_correction": (REVIEWER, {POST}),
    "mail_pause": (REVIEWER, {POST}),
    "mail_resume": (REVIEWER, {POST}),
}

LET_IN = {
    EDITOR: {"editor", "reviewer", "superuser"},
    REVIEWER: {"reviewer", "superuser"},
}
STATES = ("draft", "in_review", "published")

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

# The subscription pages (namespace "subscribers"), open to everyone, and the top-level
# one-click unsubscribe: the methods each answers. Every POST needs the CSRF token but the
# unsubscribe's (RFC 8058's one documented exception).
SUBSCRIBERS = {
    "subscribe": {GET, POST},
    "sent": {GET},
    "confirm": {GET, POST},
}
UNSUBSCRIBE = {GET, POST}
CSRF_EXEMPT = {"unsubscribe"}


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


def configure_summary_draft(settings) -> None:
    """The summary draft's route exists only when its endpoint is set (nothing listens there:
    the walks post no URL, so nothing is sent)."""
    settings.DIGEST_SUMMARY_API_URL = "http://127.0.0.1:9/v1/chat/completions"
    settings.DIGEST_SUMMARY_MODEL = "test-model"


def route_objects(editor) -> dict:
    """An issue in each state (published: also a scheduled one), each with a section, an entry
    and, for undo, the audit event of a deleted entry (deleted by `editor`)."""
    result = {}
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


def subscriber_url(route: Route, subscriber) -> str:
    """A subscription route's URL for `subscriber` (its confirmation link, its unsubscribe)."""
    name = f"{route.namespace}:{route.name}" if route.namespace else route.name
    args = {"signature": [confirmation_signature(subscriber)], "token": [subscriber.token]}
    return reverse(name, args=[v for p in route.params for v in args[p]])


def ask(client: Client, method: str, url: str, **headers):
    """One request whose changes are rolled back, so every request sees the same objects."""
    with transaction.atomic():
        send = client.get if method == GET else partial(client.post, data={})
        response = send(url, **headers)
        transaction.set_rollback(True)
    return response
