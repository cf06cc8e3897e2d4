"""The *Send by mail* page of a published issue (reviewers): the test send, Send, the progress
(an htmx poll of the same page's "progress" fragment), pause and resume, and a correction's
sending. Every change is a plain form POST that comes back to the page."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from editorial import roles
from editorial.htmx import redirect_after_post, refuse, render_view, role_required
from editorial.mail import sending
from editorial.mail.forms import MailTestForm
from editorial.models import Issue, Mailing, MailingState, MailTest, Subscriber

sender_required = role_required(
    roles.can_publish, gettext_lazy("Only reviewers can send issues by mail.")
)


def _issue(year: int, number: int) -> Issue:
    return get_object_or_404(Issue, year=year, number=number)


def _page(issue: Issue) -> str:
    return reverse("editorial:mail_issue", args=[issue.year, issue.number])


def _latest_mailing(issue: Issue) -> Mailing | None:
    return issue.mailings.select_related("revision", "started_by").order_by("-pk").first()


def _context(request, issue: Issue, form=None) -> dict:
    mailing = _latest_mailing(issue)
    try:
        revision, not_sendable = sending.sendable_revision(issue), ""
    except sending.SendRefused as refusal:
        revision, not_sendable = None, str(refusal)
    test = (
        MailTest.objects.filter(revision=revision).select_related("sent_by").first()
        if revision
        else None
    )
    sent_before = issue.mailings.filter(correction=False).exists()
    revision_sent = bool(revision) and issue.mailings.filter(revision=revision).exists()
    return {
        "issue": issue,
        "revision": revision,
        "not_sendable": not_sendable,
        "test": test,
        "form": form or MailTestForm(),
        "mailing": mailing,
        "progress": sending.progress(mailing) if mailing else None,
        "paused_because": sending.paused_because(mailing) if mailing else "",
        "can_send": bool(test) and not sent_before,
        "can_send_correction": bool(test) and sent_before and not revision_sent,
        "correction_waits": bool(revision) and sent_before and not revision_sent,
        "receiving": Subscriber.objects.receiving().count() if revision else 0,
    }


@sender_required
@require_safe
def mail_issue(request, year: int, number: int):
    """The page; for htmx (the page's poll while a mailing is sent), its "progress" fragment,
    in seven queries whatever the number of deliveries. Looking at a mailing whose worker was
    killed gives it a worker again (sending.restart_stalled)."""
    issue = _issue(year, number)
    mailing = _latest_mailing(issue)
    if mailing is not None:
        sending.restart_stalled(mailing)
    if request.htmx and not request.htmx.history_restore_request:
        context = {
            "issue": issue,
            "mailing": mailing,
            "progress": sending.progress(mailing) if mailing else None,
            "paused_because": sending.paused_because(mailing) if mailing else "",
        }
        return render_view(request, "mail/send.html", context, partial="progress")
    return render_view(request, "mail/send.html", _context(request, issue), partial=None)


@sender_required
@require_POST
def mail_test(request, year: int, number: int):
    """Send the current revision's mail to the signed-in reviewer ("to": "me") or to every
    reviewer ("reviewers"); 422 for anything else, 409 when it cannot be sent."""
    issue = _issue(year, number)
    form = MailTestForm(request.POST)
    if not form.is_valid():
        return refuse(
            request, _("Choose who gets the test."), status=422, fallback_url=_page(issue)
        )
    if form.cleaned_data["to"] == MailTestForm.ME:
        addresses = [request.user.email] if request.user.email else []
    else:
        addresses = sending.reviewer_addresses()
    try:
        test = sending.send_test(issue, by=request.user, addresses=addresses)
    except sending.SendRefused as refusal:
        return refuse(request, str(refusal), status=409, fallback_url=_page(issue))
    return redirect_after_post(
        request,
        _page(issue),
        _("The test was sent to %(addresses)s.") % {"addresses": ", ".join(addresses)}
        if test.recipients
        else "",
    )


def _start(request, year: int, number: int, *, correction: bool):
    issue = _issue(year, number)
    try:
        mailing = sending.start_mailing(issue, by=request.user, correction=correction)
    except sending.SendRefused as refusal:
        return refuse(request, str(refusal), status=409, fallback_url=_page(issue))
    count = mailing.deliveries.count()
    return redirect_after_post(
        request,
        _page(issue),
        ngettext(
            "Sending to %(count)s subscriber has started.",
            "Sending to %(count)s subscribers has started.",
            count,
        )
        % {"count": count},
    )


@sender_required
@require_POST
def mail_send(request, year: int, number: int):
    """Send the issue to every receiving subscriber (once; after a test send of the revision)."""
    return _start(request, year, number, correction=False)


@sender_required
@require_POST
def mail_correction(request, year: int, number: int):
    """Send the corrected revision of an issue that was sent before, when a reviewer asks."""
    return _start(request, year, number, correction=True)


@sender_required
@require_POST
def mail_pause(request, year: int, number: int):
    """Pause the issue's mailing being sent (409 when none is)."""
    issue = _issue(year, number)
    mailing = _latest_mailing(issue)
    if mailing is None or not sending.pause_mailing(mailing):
        return refuse(
            request, _("No mailing is being sent."), status=409, fallback_url=_page(issue)
        )
    return redirect_after_post(request, _page(issue), _("Sending is paused."))


@sender_required
@require_POST
def mail_resume(request, year: int, number: int):
    """Resume the issue's paused mailing (409 when none is paused)."""
    issue = _issue(year, number)
    mailing = _latest_mailing(issue)
    if mailing is None or mailing.state != MailingState.PAUSED:
        return refuse(request, _("No mailing is paused."), status=409, fallback_url=_page(issue))
    sending.resume_mailing(mailing)
    return redirect_after_post(request, _page(issue), _("Sending goes on."))
