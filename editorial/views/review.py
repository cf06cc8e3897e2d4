"""Review and publishing: the review pages, and every issue and entry transition.

Each transition view checks the role itself (workflow checks it again), calls one workflow
function and answers in kind: a plain POST redirects back with a message; an htmx request gets the
updated fragment (entries) or a page refresh (issues). A refused move changes nothing and says why:
400 bad input, 403 not allowed, 409 not possible in this state.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseClientRefresh,
)

from editorial import roles, workflow
from editorial.guards import Vanished, get_or_vanished
from editorial.models import Entry, Issue
from editorial.review_forms import CommentForm, PublishForm, TransitionCommentForm
from editorial.selectors import review as selectors
from editorial.services import comment_add

ISSUE_CHANGED = "issue-changed"


def _role_required(check):
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.htmx:
                    # The whole page goes to the login, which then brings the user back to it.
                    login = redirect_to_login(request.htmx.current_url_abs_path or "/")
                    return HttpResponseClientRedirect(login["Location"])
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except Vanished as gone:
                return _vanished(request, gone, kwargs.get("pk"))

        return wrapped

    return decorator


def _vanished(request, gone: Vanished, entry_pk):
    """A move or comment on an entry someone deleted: 409 in the entry's review block (htmx),
    naming who deleted it, or back to the page with the message (plain)."""
    if not request.htmx or entry_pk is None:
        messages.error(request, gone.message)
        fallback = gone.issue.get_composer_url() if gone.issue else reverse("editorial:review_list")
        return _vary(redirect(_next_url(request, fallback)))
    response = HttpResponse(
        format_html(
            '<div class="entry-review" id="entry-review-{}" data-swap-errors>'
            '<div class="entry-review__feedback" role="alert" aria-live="assertive">'
            '<p class="message message--error">{}</p></div></div>',
            entry_pk,
            gone.message,
        ),
        status=409,
    )
    response["X-Digest-Fragment"] = "error"
    response["HX-Trigger"] = ISSUE_CHANGED
    return _vary(response)


editor_required = _role_required(roles.is_editor)
reviewer_required = _role_required(roles.is_reviewer)
publisher_required = _role_required(roles.can_publish)


def _vary(response):
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def _is_fragment_request(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _next_url(request, fallback: str) -> str:
    """The page a plain POST returns to: the form's `next` when it is on this site."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "message_dict"):
            return " ".join(m for messages_ in error.message_dict.values() for m in messages_)
        return " ".join(error.messages)
    if isinstance(error, workflow.TransitionError):
        return str(error.message)
    return str(error) or _("You are not allowed to do this.")


def _error_status(error: Exception) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, ValidationError):
        return 400
    return 409


REFUSALS = (workflow.TransitionError, PermissionDenied, ValidationError)


def _form_error(form) -> ValidationError:
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


def _issue(year: int, number: int) -> Issue:
    return get_object_or_404(Issue, year=year, number=number)


def _entry(pk: int) -> Entry:
    queryset = Entry.objects.select_related("section__issue", "created_by")
    return get_or_vanished(queryset, "entry", pk)


# Review pages


@reviewer_required
@require_safe
def review_list(request):
    """Issues waiting for review with their entries by state, and the scheduled ones."""
    context = {
        "issues": selectors.review_issues(),
        "scheduled": selectors.scheduled_issues(),
    }
    template = "editorial/review/list.html"
    if _is_fragment_request(request):
        template += "#review-list"
    return _vary(render(request, template, context))


def _review_context(request, issue, **extra):
    sections = selectors.review_sections(issue)
    workflow.attach_entry_actions(
        (entry for section in sections for entry in section.entries_list), request.user
    )
    counts = selectors.issue_entry_counts(issue)
    return {
        "issue": issue,
        "sections": sections,
        "counts": counts,
        "issue_actions": workflow.issue_actions(issue, request.user),
        "has_revision": issue.revisions.exists(),
        **extra,
    }


@reviewer_required
@require_safe
def review_issue(request, year: int, number: int):
    """Every entry of one issue with its review controls and comments."""
    issue = _issue(year, number)
    template = "editorial/review/issue.html"
    if _is_fragment_request(request):
        template += "#review"
    return _vary(render(request, template, _review_context(request, issue)))


