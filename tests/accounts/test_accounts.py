"""Logging in and out, and the pause after repeated failures (django-axes)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_login_and_logout(client, editor):
    response = client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(editor.pk)
    assert client.get(reverse("logout")).status_code == 405  # logging out takes a POST
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_a_clear_message(client, editor):
    response = client.post(reverse("login"), {"username": "editor", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "editor", "password": "nope"})
    response = client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert response.status_code == 429  # even the right password waits now
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()
    call_command("unlock_login", "editor", stdout=io.StringIO())
    response = client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert response.status_code == 302


def test_inactive_user_cannot_log_in(client, editor):
    editor.is_active = False
    editor.save()
    client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_failures_count_by_the_forwarded_address(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_HOPS = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        client.post(reverse("login"), {"username": "editor", "password": "nope"}, **attacker)
    # The real editor comes through the same proxy from another address: not paused.
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw"},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 302
