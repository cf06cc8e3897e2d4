"""Mail to a subscriber, with the headers every such mail carries: the one place that knows them.

Every mail to a subscriber (the confirmation included) carries RFC 2369's List-Unsubscribe with
the subscription's one-click address (and a mailto: when DIGEST_MAIL_UNSUBSCRIBE_ADDRESS is
set) and RFC 8058's List-Unsubscribe-Post, so a mail client's "Unsubscribe" button ends the
subscription with one POST. The address holds the subscription's token and nothing else.
"""

from email.utils import make_msgid
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from editorial.models.mail import Subscriber

ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058 §3.1: the POST's body, and the header's value


def site_url(path: str) -> str:
    """`path` (absolute, "/…") on the site's public address (DIGEST_SITE_URL), never on a
    request's Host."""
    return settings.DIGEST_SITE_URL + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The subscription's one-click unsubscribe address: GET shows a button, POST unsubscribes."""
    return site_url(reverse("unsubscribe", args=[subscriber.token]))


def new_message_id() -> str:
    """A Message-ID ("<…@host>") on the site's host, unique."""
    return make_msgid(domain=settings.DIGEST_FEED_ID_HOST or "localhost")


def unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """List-Unsubscribe and List-Unsubscribe-Post for a mail to `subscriber`."""
    targets = [f"<{unsubscribe_url(subscriber)}>"]
    if settings.DIGEST_MAIL_UNSUBSCRIBE_ADDRESS:
        subject = quote(f"unsubscribe {subscriber.token}")
        targets.append(f"<mailto:{settings.DIGEST_MAIL_UNSUBSCRIBE_ADDRESS}?subject={subject}>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": ONE_CLICK}


def subscriber_message(
    subscriber: Subscriber,
    *,
    subject: str,
    text: str,
    html: str = "",
    message_id: str = "",
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A mail to `subscriber`: `text` as its text/plain part, `html` (when given) as the
    text/html alternative, From and Reply-To from the settings, a Message-ID (`message_id`, or
    a new one), the unsubscribe headers and any further `headers`. Not sent: the caller sends
    it (`.send()`, or in a batch on one connection)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        reply_to=[settings.DIGEST_MAIL_REPLY_TO] if settings.DIGEST_MAIL_REPLY_TO else None,
        headers={
            "Message-ID": message_id or new_message_id(),
            **unsubscribe_headers(subscriber),
            **(headers or {}),
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message
