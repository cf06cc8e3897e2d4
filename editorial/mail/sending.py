"""Sending an issue to its subscribers: once, resumable, at the configured rates.

The steps, each a function here (the send page, the task worker and `manage.py send_newsletter`
all call these, so there is one way to send):

1. `send_test`: the published revision's mail to reviewers; recorded (MailTest), because Send
   is refused for a revision nobody has seen as a mail (`start_mailing`).
2. `start_mailing`: one Mailing and one Delivery per receiving subscriber, in one transaction
   (bulk insert; each delivery has its Message-ID from the start), then the task is enqueued.
3. `run_mailing`: the worker's loop. It claims deliveries with a conditional update
   (queued → sending, with its own claim token and the time), sends each claimed batch over one
   connection, at most DIGEST_MAIL_RATE messages a second and DIGEST_MAIL_DOMAIN_RATE a minute
   per receiving domain, and records every message the moment the server accepted it. Several
   workers may run one mailing at once: a row goes to the worker whose update changed it.
4. `pause_mailing` / `resume_mailing`: a paused mailing's worker stops after its batch.
5. `restart_stalled`: a worker says it is at work (Mailing.heartbeat_at) at least every
   DIGEST_MAIL_HEARTBEAT_SECONDS; a mailing being sent whose worker has been silent for
   DIGEST_MAIL_STALL_SECONDS (the worker was killed: its task stays "running" for ever) is
   enqueued again when its page is looked at, once however many reviewers look.

SMTP answers: 421/451/452 and other 4xx (slow down, try later) put the delivery back with a
doubling delay and lower that domain's rate; 550/551/553 (the address is refused for good) fail
it and suppress the subscriber; other 5xx fail it only (the message, not the address, may be
the problem); a lost connection puts the batch's rest back; a refusal of our login or sender
address pauses the mailing (no reader is to blame). A subscriber who unsubscribed or was
suppressed before their turn is skipped.
"""

import secrets
import smtplib
import time
from collections import defaultdict, deque
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from editorial.canonical.parse import markdown_to_issue
from editorial.models import (
    Delivery,
    DeliveryState,
    Issue,
    IssueStatus,
    Mailing,
    MailingState,
    MailTest,
    Revision,
    Subscriber,
    SubscriberState,
    Suppression,
)
from editorial.outbox import new_message_id, subscriber_message, unsubscribe_url
from editorial.renderings.email import IssueMail, issue_mail
from editorial.roles import REVIEWERS

# Permanent refusals of the address itself (RFC 5321 §4.2.3: mailbox unavailable, user not
# local, mailbox name not allowed): the address is suppressed.
REFUSED_CODES = {550, 551, 553}
# How long the worker sleeps at most before it looks again (pause, new work, a freed rate).
POLL_SECONDS = 5.0
# The token that marks a test mail's unsubscribe link: no subscription has it (tokens are 43
# characters), so the link leads to the page that says the link is unknown.
# Marks the error of the delivery the worker stopped at when the server refused us (paused_because).
STOPPED = "stopped: "
TEST_TOKEN = "test-send"  # noqa: S105 - a marker, not a secret


class SendRefused(Exception):
    """A send that cannot happen now; `str(error)` says why, for the person who asked."""


# The mail


def sendable_revision(issue: Issue) -> Revision:
    """The revision readers see now, the one a mailing sends. SendRefused when the issue is not
    published, or is scheduled for later (the mail's link would not open yet)."""
    if issue.status != IssueStatus.PUBLISHED:
        raise SendRefused(_("Only a published issue can be sent by mail."))
    if issue.is_scheduled:
        raise SendRefused(_("This issue is scheduled: send it once readers can see it."))
    revision = issue.revisions.order_by("-number").first()
    if revision is None:
        raise SendRefused(_("This issue has no published revision."))
    return revision


