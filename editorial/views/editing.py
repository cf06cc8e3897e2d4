"""What every composer view shares: the editor check, one view for page and fragment, and the
answers after a change (redirect for a plain form, fragment plus "issue-changed" for htmx)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from editorial import roles
from editorial.guards import Vanished

CHANGED_EVENT = "issue-changed"


def editor_required(view):
    """Editors only: anonymous users go to the login page (htmx: the whole page does),
    logged-in users without the role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                login = redirect_to_login(request.htmx.current_url_abs_path or "/")
                return HttpResponseClientRedirect(login["Location"])
            return redirect_to_login(request.get_full_path())
        if not roles.is_editor(request.user):
            raise PermissionDenied(_("Only editors can compose issues."))
        try:
            return view(request, *args, **kwargs)
        except Vanished as gone:
            return vanished_response(request, gone)

    return wrapper


def vanished_response(request, gone: Vanished):
    """A change to a row someone removed meanwhile: 409 with who removed it in the
    composer's live region, and "issue-changed" so the sections are drawn afresh (htmx); a
    plain post goes back to the composer with the message."""
    from editorial.views.composer import notice_error_response

    if gone.issue is None:
        messages.error(request, gone.message)
        dashboard = reverse("editorial:dashboard")
        if request.htmx:
            return HttpResponseClientRedirect(dashboard)
        return vary_on_htmx(redirect(dashboard))
    response = notice_error_response(request, gone.issue, gone.message, status=409)
    return trigger_client_event(response, CHANGED_EVENT, {"source": "vanished"})


def wants_fragment(request) -> bool:
    """An htmx request asks for a fragment, except a history restore, which needs the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def vary_on_htmx(response):
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def render_view(request, template: str, context: dict, *, partial: str | None, status=200):
    """The full page, or for an htmx request the named partial of the same template."""
    name = f"{template}#{partial}" if partial and wants_fragment(request) else template
    return vary_on_htmx(render(request, name, context, status=status))


def changed(response):
    """Tell the page the issue changed, so its preview (and other panels) reload."""
    return trigger_client_event(response, CHANGED_EVENT, {"source": "composer"})


def redirect_after_post(request, url: str, message: str = "", *, level=messages.SUCCESS):
    """After a plain form post: a message for the next page, and the redirect to it."""
    if message:
        messages.add_message(request, level, message)
    return vary_on_htmx(redirect(url))
