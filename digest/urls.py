"""Top-level URLs: the reader site at /, the editorial screens at /editorial/, the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from editorial.views import accounts, health

urlpatterns = [
    path("", include("editorial.urls_reader")),
    path("editorial/", include("editorial.urls")),
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
