"""Sending an issue by mail, included by editorial/compose/urls.py inside the "editorial"
namespace (by name, as a string: the doors do not import each other)."""

from django.urls import path

from editorial.mail import views

mail = "issues/<int:year>/<int:number>/mail/"

urlpatterns = [
    path(mail, views.mail_issue, name="mail_issue"),
    path(f"{mail}test/", views.mail_test, name="mail_test"),
    path(f"{mail}send/", views.mail_send, name="mail_send"),
    path(f"{mail}correction/", views.mail_correction, name="mail_correction"),
    path(f"{mail}pause/", views.mail_pause, name="mail_pause"),
    path(f"{mail}resume/", views.mail_resume, name="mail_resume"),
]
