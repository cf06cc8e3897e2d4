"""Login throttling (django-axes) through both login pages: after the limit, no spelling of
the name buys fresh guesses, the right password waits too, and an unlock lifts it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.composer.conftest import assert_valid_html
from tests.factories import english_client, make_user

pytestmark = pytest.mark.django_db

# Spellings the login form reads as "reviewer2": spaces around it, full width, ideographic space.
VARIANTS = [
    "reviewer2",
    " reviewer2",
    "reviewer2 ",
    "ｒeviewer2",
    "reviewer2\u3000",
    "ＲＥＶＩＥＷＥＲ2",
]
LOGIN_PAGES = {"site": "login", "admin": "admin:login"}


@pytest.fixture
def reviewer2(db):
    user = make_user("reviewer", username="reviewer2")
    user.is_staff = True
    user.set_password("right-password")
    user.save()
    return user


def attempt(client, page: str, username: str, password: str, **extra):
    return client.post(
        reverse(LOGIN_PAGES[page]),
        {"username": username, "password": password, "next": "/editorial/"},
        **extra,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_after_the_limit_no_spelling_of_the_name_logs_in(reviewer2, settings, page):
    settings.AXES_FAILURE_LIMIT = 5
    client = english_client()
    for _ in range(4):
        assert attempt(client, page, "reviewer2", "wrong").status_code == 200
    assert attempt(client, page, "reviewer2", "wrong").status_code == 429  # the fifth locks
    for name in VARIANTS:
        response = attempt(client, page, name, "right-password")
        assert response.status_code == 429, repr(name)
        assert not logged_in(client), repr(name)
        html = response.content.decode()
        assert "Too many failed logins" in html
        assert "云计算技术动态" in html and "<!DOCTYPE html>" in html  # the product's own page
        assert_valid_html(html)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_variants_share_one_counter(reviewer2, settings, page):
    settings.AXES_FAILURE_LIMIT = 5
    client = english_client()
    for name in VARIANTS[1:]:  # five failures, each spelled differently
        attempt(client, page, name, "wrong")
    assert attempt(client, page, "reviewer2", "right-password").status_code == 429
    assert not logged_in(client)


def test_admin_login_is_throttled_after_thirty_wrong_passwords(reviewer2):
    client = english_client()
    for _ in range(30):
        attempt(client, "admin", "reviewer2", "wrong")
    response = attempt(client, "admin", "reviewer2", "right-password")
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_is_per_name_and_address_and_can_be_lifted(reviewer2, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = english_client()
    for _ in range(3):
        attempt(client, "site", "reviewer2", "wrong", REMOTE_ADDR="203.0.113.9")
    assert (
        attempt(
            client, "site", "reviewer2", "right-password", REMOTE_ADDR="203.0.113.9"
        ).status_code
        == 429
    )
    # The real reviewer from elsewhere is not locked out by the attacker.
    other = english_client()
    assert (
        attempt(other, "site", "reviewer2", "right-password", REMOTE_ADDR="192.0.2.1").status_code
        == 302
    )
    call_command("unlock_login", "ｒeviewer2 ", stdout=io.StringIO())
    again = english_client()
    response = attempt(again, "site", "reviewer2", "right-password", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert logged_in(again)


def test_behind_proxies_the_address_is_the_one_the_outer_proxy_saw(reviewer2, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_HOPS = 1
    client = english_client()
    # What the client writes on the left of X-Forwarded-For changes nothing.
    for forged in ("1.1.1.1", "2.2.2.2"):
        attempt(
            client,
            "admin",
            "reviewer2",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7",
            REMOTE_ADDR="10.0.0.2",
        )
    response = attempt(
        client,
        "admin",
        "reviewer2",
        "right-password",
        HTTP_X_FORWARDED_FOR="3.3.3.3, 198.51.100.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert response.status_code == 429
