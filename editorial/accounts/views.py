"""Log in and log out in the product's own look; failed logins are throttled by django-axes
(settings AXES_*, keys from editorial.accounts.login_names), whose lock-out page is ours too.

A session can end while a page is open (signed out in another tab, expired), and signing in
again changes the CSRF token. Pages never lose their forms to that (static/js/session.js): a
request that meets it is refused with a notice (views/htmx.py `signed_out`, `csrf_failure`
here), the person signs in again in another window (`signed_in` tells the page), and the page
reads its new token from `session_state`.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from editorial.htmx import signed_out

STALE_TOKEN = gettext_lazy(
    "Your sign-in changed in another tab, so nothing was sent; this page and what you typed are"
    " kept. Sign in again if asked, then press the button again."
)


def locked_out(request, original_response=None, credentials=None):
    """The lock-out page (429) that django-axes answers with, for both login pages."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    redirect_authenticated_user=True,
)
logout_view = require_POST(auth_views.LogoutView.as_view())


@never_cache
@require_GET
def session_state(request):
    """Who this browser is signed in as, and the CSRF token its pages must send now:
    {"signed_in": bool, "username": str, "csrf_token": str}. A page whose request was refused
    for its session asks this after the person signed in again, and carries on with the token."""
    user = request.user
    return JsonResponse(
        {
            "signed_in": user.is_authenticated and user.is_active,
            "username": user.get_username() if user.is_authenticated else "",
            "csrf_token": get_token(request),
        }
    )


@never_cache
@require_GET
def signed_in(request):
    """Where signing in again from a page's notice ends: it tells the pages left open (they
    carry on) and closes itself when a page opened it."""
    return render(request, "registration/signed_in.html")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. An htmx request with a stale token (the person signed out, or in
    again, in another tab) keeps its page and text: a 403 notice the page acts on
    (static/js/session.js). A plain post gets the 403 page, which says the same in words."""
    if request.headers.get("HX-Request") == "true":
        return signed_out(request, reason="stale-token", message=STALE_TOKEN, status=403)
    return render(request, "403_csrf.html", status=403)
