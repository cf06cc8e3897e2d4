"""A worker killed in the middle of a mailing (SIGKILL, a subprocess) and a new one started: no
reader is skipped and nothing is sent twice, counted by Message-ID at the SMTP server.

The kill lands at a known point with no sleep: the server holds the Nth message until the test
has killed the worker. Two cases: the server never accepted the held message (the connection
died before its answer), and the server kept it although the worker never heard the 250 — the
one ambiguous case, where the new worker sends it again with the same Message-ID (the choice
explained in editorial/mail/sending.py, `release_stale`)."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from editorial.models import Delivery, DeliveryState, Mailing, MailingState
from tests.support.mail import mailing_ready, subscribe

ROOT = Path(__file__).resolve().parents[2]
READERS = 7
HELD = 4  # the fourth message is held

WORKER = """
import sys
from django.conf import settings

settings.DATABASES["default"]["NAME"] = sys.argv[1]
settings.MAILERS = {"default": {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {"host": "127.0.0.1", "port": int(sys.argv[2]), "timeout": 60},
}}
settings.DIGEST_MAIL_RATE = settings.DIGEST_MAIL_DOMAIN_RATE = 0

import django

django.setup()
from editorial.mail.sending import run_mailing

print(run_mailing(int(sys.argv[3]), batch_size=3), flush=True)
"""


def worker(port: int, mailing: Mailing, settings) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    arguments = [connection.settings_dict["NAME"], str(port), str(mailing.pk)]
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("server_kept_it", [False, True], ids=["not-accepted", "accepted"])
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_restarted_sends_nothing_twice_and_skips_nobody(
    smtp_server, settings, server_kept_it
):
    from tests.support.factories import make_published_issue, make_user

    smtp_server.point_mailers_at(settings)
    reviewer = make_user("reviewer", username="rita")
    reviewer.email = "rita@example.org"
    reviewer.save()
    issue = make_published_issue(2024, 40)
    readers = [subscribe(f"reader{n}@example{n % 3}.com") for n in range(READERS)]
    mailing = mailing_ready(issue, reviewer)
    smtp_server.clear()
    smtp_server.data_count = 0
    smtp_server.hold(HELD, accept=server_kept_it)

    first = worker(smtp_server.port, mailing, settings)
    try:
        while not smtp_server.held.wait(0.2):  # until the Nth message is held; fail fast
            assert first.poll() is None, first.communicate(timeout=5)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    smtp_server.release.set()

    # Where the dead worker left things: three sent and recorded, its second batch claimed.
    states = Counter(Delivery.objects.filter(mailing=mailing).values_list("state", flat=True))
    assert states == {DeliveryState.SENT: 3, DeliveryState.SENDING: 3, DeliveryState.QUEUED: 1}
    # The claims are older than the timeout, as after a restart long enough after the crash.
    Delivery.objects.filter(state=DeliveryState.SENDING).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.DIGEST_MAIL_CLAIM_TIMEOUT + 1)
    )
    smtp_server.hold(0, accept=False)

    second = worker(smtp_server.port, mailing, settings)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.strip() == MailingState.SENT

    ids = Counter(smtp_server.message_ids())
    expected = set(Delivery.objects.filter(mailing=mailing).values_list("message_id", flat=True))
    assert set(ids) == expected  # nobody skipped
    recipients = sorted(r for message in smtp_server.messages for r in message.recipients)
    assert set(recipients) == {reader.email for reader in readers}
    held = Delivery.objects.filter(mailing=mailing).order_by("pk")[HELD - 1]
    if server_kept_it:
        # The one ambiguous message went out again, with the same Message-ID: a receiver that
        # deduplicates keeps one. Every other message once.
        assert ids[held.message_id] == 2
        assert all(count == 1 for mid, count in ids.items() if mid != held.message_id)
    else:
        assert all(count == 1 for count in ids.values())  # nothing twice
    assert Counter(Delivery.objects.values_list("state", flat=True)) == {
        DeliveryState.SENT: READERS
    }
