"""Top-level URLs: the reader site at / (English under /en/), the editorial screens at
/editorial/, the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from editorial.views import accounts, health, language

urlpatterns = [
    path("editorial/", include("editorial.urls")),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/<str:language>/", language.switch_language, name="switch_language"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
# Reader pages carry their interface language in the URL: one document per URL for every
# visitor and every shared cache (editorial.reader_cache).
urlpatterns += i18n_patterns(
    path("", include("editorial.urls_reader")),
    prefix_default_language=False,
)
