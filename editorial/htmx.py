"""The one htmx protocol of the editorial screens; every editorial view speaks it.

- Role checks: `editor_required`, `reviewer_required`, `publisher_required`. Anonymous users go to
  the login page; for htmx the page stays, with every open form and its text: the answer is a
  401 that says the session ended (`signed_out`, header SESSION_HEADER), and the page offers to
  sign in again in another window (static/js/session.js). A stale CSRF token is answered the same
  way (views/accounts.py csrf_failure). A refused role, a missing object (403, 404) become a
  refusal.
- One view serves the page and its fragment: `render_view(..., partial=...)` answers an htmx
  request (not a history restore) with the named template partial, and every answer varies on
  `HX-Request` (`vary_on_htmx`).
- After a change: a plain form post redirects (`redirect_after_post`); an htmx answer carries the
  fragment and the one "changed" event (`changed`, event `issue-changed`). A page that says
  which version of the issue it shows (header VERSION_HEADER) is told the version its own change
  brought it to, when nobody else changed the issue meanwhile (`own_version`): its live poll
  then has nothing to fetch.
- A change to a row someone removed meanwhile (`guards.Vanished`, raised by the services) is a
  409 naming who removed it, with the "changed" event so the page redraws (`vanished`).
- Refusals (`refuse`): 403 not allowed, 404 gone, 409 not possible now, 422 bad input. For htmx the
  message goes into the page's live region (the composer's or the inbox's notice, else
  `#live-region`); a plain
  post gets it as a message on the page it is sent back to. htmx's `responseHandling` (in
  _base.html) swaps 4xx fragments like any other, so no screen needs its own error script.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django_htmx.http import reswap, retarget, trigger_client_event

from editorial import audit, roles
from editorial.models import AuditEvent
from editorial.workflow.guards import TransitionError, Vanished

CHANGED_EVENT = "issue-changed"
# Says why a background or htmx request was refused for its session, not for what it asked:
# "signed-out" (no session: 401) or "stale-token" (the CSRF token no longer matches: 403). The
# page keeps itself and its forms and asks the person to sign in again (static/js/session.js).
SESSION_HEADER = "X-Digest-Session"
# The issue's version (selectors/live.py) a composer page shows, sent with its requests; an answer
# to a change carries the version the page is at once it applied that change.
VERSION_HEADER = "X-Composer-Version"
# Where an htmx refusal is shown: the page's own notice (composer, inbox) when it has one, else
# the live region every editorial page carries at its end (_base.html). querySelector takes the
# first in the page.
LIVE_REGION = "#composer-notice, #inbox-notice, #live-region"

NOT_ALLOWED = gettext_lazy("You are not allowed to do this.")
SIGNED_OUT = gettext_lazy(
    "You were signed out. Nothing was sent; this page and what you typed are kept. Sign in again,"
    " then press the button again."
)
GONE = gettext_lazy("This is no longer there: someone may have deleted it. Reload the page.")


def wants_fragment(request) -> bool:
    """An htmx request asks for a fragment, except a history restore, which needs the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def vary_on_htmx(response):
    """The same URL answers a page or a fragment: caches must keep them apart."""
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def render_view(request, template: str, context: dict, *, partial: str | None, status=200):
    """The full page, or for an htmx request the named partial of the same template."""
    name = f"{template}#{partial}" if partial and wants_fragment(request) else template
    return vary_on_htmx(render(request, name, context, status=status))


def changed(response, **detail):
    """Tell the page the issue changed (event "issue-changed"), so its panels follow. `detail`
    says what changed; "source": "composer" (the default) means the answer itself carries the
    new fragment, so the page need not reload anything for it."""
    return trigger_client_event(response, CHANGED_EVENT, {"source": "composer", **detail})


def redirect_after_post(request, url: str, message: str = "", *, level=messages.SUCCESS):
    """After a plain form post: a message for the next page, and the redirect to it."""
    if message:
        messages.add_message(request, level, message)
    return vary_on_htmx(redirect(url))


def next_url(request, fallback: str) -> str:
    """The page a plain POST returns to: the form's `next` when it is on this site."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def error_text(error: Exception) -> str:
    """The words of a refusal (TransitionError, ValidationError, PermissionDenied, Http404)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return " ".join(m for texts in error.message_dict.values() for m in texts)
        return " ".join(error.messages)
    if isinstance(error, TransitionError):
        return str(error.message)
    if isinstance(error, Http404):
        return str(GONE)
    return str(error) or str(NOT_ALLOWED)