def render_mail(revision: Revision, language: str, *, correction: bool = False) -> IssueMail:
    """The mail of `revision` in `language` (a code of LANGUAGES), made from its markdown as
    published; a correction's subject says so."""
    data = markdown_to_issue(revision.markdown, publication=settings.DIGEST_PUBLICATION)
    with translation.override(language):
        reason = _("You receive this because you subscribed to %(publication)s at %(site)s.") % {
            "publication": settings.DIGEST_PUBLICATION,
            "site": settings.DIGEST_SITE_URL,
        }
        mail = issue_mail(data, issue_url=revision.issue.get_public_url(), reason=reason)
        if correction:
            subject = _("Correction: %(subject)s") % {"subject": mail.subject}
            mail = IssueMail(subject, mail.text, mail.html, mail.placeholder)
    return mail


def _message(mail: IssueMail, subscriber: Subscriber, message_id: str, subject: str = ""):
    text, html = mail.personal(unsubscribe_url(subscriber))
    message = subscriber_message(
        subscriber, subject=subject or mail.subject, text=text, html=html, message_id=message_id
    )
    # django-anymail sends metadata to the provider, whose tracking events carry it back
    # (receivers.py finds the delivery by it); other backends ignore the attribute.
    message.metadata = {"digest_message_id": message_id}
    return message


# Test send


def reviewer_addresses() -> list[str]:
    """The addresses of the active reviewers (and superusers) that have one, sorted."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.filter(Q(groups__name=REVIEWERS) | Q(is_superuser=True))
    return sorted(set(users.values_list("email", flat=True)))


def send_test(issue: Issue, *, by, addresses: list[str]) -> MailTest:
    """Send the mail of the issue's current revision, in the active language and marked as a
    test, to `addresses`, and record it. SendRefused when the issue cannot be sent, there is no
    address, or the mail server refuses (nothing is recorded then)."""
    revision = sendable_revision(issue)
    if not addresses:
        raise SendRefused(_("There is no address to send the test to: add one to the account."))
    language = translation.get_language() or settings.LANGUAGE_CODE
    mail = render_mail(revision, language)
    subject = _("[Test] %(subject)s") % {"subject": mail.subject}
    messages = [
        _message(mail, Subscriber(email=a, language=language, token=TEST_TOKEN), "", subject)
        for a in addresses
    ]
    try:
        with mailers.default as connection:
            connection.send_messages(messages)
    except (smtplib.SMTPException, OSError, AnymailError, ValueError) as error:
        raise SendRefused(
            _("The test mail could not be sent: %(error)s") % {"error": _describe(error)}
        ) from error
    return MailTest.objects.create(
        issue=issue, revision=revision, sent_by=by, recipients=len(addresses)
    )


# Starting, pausing, resuming


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def start_mailing(issue: Issue, *, by, correction: bool = False, enqueue: bool = True) -> Mailing:
    """Create the mailing of the issue's current revision and one queued delivery per receiving
    subscriber, in one transaction; enqueue the worker once it is committed (`enqueue=False`:
    the caller runs `run_mailing` itself). SendRefused: not sendable, no test send of this
    revision, already sent (the issue; or, for a correction, this revision), or no correction
    to send (the issue was never sent)."""
    revision = sendable_revision(issue)
    if not MailTest.objects.filter(revision=revision).exists():
        raise SendRefused(_("Send a test to the reviewers first: Send opens after it."))
    mailings = issue.mailings.all()
    if correction:
        if not mailings.filter(correction=False).exists():
            raise SendRefused(_("This issue was never sent: send it, not a correction."))
        if mailings.filter(revision=revision).exists():
            raise SendRefused(_("This revision was already sent."))
    elif mailings.filter(correction=False).exists():
        raise SendRefused(
            _("This issue was already sent. A correction is sent only with “Send the correction”.")
        )
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                issue=issue, revision=revision, correction=correction, started_by=by
            )
            Delivery.objects.bulk_create(
                (
                    Delivery(
                        mailing=mailing,
                        subscriber_id=pk,
                        domain=domain_of(email),
                        message_id=new_message_id(),
                    )
                    for pk, email in Subscriber.objects.receiving()
                    .order_by("pk")
                    .values_list("pk", "email")
                    .iterator(chunk_size=2000)
                ),
                batch_size=1000,
            )
            if enqueue:
                transaction.on_commit(lambda: enqueue_mailing(mailing.pk))
    except IntegrityError as error:  # another reviewer's Send won the race
        raise SendRefused(_("This issue was already sent.")) from error
    return mailing


def enqueue_mailing(mailing_id: int) -> None:
    from editorial.mail.tasks import send_mailing

    send_mailing.enqueue(mailing_id)


def pause_mailing(mailing: Mailing) -> bool:
    """Pause a mailing being sent: its worker stops after the batch it holds. False if it was
    not being sent (paused already, or finished)."""
    paused = Mailing.objects.filter(pk=mailing.pk, state=MailingState.SENDING)
    return bool(paused.update(state=MailingState.PAUSED))


def restart_stalled(mailing: Mailing, *, now: datetime | None = None) -> bool:
    """Enqueue a worker again for `mailing` when it is being sent and its worker has said
    nothing for DIGEST_MAIL_STALL_SECONDS. One conditional update decides who enqueues (it
    also counts as the new worker's first word), so two pages polling at once enqueue once.
    True if a worker was enqueued."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.DIGEST_MAIL_STALL_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    taken = Mailing.objects.filter(silent, pk=mailing.pk, state=MailingState.SENDING).update(
        heartbeat_at=now
    )
    if taken:
        enqueue_mailing(mailing.pk)
    return bool(taken)


