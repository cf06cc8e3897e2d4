"""The subscription pages: ask, check your mailbox, confirm; and the one-click unsubscribe.

None of them is a reader page: the form and the confirmation carry a CSRF token, so they are
never kept by the reader's shared cache (editorial.reader.cache answers only the reader
namespace) and are `private, no-store` (editorial.middleware.private), each visitor getting
their own token. Their language is in the URL like the reader's (Chinese unprefixed, English
under /en/); the unsubscribe page, which has no prefix, speaks the subscriber's language.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from editorial.clients import client_address
from editorial.models import Subscriber, SubscriberState
from editorial.services.subscribers import (
    CONFIRMATION_VALIDITY,
    ConfirmationLinkError,
    ConsentSource,
    subscriber_from_signature,
    subscription_ask,
    subscription_confirm,
    subscription_end,
)
from editorial.subscribers.forms import SubscribeForm
from editorial.subscribers.throttle import client_over_limit


def _page_context(**extra) -> dict:
    return {
        "days": CONFIRMATION_VALIDITY.days,
        "minutes": max(1, settings.DIGEST_SUBSCRIBE_MAIL_INTERVAL // 60),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The form (and what the feed is). A POST answers the same whatever the address: a
    redirect to "check your mailbox" (303), whether a mail was queued, the address was
    already confirmed, mailed a moment ago or suppressed, or the honeypot was filled; too many
    asks from one client address get 429, and an invalid address the form again. Nothing is
    stored for an ask that is refused."""
    if request.method != "POST":
        return render(request, "subscribers/subscribe.html", _page_context(form=SubscribeForm()))
    if client_over_limit(client_address(request)):
        return render(request, "subscribers/too_many.html", _page_context(), status=429)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "subscribers/subscribe.html", _page_context(form=form), status=422)
    if not form.is_robot():
        subscription_ask(
            form.cleaned_data["email"],
            language=translation.get_language(),
            source=ConsentSource.FORM,
        )
    return HttpResponseRedirect(reverse("subscribers:sent"), status=303)


@require_http_methods(["GET", "HEAD"])
def sent(request):
    """Check your mailbox: the same page for every ask."""
    return render(request, "subscribers/sent.html", _page_context())


def _link_problem(request, error: ConfirmationLinkError):
    template = "subscribers/link_expired.html" if error.expired else "subscribers/link_invalid.html"
    return render(request, template, _page_context(), status=410 if error.expired else 404)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, signature: str):
    """The confirmation link of the mail: GET shows one button (mail scanners open links, so
    opening it confirms nothing), its POST (with the page's CSRF token) confirms, keeping when
    and from which address. An expired link (7 days) is 410 and a forged one 404, each saying
    what to do, and nothing changes."""
    try:
        subscriber = subscriber_from_signature(signature)
        if request.method == "POST":
            subscription_confirm(subscriber, client_address=client_address(request))
            subscriber.refresh_from_db()
    except ConfirmationLinkError as error:
        return _link_problem(request, error)
    confirmed = subscriber.state == SubscriberState.CONFIRMED
    template = "subscribers/confirmed.html" if confirmed else "subscribers/confirm.html"
    return render(request, template, _page_context(subscriber=subscriber))


def _unsubscribe_language(request, subscriber: Subscriber | None) -> str:
    """The language the visitor chose with the switch (its cookie), else the subscriber's."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:  # not one of LANGUAGES: as if none was chosen
            pass
    return subscriber.language if subscriber else translation.get_language()


# The one view without CSRF protection, by RFC 8058: a mail client's "Unsubscribe" button POSTs
# `List-Unsubscribe=One-Click` to the List-Unsubscribe address with no cookie and no token, and
# must succeed at once. Nothing is at risk: the token in the URL is the only authority, a forged
# request needs it, and all it can do is end that one subscription (which any holder of the
# mail may do anyway).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe (RFC 8058). POST unsubscribes at once and answers 200, every time
    (repeating it changes nothing more), whatever its body: the RFC's `List-Unsubscribe=One-Click`,
    the page's own button, or a client that sends none. GET shows the page with one button
    (never unsubscribes: mail scanners open links). An unknown token: 404 with words, nothing
    changed."""
    subscriber = Subscriber.objects.filter(token=token).first() if len(token) <= 64 else None
    language = _unsubscribe_language(request, subscriber)
    with translation.override(language):
        if subscriber is None:
            response = render(request, "subscribers/unsubscribe_unknown.html", status=404)
        else:
            if request.method == "POST":
                subscription_end(subscriber)
                subscriber.refresh_from_db()
            response = render(request, "subscribers/unsubscribe.html", {"subscriber": subscriber})
    response["Content-Language"] = language
    return response
