"""Log in and log out in the product's own look; failed logins are throttled by django-axes
(settings AXES_*, keys from editorial.login_names), whose lock-out page is ours too."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_POST

from editorial.login_names import client_address  # noqa: F401 - kept importable from here


def locked_out(request, original_response=None, credentials=None):
    """The lock-out page (429) that django-axes answers with, for both login pages."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    redirect_authenticated_user=True,
)
logout_view = require_POST(auth_views.LogoutView.as_view())