# Issue transitions


def _issue_refused(request, issue, error, *, form_data=None):
    text = _error_text(error)
    if not request.htmx:
        messages.error(request, text)
        return redirect(_next_url(request, issue.get_composer_url()))
    issue.refresh_from_db()
    context = {
        "issue": issue,
        "issue_actions": workflow.issue_actions(issue, request.user),
        "issue_action_error": text,
        "next_url": _next_url(request, issue.get_composer_url()),
        **(form_data or {}),
    }
    response = render(
        request, "editorial/_issue_actions.html", context, status=_error_status(error)
    )
    response["X-Digest-Fragment"] = "error"
    return _vary(response)


def _issue_done(request, issue, message: str, level=messages.SUCCESS):
    messages.add_message(request, level, message)
    if request.htmx:
        # The whole page depends on the issue's state: statuses, actions, what may be edited.
        # (No "issue-changed" event too: a panel reloading before the refresh would take the
        # message meant for the refreshed page.)
        return _vary(HttpResponseClientRefresh())
    return _vary(redirect(_next_url(request, issue.get_composer_url())))


@editor_required
@require_POST
def issue_submit(request, year: int, number: int):
    """Draft → in review; its draft entries and those with changes requested become submitted."""
    issue = _issue(year, number)
    try:
        workflow.issue_submit(issue, by=request.user)
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    return _issue_done(request, issue, _("Submitted for review: %(issue)s.") % {"issue": issue})


@reviewer_required
@require_POST
def issue_send_back(request, year: int, number: int):
    """In review → draft, with the comment that says why."""
    issue = _issue(year, number)
    form = TransitionCommentForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        workflow.issue_send_back(issue, by=request.user, comment=form.cleaned_data["comment"])
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    return _issue_done(request, issue, _("Sent back to draft: %(issue)s.") % {"issue": issue})


@publisher_required
@require_POST
def issue_publish(request, year: int, number: int):
    """Publish now, or schedule for a future time; a re-publication carries a correction note."""
    issue = _issue(year, number)
    form = PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        revision = workflow.issue_publish(
            issue, by=request.user, at=form.cleaned_data["at"], note=form.cleaned_data["note"]
        )
    except REFUSALS as error:
        return _issue_refused(
            request, issue, error, form_data={"publish_at_value": request.POST.get("at", "")}
        )
    issue.refresh_from_db()
    if issue.is_scheduled:
        when = timezone.localtime(issue.published_at)
        message = _("Scheduled for %(when)s (%(tz)s): readers see revision %(n)d from then.") % {
            "when": when.strftime("%Y-%m-%d %H:%M"),
            "tz": timezone.get_current_timezone_name(),
            "n": revision.number,
        }
    else:
        message = _("Published: readers see revision %(n)d of %(issue)s now.") % {
            "n": revision.number,
            "issue": issue,
        }
    return _issue_done(request, issue, message)


@publisher_required
@require_POST
def issue_reopen(request, year: int, number: int):
    """Published → draft for a correction; readers keep the published revision meanwhile."""
    issue = _issue(year, number)
    form = TransitionCommentForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        workflow.issue_reopen(issue, by=request.user, comment=form.cleaned_data["comment"])
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    return _issue_done(
        request, issue, _("Reopened for a correction: %(issue)s.") % {"issue": issue}
    )


