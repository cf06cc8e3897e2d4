"""The project's URLs with anymail's webhooks mounted as docs/deploy.md says (digest/urls.py
mounts them only when ANYMAIL_WEBHOOK_SECRET is set in the environment)."""

from django.urls import include, path

from digest.urls import urlpatterns as project_urls

urlpatterns = [*project_urls, path("anymail/", include("anymail.urls"))]
