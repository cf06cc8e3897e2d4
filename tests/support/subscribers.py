"""Subscribers in tests: asking through the form, and the links a subscription's mail holds."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

CONFIRM_LINK = re.compile(r"https?://\S+/subscribe/confirm/\S+/")


def ask(client: Client, email: str, *, prefix: str = "", website: str = "", **headers):
    """POST the subscription form (at /subscribe/, or /en/subscribe/ with prefix="/en") as
    the browser does, with the CSRF token the form page gave when the client checks it;
    `website` is the honeypot, `headers` the request's (REMOTE_ADDR=…)."""
    data = {"email": email, "website": website}
    if client.handler.enforce_csrf_checks:
        client.get(f"{prefix}/subscribe/")
        data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(f"{prefix}/subscribe/", data, **headers)


def confirmation_path(text: str) -> str:
    """The path of the confirmation link in a mail's text (the site's host is not the test
    server's: DIGEST_SITE_URL)."""
    found = CONFIRM_LINK.search(text)
    assert found, f"no confirmation link in:\n{text}"
    return urlsplit(found[0]).path


def unsubscribe_path(list_unsubscribe: str) -> str:
    """The path of the https target of a List-Unsubscribe header."""
    target = next(t.strip("<> ") for t in list_unsubscribe.split(",") if "https" in t)
    return urlsplit(target).path