@reviewer_required
@require_POST
def issue_approve_remaining(request, year: int, number: int):
    """Approve every submitted entry the reviewer may approve (not flagged, text not theirs)
    at the version the page showed (the form's "versions", ENTRY:VERSION each); entries
    changed since are left and named in the answer."""
    issue = _issue(year, number)
    try:
        pairs = (value.partition(":") for value in request.POST.getlist("versions"))
        versions = {pk: version for pk, _sep, version in pairs}
        result = workflow.entries_approve_remaining(issue, by=request.user, versions=versions)
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    count = len(result.approved)
    if count:
        message = ngettext("Approved %(count)d entry.", "Approved %(count)d entries.", count) % {
            "count": count
        }
    else:
        message = _("No entry left to approve.")
    if result.changed:
        message += " " + ngettext(
            "Left, because it changed after this page was drawn (read it again): %(titles)s.",
            "Left, because they changed after this page was drawn (read them again): %(titles)s.",
            len(result.changed),
        ) % {"titles": "、".join(f"“{entry.title}”" for entry in result.changed)}
    if result.own:
        message += " " + ngettext(
            "Left for another reviewer, as you wrote or changed its text: %(titles)s.",
            "Left for another reviewer, as you wrote or changed their text: %(titles)s.",
            len(result.own),
        ) % {"titles": "、".join(f"“{entry.title}”" for entry in result.own)}
    level = messages.SUCCESS if count and not result.changed else messages.INFO
    return _issue_done(request, issue, message, level=level)


# Entry transitions and comments


def _entry_fragment(request, entry, *, error=None, status=200, open_form=""):
    entry = _entry(entry.pk)
    context = {
        "entry": entry,
        "entry_actions": workflow.entry_actions(entry, request.user),
        "comments": selectors.entry_threads([entry])[entry.pk],
        "review_error": _error_text(error) if error else "",
        "review_form_open": open_form,
        "next_url": _next_url(request, _entry_fallback(entry)),
    }
    response = render(request, "editorial/_entry_review.html", context, status=status)
    if error is None:
        response["HX-Trigger"] = ISSUE_CHANGED
    else:
        response["X-Digest-Fragment"] = "error"
    return _vary(response)


def _entry_fallback(entry) -> str:
    return entry.section.issue.get_composer_url()


def _entry_refused(request, entry, error, *, open_form=""):
    if not request.htmx:
        messages.error(request, _error_text(error))
        return redirect(_next_url(request, _entry_fallback(entry)))
    return _entry_fragment(
        request, entry, error=error, status=_error_status(error), open_form=open_form
    )


def _entry_done(request, entry, message: str):
    if request.htmx:
        return _entry_fragment(request, entry)
    messages.success(request, message)
    return _vary(redirect(_next_url(request, _entry_fallback(entry))))


@editor_required
@require_POST
def entry_submit(request, pk: int):
    """Draft or changes requested → submitted."""
    entry = _entry(pk)
    try:
        workflow.entry_submit(entry, by=request.user)
    except REFUSALS as error:
        return _entry_refused(request, entry, error)
    return _entry_done(request, entry, _("Submitted for review: %(title)s.") % {"title": entry})


@reviewer_required
@require_POST
def entry_approve(request, pk: int):
    """Submitted → approved (not by the entry's author while four eyes is on)."""
    entry = _entry(pk)
    # The version the reviewer read: an approval covers that text, not a newer one.
    try:
        workflow.entry_approve(entry, by=request.user, version=request.POST.get("version"))
    except REFUSALS as error:
        return _entry_refused(request, entry, error)
    return _entry_done(request, entry, _("Approved: %(title)s.") % {"title": entry})


@reviewer_required
@require_POST
def entry_request_changes(request, pk: int):
    """Submitted or approved → changes requested, with the comment that says what."""
    entry = _entry(pk)
    form = TransitionCommentForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        workflow.entry_request_changes(entry, by=request.user, comment=form.cleaned_data["comment"])
    except REFUSALS as error:
        return _entry_refused(request, entry, error, open_form="request_changes")
    return _entry_done(request, entry, _("Changes requested: %(title)s.") % {"title": entry})


@editor_required
@require_POST
def comment_create(request, pk: int):
    """A comment on an entry, or a reply in one of its threads (parent)."""
    entry = _entry(pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        parent = None
        if form.cleaned_data["parent"]:
            parent = entry.comments.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                raise ValidationError(
                    {"parent": [_("The comment you answered is no longer there.")]}
                )
        comment_add(entry, by=request.user, body=form.cleaned_data["body"], parent=parent)
    except REFUSALS as error:
        return _entry_refused(request, entry, error)
    return _entry_done(request, entry, _("Comment added: %(title)s.") % {"title": entry})
