"""A session that ends, or a CSRF token that changes, while a page is open: the request is
refused with a notice and changes nothing, the page is told why (X-Digest-Session), and it can
read the token it must send once the person signed in again (views/accounts.py)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from editorial.models import Entry
from tests.support.factories import make_issue, make_user
from tests.support.htmx import HTMX

pytestmark = pytest.mark.django_db

# An htmx request from the dashboard (htmx names the page it was sent from).
FROM_DASHBOARD = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver/editorial/"}


@pytest.fixture
def entry():
    issue = make_issue(2024, 33, author=make_user("editor", username="ed"), entries_per_section=1)
    return Entry.objects.filter(section__issue=issue).first()


def english(client):
    """The interface in English (the default is Chinese), as the language switch sets it."""
    client.cookies["django_language"] = "en"
    return client


def edit_post(entry, title):
    return {
        "version": entry.version,
        "title": title,
        "url": entry.url,
        "summary": entry.summary,
    }


def test_session_state_for_nobody():
    response = Client().get(reverse("session_state"))
    state = json.loads(response.content)
    assert response.status_code == 200
    assert state["signed_in"] is False
    assert state["username"] == ""
    assert len(state["csrf_token"]) >= 32
    assert "no-cache" in response["Cache-Control"]


def test_session_state_gives_the_token_that_saves(entry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("editor", username="rita"))
    state = json.loads(client.get(reverse("session_state")).content)
    assert state["signed_in"] is True
    response = client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        edit_post(entry, "新标题"),
        HTTP_X_CSRFTOKEN=state["csrf_token"],
        **FROM_DASHBOARD,
    )
    assert response.status_code == 200
    assert Entry.objects.get(pk=entry.pk).title == "新标题"


def test_a_stale_token_on_an_htmx_save_is_a_notice_and_saves_nothing(entry):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(make_user("editor", username="rita"))
    stale = json.loads(client.get(reverse("session_state")).content)["csrf_token"]
    # Another tab signs out and in again: the CSRF secret is rotated.
    client.logout()
    english(client).force_login(make_user("editor", username="rita2"))
    response = client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {**edit_post(entry, "不该保存"), "csrfmiddlewaretoken": stale},
        HTTP_X_CSRFTOKEN=stale,
        **FROM_DASHBOARD,
    )
    assert response.status_code == 403
    assert response["X-Digest-Session"] == "stale-token"
    assert "Your sign-in changed in another tab" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).title != "不该保存"


def test_a_stale_token_on_a_plain_post_says_what_happened(entry):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(make_user("editor", username="rita"))
    response = client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {**edit_post(entry, "不该保存"), "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert "X-Digest-Session" not in response
    assert "nothing was saved" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).title != "不该保存"


def test_an_ended_session_on_an_htmx_save_keeps_the_page(entry):
    response = Client().post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        edit_post(entry, "不该保存"),
        **FROM_DASHBOARD,
    )
    assert response.status_code == 401
    assert response["X-Digest-Session"] == "signed-out"
    assert "HX-Redirect" not in response
    assert Entry.objects.get(pk=entry.pk).title != "不该保存"


def test_signed_in_page(entry):
    client = Client()
    client.force_login(make_user("editor", username="rita"))
    response = client.get(reverse("signed_in"))
    assert response.status_code == 200
    assert "data-signed-in" in response.content.decode()


def test_every_logged_in_page_carries_the_session_notice(entry):
    client = Client()
    client.force_login(make_user("editor", username="rita"))
    html = client.get(reverse("editorial:dashboard")).content.decode()
    assert 'id="session-notice"' in html
    assert 'data-username="rita"' in html
    assert "js/session.js" in html
    anonymous = Client().get(reverse("login")).content.decode()
    assert 'id="session-notice"' not in anonymous
