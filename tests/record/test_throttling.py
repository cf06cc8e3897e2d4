"""Login throttling (django-axes) through both login pages: after the limit, no spelling of
the name (or of the address: a port, brackets, the IPv4-mapped form) buys fresh guesses, the
right password waits too, and an unlock lifts it."""

import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.urls import reverse

from tests.support.factories import english_client, make_user
from tests.support.pages import assert_valid_html

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


# Client addresses are read as addresses.

PROXY = "10.0.0.2"  # the trusted proxy in front of the app
# (REMOTE_ADDR, X-Forwarded-For or None, TRUSTED_PROXY_HOPS) -> the address counted, or None
ADDRESSES = [
    ("203.0.113.5", None, 0, "203.0.113.5"),
    ("203.0.113.5:50001", None, 0, "203.0.113.5"),
    ("[2001:db8::1]:443", None, 0, "2001:db8::1"),
    (" 2001:DB8:0:0::1 ", None, 0, "2001:db8::1"),
    ("::ffff:203.0.113.5", None, 0, "203.0.113.5"),
    (PROXY, "203.0.113.5:50001", 1, "203.0.113.5"),
    (PROXY, "198.51.100.1, 203.0.113.5:50001", 1, "203.0.113.5"),
    (PROXY, "  203.0.113.5\t", 1, "203.0.113.5"),
    (PROXY, "[2001:db8::1]:443", 1, "2001:db8::1"),
    (PROXY, "[2001:db8::1]", 1, "2001:db8::1"),
    (PROXY, "2001:DB8::0:1", 1, "2001:db8::1"),
    (PROXY, "::ffff:203.0.113.5", 1, "203.0.113.5"),
    (PROXY, "[::ffff:203.0.113.5]:8443", 1, "203.0.113.5"),
    (PROXY, "fe80::1%eth0", 1, "fe80::1"),
    # Not an address: the proxy's own address counts instead.
    (PROXY, "unknown", 1, PROXY),
    (PROXY, "<script>alert(1)</script>", 1, PROXY),
    (PROXY, "", 1, PROXY),
    (PROXY, " , ", 1, PROXY),
    (PROXY, "1" * 300, 1, PROXY),
    (PROXY, "203.0.113.5:123456", 1, PROXY),
    (PROXY, "256.0.113.5", 1, PROXY),
    (PROXY, "２０３.０.１１３.５", 1, PROXY),
    (PROXY, "[203.0.113.5]:x", 1, PROXY),
    # No address anywhere: none is counted or stored.
    ("unknown", None, 0, None),
    ("", None, 0, None),
    ("<script>", "also not one", 1, None),
]


@pytest.mark.parametrize(("remote", "forwarded", "hops", "counted"), ADDRESSES)
def test_the_address_counted_is_the_address_written(
    reviewer2, settings, remote, forwarded, hops, counted
):
    settings.TRUSTED_PROXY_HOPS = hops
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    client = english_client()
    assert attempt(client, "site", "reviewer2", "wrong", **headers).status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [counted]
    response = attempt(client, "site", "reviewer2", "right-password", **headers)
    assert response.status_code == 302 and logged_in(client)
    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == [counted]


# One address written six ways: with a port that changes each try, or as IPv6 spelled anew.
SPELLINGS = {
    "ipv4 with ports": [f"203.0.113.5:{port}" for port in range(50001, 50007)],
    "ipv6 spellings": [
        "[2001:db8::7]:443",
        "[2001:db8::7]:50002",
        "2001:DB8::7",
        "[2001:db8:0:0:0:0:0:7]",
        "2001:db8:0::7",
        "2001:0db8:0000:0000:0000:0000:0000:0007",
    ],
}


@pytest.mark.parametrize("spellings", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_one_address_is_locked_out_however_it_is_written(reviewer2, settings, spellings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_HOPS = 1
    *wrong, last = spellings
    client = english_client()
    answers = [
        attempt(
            client, "site", "reviewer2", "wrong", HTTP_X_FORWARDED_FOR=s, REMOTE_ADDR=PROXY
        ).status_code
        for s in wrong
    ]
    assert answers == [200, 200, 200, 200, 429]  # the fifth try locks out
    response = attempt(
        client, "site", "reviewer2", "right-password", HTTP_X_FORWARDED_FOR=last, REMOTE_ADDR=PROXY
    )
    assert response.status_code == 429 and not logged_in(client)
    assert AccessAttempt.objects.count() == 1
    # The same name from another address still logs in.
    other = english_client()
    response = attempt(
        other,
        "site",
        "reviewer2",
        "right-password",
        HTTP_X_FORWARDED_FOR="198.51.100.8:50001",
        REMOTE_ADDR=PROXY,
    )
    assert response.status_code == 302 and logged_in(other)
