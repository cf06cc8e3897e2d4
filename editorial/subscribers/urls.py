"""Subscription URLs (namespace "subscribers"), under the reader's language prefix: Chinese
unprefixed, English under /en/. The one-click unsubscribe is top-level (digest/urls.py): its
address is in every mail and never changes with the language."""

from django.urls import path

from editorial.subscribers import views

app_name = "subscribers"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.sent, name="sent"),
    path("subscribe/confirm/<str:signature>/", views.confirm, name="confirm"),
]
