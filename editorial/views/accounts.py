"""Log in and log out in the product's own look, with failed logins throttled."""

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST


def client_address(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_HOPS reverse proxies it is the address the
    outermost of them saw, read from the right of X-Forwarded-For (what a client writes on the
    left could be anything)."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _throttle_key(request, username: str) -> str:
    # Per user name and client address: one attacker cannot lock everyone out of one account
    # from elsewhere, and cannot try many passwords from one address either.
    address = client_address(request) if request else ""
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses further attempts for a while after too many failures for one name and address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait %(minutes)d minutes and try again."),
    }

    def clean(self):
        key = _throttle_key(self.request, self.data.get("username", ""))
        window = settings.LOGIN_FAILURE_WINDOW_SECONDS
        if cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, window // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            cache.add(key, 0, timeout=window)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
            raise
        cache.delete(key)
        return cleaned


login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    authentication_form=ThrottledAuthenticationForm,
    redirect_authenticated_user=True,
)
logout_view = require_POST(auth_views.LogoutView.as_view())