def resume_mailing(mailing: Mailing, *, enqueue: bool = True) -> bool:
    """Resume a paused mailing and enqueue its worker. False if it was not paused."""
    with transaction.atomic():
        resumed = Mailing.objects.filter(pk=mailing.pk, state=MailingState.PAUSED)
        if not resumed.update(state=MailingState.SENDING):
            return False
        if enqueue:
            transaction.on_commit(lambda: enqueue_mailing(mailing.pk))
    return True


# Progress


@dataclass(frozen=True)
class Progress:
    """How far a mailing is: deliveries by outcome (ints); `left` = queued + being sent."""

    total: int
    sent: int
    failed: int
    skipped: int
    left: int

    @property
    def done(self) -> int:
        return self.total - self.left

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


def progress(mailing: Mailing) -> Progress:
    """The mailing's progress, in one query."""
    counts = dict(
        Delivery.objects.filter(mailing=mailing)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    left = counts.get(DeliveryState.QUEUED, 0) + counts.get(DeliveryState.SENDING, 0)
    return Progress(
        total=sum(counts.values()),
        sent=counts.get(DeliveryState.SENT, 0),
        failed=counts.get(DeliveryState.FAILED, 0),
        skipped=counts.get(DeliveryState.SKIPPED, 0),
        left=left,
    )


def paused_because(mailing: Mailing) -> str:
    """Why the worker paused a mailing by itself (the server refused our login or sender), or
    "" (paused by a reviewer, or not paused). One query."""
    if mailing.state != MailingState.PAUSED:
        return ""
    queued = mailing.deliveries.filter(state=DeliveryState.QUEUED, error__startswith=STOPPED)
    error = queued.order_by("pk").values_list("error", flat=True).first() or ""
    return error.removeprefix(STOPPED)


# The worker


class SystemClock:
    """Wall time for the database, a monotonic clock for the rates, and real sleep."""

    now = staticmethod(timezone.now)
    monotonic = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)


