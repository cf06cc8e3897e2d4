"""The account page's route, in the "editorial" namespace (included by editorial/compose/urls.py
by name, like the inbox's and WeChat's)."""

from django.urls import path

from editorial.mail.notifications import views

urlpatterns = [
    path("account/", views.account, name="account"),
]
