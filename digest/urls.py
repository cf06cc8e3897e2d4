"""Top-level URLs: the reader site at / and the subscription pages (English under /en/), the
editorial screens at /editorial/, the admin, the one-click unsubscribe."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from editorial.accounts import views as accounts
from editorial.subscribers import views as subscribers
from editorial.views import health, language

urlpatterns = [
    path("editorial/", include("editorial.compose.urls")),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/session/", accounts.session_state, name="session_state"),
    path("accounts/signed-in/", accounts.signed_in, name="signed_in"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/<str:language>/", language.switch_language, name="switch_language"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # The one-click unsubscribe address of every mail (RFC 8058): not language-prefixed.
    path("u/<str:token>/", subscribers.unsubscribe, name="unsubscribe"),
]
# The mail providers' webhooks (bounces, complaints: docs/deploy.md, "Email"), only with a
# secret: without one anymail accepts a post from anyone, who could then suppress readers.
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    urlpatterns.append(path("anymail/", include("anymail.urls")))
# Reader pages carry their interface language in the URL: one document per URL for every
# visitor and every shared cache (editorial.reader.cache).
urlpatterns += i18n_patterns(
    path("", include("editorial.subscribers.urls")),
    path("", include("editorial.reader.urls")),
    prefix_default_language=False,
)
