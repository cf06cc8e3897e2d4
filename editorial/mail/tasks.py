"""The mail door's work outside the request, run by `manage.py db_worker`."""

from django.tasks import task


@task
def send_mailing(mailing_pk: int) -> str:
    """Send a mailing's queued deliveries (editorial.mail.sending.run_mailing); returns the
    mailing's state when it stops: "sent", or "paused"."""
    from editorial.mail.sending import run_mailing

    return run_mailing(mailing_pk)
