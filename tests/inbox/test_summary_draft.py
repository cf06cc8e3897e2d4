"""The optional summary draft against a fake chat-completions endpoint the test starts."""

import json
import logging

import pytest
from django.urls import reverse

from editorial.models import Entry, InboxItem
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server, stall

KEY = "sk-test-never-shown-4242"
DRAFT = "本文主要介绍了 Gateway API 的设计。它拆分了网关的职责。"


def completion(text=DRAFT):
    body = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]})
    return (200, {"Content-Type": "application/json"}, body.encode())


def recording(answer, seen):
    def handler(request, server):
        length = int(request.headers.get("Content-Length", 0))
        seen.append(
            {
                "authorization": request.headers.get("Authorization"),
                "body": json.loads(request.rfile.read(length)),
            }
        )
        status, headers, body = answer
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@pytest.fixture
def endpoint(settings):
    """configure(answer) -> (server, seen requests): the summary settings point at a local
    fake endpoint answering `answer`, and a WeChat-like article is served beside it."""
    servers = []

    def configure(answer):
        seen = []
        routes = {
            "/v1/chat/completions": answer if callable(answer) else recording(answer, seen),
            "/s/AbCdEf": html(WECHAT_ARTICLE),
        }
        context = local_server(routes)
        server = context.__enter__()
        servers.append(context)
        settings.DIGEST_SUMMARY_API_URL = server.url("/v1/chat/completions")
        settings.DIGEST_SUMMARY_MODEL = "house-model"
        settings.DIGEST_SUMMARY_API_KEY = KEY
        return server, seen

    yield configure
    for context in servers:
        context.__exit__(None, None, None)


def ask(client, url):
    """The entry form's "draft a summary" button: the form's fields under its prefix."""
    data = {"add-7-title": "", "add-7-url": url, "add-7-summary": "", "draft_for": "add-7"}
    return client.post(reverse("editorial:summary_draft"), data, **HTMX)


def test_a_draft_fills_the_field(editor_client, endpoint, caplog):
    server, seen = endpoint(completion())
    with caplog.at_level(logging.DEBUG):
        response = ask(editor_client, server.url("/s/AbCdEf"))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<template data-draft-text data-for="add-7-summary">{DRAFT}</template>' in text
    assert seen[0]["authorization"] == f"Bearer {KEY}"
    request = seen[0]["body"]
    assert request["model"] == "house-model"
    assert "两到三句话" in request["messages"][0]["content"]
    assert "本文主要介绍了" in request["messages"][0]["content"]
    assert "Gateway API 将网关的职责拆分为" in request["messages"][1]["content"]
    assert KEY not in text
    assert KEY not in caplog.text
    assert not Entry.objects.exists()  # nothing saved: the editor decides


def test_the_inbox_text_is_used_without_fetching_again(editor_client, endpoint):
    server, seen = endpoint(completion())
    InboxItem.objects.create(
        url="https://example.com/known", main_text="已经抓取的正文。", fetch_state="done"
    )
    response = ask(editor_client, "https://example.com/known")
    assert DRAFT in response.content.decode()
    assert "已经抓取的正文。" in seen[0]["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((500, {"Content-Type": "application/json"}, b'{"error": "boom"}'), "(500)"),
        ((200, {"Content-Type": "application/json"}, b"{not json"), "could not be read"),
        ((200, {"Content-Type": "application/json"}, b'{"choices": []}'), "could not be read"),
        (
            (
                200,
                {"Content-Type": "application/json"},
                b'{"choices": [{"message": {"content": 5}}]}',
            ),
            "could not be read",
        ),
        (stall, "did not answer in time"),
    ],
)
def test_failures_are_said_plainly(editor_client, endpoint, settings, caplog, answer, message):
    settings.DIGEST_SUMMARY_TIMEOUT = 0.3 if answer is stall else 10
    server, _seen = endpoint(answer)
    with caplog.at_level(logging.DEBUG):
        response = ask(editor_client, server.url("/s/AbCdEf"))
    text = response.content.decode()
    assert response.status_code == 200
    assert message in text
    assert 'role="alert"' in text
    assert "data-draft-text" not in text
    assert KEY not in text and KEY not in caplog.text
    assert "Traceback" not in text


def test_an_unreadable_page_is_said_plainly(editor_client, endpoint):
    server, seen = endpoint(completion())
    response = ask(editor_client, server.url("/missing"))
    assert b"The page could not be read: not found (404)." in response.content
    assert seen == []


def test_without_javascript_the_draft_is_a_page(editor_client, endpoint):
    server, _seen = endpoint(completion())
    response = editor_client.post(
        reverse("editorial:summary_draft"), {"url": server.url("/s/AbCdEf"), "title": "t"}
    )
    assert b"<html" in response.content
    assert DRAFT.encode() in response.content


def test_the_button_is_there_only_when_configured(editor_client, endpoint, settings):
    issue = make_issue(2024, 50)
    entry = Entry.objects.filter(section__issue=issue).first()
    edit = reverse("editorial:entry_edit", args=[entry.pk])
    add = reverse("editorial:entry_create", args=[entry.section_id])
    settings.DIGEST_SUMMARY_API_URL = ""
    for url in (edit, add):
        assert b"Draft a summary" not in editor_client.get(url).content
    assert editor_client.post(reverse("editorial:summary_draft"), {"url": "x"}).status_code == 404
    endpoint(completion())
    for url in (edit, add):
        text = editor_client.get(url).content.decode()
        assert "Draft a summary" in text
        assert KEY not in text