class Pace:
    """The two rates: `rate` messages a second in all, `domain_rate` a minute per receiving
    domain (0: no limit). A domain that answered "try later" gets a lower limit of its own
    (half of what it took in the last minute, at least one a minute)."""

    WINDOW = 60.0  # seconds: the per-domain rate is per minute

    def __init__(self, clock, rate: float, domain_rate: float):
        self.clock = clock
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.domain_rate = domain_rate
        self.lowered: dict[str, float] = {}
        self.recent: dict[str, deque] = defaultdict(deque)
        self.next_at = 0.0

    def _limit(self, domain: str) -> float:
        return self.lowered.get(domain, self.domain_rate)

    def _window(self, domain: str) -> deque:
        times = self.recent[domain]
        horizon = self.clock.monotonic() - self.WINDOW
        while times and times[0] <= horizon:
            times.popleft()
        return times

    def room(self, domain: str) -> float:
        """How many more messages `domain` may get now (inf: no limit)."""
        limit = self._limit(domain)
        return float("inf") if not limit else limit - len(self._window(domain))

    def full_domains(self) -> list[str]:
        return [domain for domain in list(self.recent) if self.room(domain) <= 0]

    def seconds_until_room(self) -> float | None:
        """Seconds until a full domain has room again; None when no domain is full."""
        waits = [
            self._window(domain)[0] + self.WINDOW - self.clock.monotonic()
            for domain in self.full_domains()
        ]
        return max(0.0, min(waits)) if waits else None

    def wait_turn(self) -> None:
        """Sleep until the global rate allows the next message."""
        if self.interval:
            delay = self.next_at - self.clock.monotonic()
            if delay > 0:
                self.clock.sleep(delay)
            self.next_at = max(self.next_at, self.clock.monotonic()) + self.interval

    def sent(self, domain: str) -> None:
        if self._limit(domain):
            self.recent[domain].append(self.clock.monotonic())

    def slow_down(self, domain: str) -> None:
        taken = len(self._window(domain))
        current = self._limit(domain) or max(taken, 2)
        self.lowered[domain] = max(1.0, min(current, max(taken, 2)) / 2)
        # Counted from now on even when the domain had no limit before.
        self.recent[domain].append(self.clock.monotonic())


