"""The health check answers for the app and its database."""

from unittest import mock

import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "local"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_database_down(client):
    with mock.patch("editorial.views.health.connection.cursor", side_effect=DatabaseError):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
