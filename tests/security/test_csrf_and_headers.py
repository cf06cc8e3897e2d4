"""CSRF on the account, language and admin forms (the permission matrix covers the editorial
routes), and the production security headers and cookies on every kind of page.

The header tests run with the security settings a production process has (read from a fresh
interpreter by test_deploy_check.production_settings), over HTTPS as the proxy reports it.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.support.deploy import production_settings
from tests.support.factories import english_client, make_issue, make_published_issue

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def production_security(settings, production):
    for name in SECURITY_SETTINGS:
        setattr(settings, name, production[name])
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def csrf_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    return client


def token_from(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.cookies["csrftoken"].value


# CSRF.


def test_login_without_a_token_is_refused(editor):
    client = csrf_client()
    response = client.post(reverse("login"), {"username": "editor", "password": "pw"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    token = token_from(client, reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302  # the same form with its token goes through


def test_logout_without_a_token_is_refused(editor):
    client = csrf_client()
    client.force_login(editor)
    assert client.post(reverse("logout")).status_code == 403
    assert client.session.get("_auth_user_id") == str(editor.pk)
    token = token_from(client, reverse("reader:latest"))
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in client.session


def test_switching_language_without_a_token_is_refused():
    client = csrf_client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403
    token = token_from(client, reverse("login"))  # reader pages set no cookie
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_admin_login_without_a_token_is_refused(superuser):
    client = csrf_client()
    url = reverse("admin:login")
    response = client.post(url, {"username": "admin", "password": "pw"})
    assert response.status_code == 403
    token = token_from(client, url)
    response = client.post(
        url, {"username": "admin", "password": "pw", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_token_posted_from_another_site_is_refused_over_https(editor, production_security):
    client = csrf_client()
    token = token_from_secure(client, reverse("login"))
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://testserver",
    )
    assert response.status_code == 302


def token_from_secure(client: Client, url: str) -> str:
    response = client.get(url, secure=True)
    assert response.status_code == 200
    return response.cookies["csrftoken"].value


# Cookies.


def test_session_and_csrf_cookies_are_secure_in_production(editor, production_security):
    client = english_client()
    token = token_from_secure(client, reverse("login"))
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    before = client.cookies.get("sessionid")
    response = client.post(
        reverse("login"),
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert before is None or before.value != session.value  # a new session on login


def test_a_logged_out_session_cannot_be_replayed(editor, production_security):
    client = english_client()
    client.force_login(editor)
    stolen = client.cookies["sessionid"].value
    assert client.get(reverse("editorial:dashboard"), secure=True).status_code == 200
    client.post(reverse("logout"), secure=True)
    thief = english_client()
    thief.cookies["sessionid"] = stolen
    response = thief.get(reverse("editorial:dashboard"), secure=True)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# Headers on every kind of page.


def every_page() -> list[tuple[str, str]]:
    published = make_published_issue(2026, 1)
    draft = make_issue(2026, 2)
    entry = draft.sections.first().entries.first()
    y, n = published.year, published.number
    dy, dn = draft.year, draft.number
    return [
        ("reader", reverse("reader:latest")),
        ("reader", reverse("reader:archive")),
        ("reader", reverse("reader:issue", args=[y, n])),
        ("reader", reverse("reader:search") + "?q=条目"),
        ("reader", reverse("reader:feed")),
        ("reader", reverse("reader:issue_markdown", args=[y, n])),
        ("reader", reverse("login")),
        ("reader", reverse("admin:login")),
        ("reader", reverse("healthz")),
        ("editor", reverse("editorial:dashboard")),
        ("editor", reverse("editorial:composer", args=[dy, dn])),
        ("editor", reverse("editorial:preview", args=[dy, dn])),
        ("editor", reverse("editorial:history", args=[dy, dn])),
        ("editor", reverse("editorial:entry", args=[entry.pk])),
        ("editor", reverse("editorial:markdown", args=[dy, dn])),
        ("reviewer", reverse("editorial:review_list")),
        ("reviewer", reverse("editorial:review_issue", args=[dy, dn])),
        ("admin", reverse("admin:index")),
    ]


def test_every_kind_of_page_sends_hsts_and_a_strict_content_security_policy(
    production_security, editor, reviewer, superuser
):
    clients = {"reader": Client()}
    for name, user in (("editor", editor), ("reviewer", reviewer), ("admin", superuser)):
        clients[name] = Client()
        clients[name].force_login(user)
    checked = 0
    for who, url in every_page():
        response = clients[who].get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, url
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert response.headers.get("X-Frame-Options") == "DENY", url
        assert response.headers.get("Referrer-Policy") == "same-origin", url
        checked += 1
    assert checked == 18


def test_plain_http_is_sent_to_https_except_the_health_check(production_security):
    client = Client()
    response = client.get(reverse("reader:latest"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get(reverse("healthz")).status_code == 200