def error_status(error: Exception) -> int:
    """403 not allowed, 404 gone, 422 bad input, 409 not possible in this state."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, Http404):
        return 404
    if isinstance(error, ValidationError):
        return 422
    return 409


def refuse(request, message: str, *, status: int, fallback_url: str = ""):
    """A refused request, nothing changed. htmx: the message in the page's live region with
    `status`; plain: the message on the page the post came from (or `fallback_url`), or the
    error page when there is none to go back to."""
    if not request.htmx:
        if request.method == "POST" and fallback_url:
            messages.error(request, message)
            return vary_on_htmx(redirect(next_url(request, fallback_url)))
        if status == 403:
            raise PermissionDenied(message)
        if status == 404:
            raise Http404(message)
    response = render(request, "editorial/_refusal.html", {"refusal": message}, status=status)
    response["Cache-Control"] = "no-store"
    retarget(response, LIVE_REGION)
    return vary_on_htmx(reswap(response, "innerHTML"))


def signed_out(request, *, reason: str = "signed-out", message=SIGNED_OUT, status: int = 401):
    """An htmx request that met an ended session (or a stale CSRF token): nothing was done. The
    message goes to the live region like any refusal, SESSION_HEADER says why, and the page
    stays as it is, forms and text included (static/js/session.js offers to sign in again)."""
    response = refuse(request, str(message), status=status)
    response[SESSION_HEADER] = reason
    return response


def vanished(request, gone: Vanished):
    """A change to a row removed meanwhile: 409 with who removed it and when. htmx: in the live
    region, with "issue-changed" (source "vanished") so the page draws the issue afresh; plain:
    back to the issue's composer (or the dashboard) with the message."""
    if not request.htmx:
        fallback = gone.issue.get_composer_url() if gone.issue else reverse("editorial:dashboard")
        messages.error(request, gone.message)
        return vary_on_htmx(redirect(next_url(request, fallback)))
    response = refuse(request, gone.message, status=409)
    return trigger_client_event(response, CHANGED_EVENT, {"source": "vanished"})


def own_version(request, response, written: list[tuple[int, int]]):
    """The answer to a change made from a page at version N (VERSION_HEADER): says the issue's
    new version when the change's own audit rows are all that happened to the issue since N, so
    the page knows it shows it whole. Otherwise (a colleague's change in between, or none of
    ours) nothing is said, and the page's live poll brings the issue as it is."""
    shown = request.headers.get(VERSION_HEADER, "")
    if not written or not shown.isdigit() or not 200 <= response.status_code < 300:
        return response
    issues = {issue_id for _pk, issue_id in written}
    if len(issues) != 1:
        return response
    ours = [pk for pk, _issue in written]
    others = AuditEvent.objects.filter(issue_id=issues.pop(), pk__gt=int(shown)).exclude(
        pk__in=ours
    )
    if not others.exists():
        response[VERSION_HEADER] = str(max(ours))
    return response


def role_required(check, message=NOT_ALLOWED):
    """A view for users passing `check(user)`. Anonymous users go to the login page (for htmx,
    a 401 that keeps the page: `signed_out`); others get 403. For htmx, a 403 or 404 raised by
    the view is a refusal in the live region, not an error page inside a fragment; a history
    restore, which replaces the whole page, gets the error page. An answer to a change says the
    page's new version when it can (`own_version`)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if wants_fragment(request):  # a history restore is a navigation: the page goes
                    return signed_out(request)
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                if wants_fragment(request):  # a history restore needs the page
                    return refuse(request, str(message), status=403)
                raise PermissionDenied(message)
            try:
                with audit.collecting() as written:
                    response = view(request, *args, **kwargs)
                return own_version(request, response, written)
            except Vanished as gone:
                return vanished(request, gone)
            except (PermissionDenied, Http404) as error:
                if not wants_fragment(request):
                    raise
                return refuse(request, error_text(error), status=error_status(error))

        return wrapped

    return decorator


editor_required = role_required(roles.is_editor, gettext_lazy("Only editors can compose issues."))
reviewer_required = role_required(
    roles.is_reviewer, gettext_lazy("Only reviewers can review entries.")
)
publisher_required = role_required(
    roles.can_publish, gettext_lazy("Only reviewers can publish or reopen issues.")
)
