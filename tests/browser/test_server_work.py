"""Browser tests end only once the live server has served what their pages sent
(tests/support/browser.py, SERVER_WORK). It counts the live server's requests and nothing else:
the test client sends request_finished only when a streamed answer (a static file) is read to
its end, and one such answer left unread, counted, kept every later browser test waiting a full
minute at its end (a CI run over its time)."""

import urllib.request

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started

from tests.support.browser import SERVER_WORK

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_test_client_answer_left_unread_is_not_live_server_work(client):
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200 and response.streaming  # never read here
    assert SERVER_WORK.serving == 0


def test_a_live_server_request_counts_until_it_is_answered(live_server):
    counted = []

    def look(**kwargs):  # connected after SERVER_WORK's receiver: sees its count
        counted.append(SERVER_WORK.serving)

    request_started.connect(look)
    try:
        with urllib.request.urlopen(f"{live_server.url}/static/favicon.svg", timeout=10) as answer:
            assert answer.status == 200
            answer.read()
    finally:
        request_started.disconnect(look)
    SERVER_WORK.wait_until_idle(timeout=10)
    assert counted == [1]
    assert SERVER_WORK.serving == 0


def test_a_request_that_never_ends_fails_one_test_not_every_later_one():
    SERVER_WORK.started(sender=WSGIHandler)  # a request the live server never finishes
    with pytest.raises(AssertionError, match="still serves 1 request"):
        SERVER_WORK.wait_until_idle(timeout=0.1)
    SERVER_WORK.wait_until_idle(timeout=0.1)  # the next test's end does not wait for it
