"""Error pages in the product's own look, never a stack trace."""

import pytest
from django.test import Client
from django.urls import path

from tests.support.factories import make_user


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
def test_404_page(client):
    response = client.get("/issues/2024/9999/nothing-here/")
    assert response.status_code == 404
    assert b'<main id="main"' in response.content


@pytest.mark.django_db
def test_403_page_for_a_reader_on_an_editorial_page(client):
    client.force_login(make_user("reader"))
    response = client.get("/editorial/review/")
    assert response.status_code == 403
    assert b'<main id="main"' in response.content


@pytest.mark.urls(__name__)
def test_500_page_has_no_trace(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"RuntimeError" not in response.content
    assert "服务器错误".encode() in response.content