@dataclass(frozen=True)
class _Outcome:
    permanent: bool  # the delivery fails for good
    suppress: bool  # … and the address is suppressed
    connection_lost: bool  # the batch's other messages go back to the queue
    error: str
    stop: bool = False  # our side is refused (sender, login): the mailing pauses for a person


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _describe(error: Exception) -> str:
    """An error as one line: "451 Try later" for an SMTP answer, else "Type: message"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"{code} {_text(text)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _classify(error: Exception) -> _Outcome:
    text = _describe(error)[:500]
    # The server refuses our login or our sender address for good: every delivery would meet
    # the same answer, and none says anything about the readers' addresses. Nobody is failed
    # or suppressed; the mailing pauses until someone fixes the settings and resumes it.
    if isinstance(error, smtplib.SMTPAuthenticationError) or (
        isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code >= 500
    ):
        return _Outcome(False, False, True, text, stop=True)
    code = None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code = next(iter(error.recipients.values()))[0]
    elif isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
    if code is not None:
        if code >= 500:
            # Only a refusal of the recipient (RCPT TO) is about the address; a 5xx after the
            # data (content, policy) fails this mail but keeps the reader.
            about_address = isinstance(error, smtplib.SMTPRecipientsRefused)
            return _Outcome(True, about_address and code in REFUSED_CODES, False, text)
        # 421: the server closes the connection after saying so.
        return _Outcome(False, False, code == 421, text)
    if isinstance(error, AnymailRecipientsRefused):
        return _Outcome(True, True, False, text)
    if isinstance(error, ValueError):  # an address Django cannot put on the wire
        return _Outcome(True, False, False, text)
    # Lost or refused connection, a provider's API error: try later.
    return _Outcome(False, False, True, text)


class _Run:
    """One worker's run of one mailing."""

    def __init__(self, mailing_id: int, clock, batch_size: int):
        self.mailing_id = mailing_id
        self.clock = clock
        self.batch_size = batch_size
        self.pace = Pace(clock, settings.DIGEST_MAIL_RATE, settings.DIGEST_MAIL_DOMAIN_RATE)
        self.mails: dict[str, IssueMail] = {}  # by language: rendered once per mailing
        self.last_beat: float | None = None  # on the monotonic clock

    def beat(self) -> None:
        """Say this mailing's worker is at work (Mailing.heartbeat_at), at most once every
        DIGEST_MAIL_HEARTBEAT_SECONDS: called between batches and after each message."""
        moment = self.clock.monotonic()
        if (
            self.last_beat is None
            or moment - self.last_beat >= settings.DIGEST_MAIL_HEARTBEAT_SECONDS
        ):
            self.last_beat = moment
            Mailing.objects.filter(pk=self.mailing_id).update(heartbeat_at=self.clock.now())

    def deliveries(self):
        return Delivery.objects.filter(mailing_id=self.mailing_id)

    def release_stale(self, now: datetime) -> int:
        # A delivery left "sending" longer than DIGEST_MAIL_CLAIM_TIMEOUT belongs to a worker
        # that stopped (killed, its machine lost). Every other message of its batch was
        # recorded the moment the server accepted it, so at most one of them is ambiguous: the
        # one in flight, which the server may have accepted (answered 250) just before the
        # worker died and before the row said so. We send all of them again, the ambiguous
        # one with the SAME Message-ID it was made with: marking it failed would ask a person
        # to decide with no more knowledge than we have (the receiving server's log is not
        # ours) and would usually leave a reader without the issue, while a second copy with
        # the same Message-ID is one that receivers which deduplicate (by Message-ID) drop,
        # and that others thread as the same message. At most one possible duplicate per dead
        # worker, never a reader skipped.
        cutoff = now - timedelta(seconds=settings.DIGEST_MAIL_CLAIM_TIMEOUT)
        return (
            self.deliveries()
            .filter(state=DeliveryState.SENDING, claimed_at__lt=cutoff)
            .update(state=DeliveryState.QUEUED, claim="")
        )

    def claim(self, now: datetime) -> list[Delivery]:
        """Up to a batch of due deliveries, within the domains' rates, claimed for this run."""
        due = (
            self.deliveries()
            .filter(state=DeliveryState.QUEUED)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
            .exclude(domain__in=self.pace.full_domains())
            .order_by("pk")
            .values_list("pk", "domain")
        )
        chosen, taken = [], defaultdict(int)
        for pk, domain in due[: self.batch_size * 4]:
            if taken[domain] < self.pace.room(domain):
                taken[domain] += 1
                chosen.append(pk)
                if len(chosen) == self.batch_size:
                    break
        if not chosen:
            return []
        token = secrets.token_hex(16)
        # The conditional update is the claim: a row another worker took meanwhile is no
        # longer queued and is not changed. Works alike on SQLite and PostgreSQL.
        Delivery.objects.filter(pk__in=chosen, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
        )
        mine = Delivery.objects.filter(claim=token, state=DeliveryState.SENDING)
        return list(mine.select_related("subscriber", "mailing__revision__issue").order_by("pk"))

    def mail_for(self, delivery: Delivery) -> IssueMail:
        language = delivery.subscriber.language
        if language not in self.mails:
            mailing = delivery.mailing
            self.mails[language] = render_mail(
                mailing.revision, language, correction=mailing.correction
            )
        return self.mails[language]

    def _mine(self, delivery: Delivery):
        return Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim)

    def put_back(self, deliveries: list[Delivery]) -> None:
        """Claimed but not tried: queued again, the attempt not counted."""
        if deliveries:
            Delivery.objects.filter(
                pk__in=[d.pk for d in deliveries], state=DeliveryState.SENDING
            ).update(state=DeliveryState.QUEUED, claim="", attempts=F("attempts") - 1)

    def retry_later(self, delivery: Delivery, error: str, now: datetime) -> None:
        if delivery.attempts >= settings.DIGEST_MAIL_MAX_ATTEMPTS:
            self._mine(delivery).update(state=DeliveryState.FAILED, error=error)
            return
        delay = settings.DIGEST_MAIL_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
        self._mine(delivery).update(
            state=DeliveryState.QUEUED,
            claim="",
            not_before=now + timedelta(seconds=delay),
            error=error,
        )

    def fail(self, delivery: Delivery, outcome: _Outcome, now: datetime) -> None:
        self._mine(delivery).update(state=DeliveryState.FAILED, error=outcome.error)
        if outcome.suppress:
            Subscriber.objects.filter(pk=delivery.subscriber_id, suppressed_at__isnull=True).update(
                suppressed_at=now, suppression=Suppression.REFUSED
            )

    def stop(self, untried: list[Delivery], error: str) -> None:
        """Pause the mailing: the server refuses us, not a reader. `untried` go back to the
        queue; the first keeps the error, which the page shows."""
        self.put_back(untried)
        Delivery.objects.filter(pk=untried[0].pk).update(error=STOPPED + error)
        Mailing.objects.filter(pk=self.mailing_id, state=MailingState.SENDING).update(
            state=MailingState.PAUSED
        )

    def send_batch(self, batch: list[Delivery]) -> None:
        connection = mailers.default
        try:
            connection.open()
        except (smtplib.SMTPException, OSError, AnymailError) as error:
            if _classify(error).stop:
                self.stop(batch, _describe(error)[:500])
                return
            self.put_back(batch[1:])
            self.retry_later(batch[0], _describe(error)[:500], self.clock.now())
            self.clock.sleep(POLL_SECONDS)
            return
        try:
            for position, delivery in enumerate(batch):
                subscriber = delivery.subscriber
                if subscriber.state != SubscriberState.CONFIRMED or subscriber.suppressed_at:
                    self._mine(delivery).update(state=DeliveryState.SKIPPED)
                    continue
                message = _message(self.mail_for(delivery), subscriber, delivery.message_id)
                self.pace.wait_turn()
                try:
                    connection.send_messages([message])
                except (smtplib.SMTPException, OSError, AnymailError, ValueError) as error:
                    outcome = _classify(error)
                    if outcome.stop:
                        self.stop(batch[position:], outcome.error)
                        return
                    if outcome.permanent:
                        self.fail(delivery, outcome, self.clock.now())
                        continue
                    self.retry_later(delivery, outcome.error, self.clock.now())
                    self.pace.slow_down(delivery.domain)
                    if outcome.connection_lost:
                        self.put_back(batch[position + 1 :])
                        return
                    continue
                self.beat()
                self.pace.sent(delivery.domain)
                status = getattr(message, "anymail_status", None)
                self._mine(delivery).update(
                    state=DeliveryState.SENT,
                    sent_at=self.clock.now(),
                    error="",
                    provider_message_id=(getattr(status, "message_id", None) or "")[:255],
                )
        finally:
            with suppress(smtplib.SMTPException, OSError):  # it hung up first: nothing to close
                connection.close()

    def seconds_until_work(self, now: datetime) -> float | None:
        """None when every delivery has its outcome; else how long to wait before looking."""
        pending = self.deliveries().filter(state__in=[DeliveryState.QUEUED, DeliveryState.SENDING])
        if not pending.exists():
            return None
        waits = [POLL_SECONDS]
        later = pending.filter(state=DeliveryState.QUEUED, not_before__gt=now)
        if first := later.order_by("not_before").values_list("not_before", flat=True).first():
            waits.append((first - now).total_seconds())
        if (room := self.pace.seconds_until_room()) is not None:
            waits.append(room)
        return max(0.01, min(waits))


def run_mailing(mailing_id: int, *, clock=None, on_progress=None, batch_size: int = 0) -> str:
    """Send the mailing's queued deliveries until none is left (the mailing is then "sent"),
    or until it is paused. `on_progress(Progress)` is called after each batch; `clock` (now,
    monotonic, sleep) is the system's unless given. Returns the mailing's state at the end."""
    run = _Run(mailing_id, clock or SystemClock(), batch_size or settings.DIGEST_MAIL_BATCH)
    while True:
        state = Mailing.objects.filter(pk=mailing_id).values_list("state", flat=True).first()
        if state != MailingState.SENDING:
            return state or ""
        run.beat()
        now = run.clock.now()
        run.release_stale(now)
        batch = run.claim(now)
        if batch:
            run.send_batch(batch)
            if on_progress:
                on_progress(progress(Mailing(pk=mailing_id)))
            continue
        wait = run.seconds_until_work(now)
        if wait is None:
            Mailing.objects.filter(pk=mailing_id, state=MailingState.SENDING).update(
                state=MailingState.SENT, finished_at=run.clock.now()
            )
            if on_progress:
                on_progress(progress(Mailing(pk=mailing_id)))
            return MailingState.SENT
        run.clock.sleep(wait)
