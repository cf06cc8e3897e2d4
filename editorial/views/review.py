"""Review and publishing: the review pages, and every issue and entry transition.

Each transition view checks the role itself (workflow checks it again), calls one workflow
function and answers in kind: a plain POST redirects back with a message; an htmx request gets the
updated fragment (entries) or a page refresh (issues). A refused move changes nothing and says why:
422 bad input, 403 not allowed, 404 gone, 409 not possible in this state (views/htmx.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from editorial import workflow
from editorial.bidi import sentence
from editorial.guards import get_or_vanished
from editorial.models import Entry, Issue
from editorial.review_forms import CommentForm, PublishForm, TransitionCommentForm
from editorial.selectors import review as selectors
from editorial.selectors.editorial import revision_exists
from editorial.services import comment_add
from editorial.views.htmx import (
    changed,
    editor_required,
    error_status,
    error_text,
    next_url,
    publisher_required,
    render_view,
    reviewer_required,
    vary_on_htmx,
)

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
    return render_view(request, "editorial/review/list.html", context, partial="review-list")


# An issue with more entries than this is reviewed one section at a time (?section=<pk>). A
# review row weighs about 1.9 KB in HTML (title, the address in full, summary, author,
# controls), so 120 rows and the page around them stay near 250 KB: one page a phone loads
# and a reviewer reads through in one sitting. Most issues (a few dozen entries) stay whole.
REVIEW_PAGE_ENTRIES = 120


def _shown_section(sections, wanted: str):
    """The section asked for (?section=<pk>, one of this issue's), else the first section
    with entries awaiting review (submitted or changes requested), else the first one."""
    by_pk = {str(section.pk): section for section in sections}
    if wanted in by_pk:
        return by_pk[wanted]
    return next((section for section in sections if section.entries_awaiting), sections[0])


def _review_context(request, issue, **extra):
    """The review page's context, for an issue read with .has_revision (review_issue): every
    section, or for a large issue the one asked for (current_section, with section_nav)."""
    sections = selectors.counted_sections(issue)
    counts = selectors.entry_counts(sections)
    current = previous = following = None
    shown = sections
    if counts["total"] > REVIEW_PAGE_ENTRIES and sections:
        current = _shown_section(sections, request.GET.get("section", ""))
        shown = [current]
        index = sections.index(current)
        previous = sections[index - 1] if index > 0 else None
        following = sections[index + 1] if index + 1 < len(sections) else None
    selectors.review_sections(issue, shown)
    workflow.attach_entry_actions(
        (entry for section in shown for entry in section.entries_list), request.user
    )
    return {
        "issue": issue,
        # What the page shows (and "approve all remaining" carries): every section, or one.
        "sections": shown,
        "section_nav": sections if current else None,
        "current_section": current,
        "previous_section": previous,
        "next_section": following,
        "counts": counts,
        "issue_actions": workflow.issue_actions(issue, request.user),
        "has_revision": issue.has_revision,
        **extra,
    }


@reviewer_required
@require_safe
def review_issue(request, year: int, number: int):
    """The entries of one issue with their review controls and comments: all of them, or for
    a large issue one section at a time (?section=<pk>, an unknown one shows the default)."""
    queryset = Issue.objects.annotate(has_revision=revision_exists())
    issue = get_object_or_404(queryset, year=year, number=number)
    context = _review_context(request, issue)
    return render_view(request, "editorial/review/issue.html", context, partial="review")


# Issue transitions


def _issue_refused(request, issue, error, *, form_data=None):
    text = error_text(error)
    if not request.htmx:
        messages.error(request, text)
        return redirect(next_url(request, issue.get_composer_url()))
    issue.refresh_from_db()
    context = {
        "issue": issue,
        "issue_actions": workflow.issue_actions(issue, request.user),
        "issue_action_error": text,
        "next_url": next_url(request, issue.get_composer_url()),
        **(form_data or {}),
    }
    response = render(request, "editorial/_issue_actions.html", context, status=error_status(error))
    return vary_on_htmx(response)


def _issue_done(request, issue, message: str, level=messages.SUCCESS):
    messages.add_message(request, level, message)
    if request.htmx:
        # The whole page depends on the issue's state: statuses, actions, what may be edited.
        # (No "issue-changed" event too: a panel reloading before the refresh would take the
        # message meant for the refreshed page.)
        return vary_on_htmx(HttpResponseClientRefresh())
    return vary_on_htmx(redirect(next_url(request, issue.get_composer_url())))


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
        message = _published_now(issue, revision)
    return _issue_done(request, issue, message)


def _published_now(issue: Issue, revision) -> str:
    return _("Published: readers see revision %(n)d of %(issue)s now.") % {
        "n": revision.number,
        "issue": issue,
    }


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


@publisher_required
@require_POST
def issue_reschedule(request, year: int, number: int):
    """A scheduled issue at another future time."""
    issue = _issue(year, number)
    form = PublishForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_error(form)
        revision = workflow.issue_reschedule(issue, by=request.user, at=form.cleaned_data["at"])
    except REFUSALS as error:
        return _issue_refused(
            request, issue, error, form_data={"publish_at_value": request.POST.get("at", "")}
        )
    when = timezone.localtime(revision.published_at)
    message = _("Rescheduled for %(when)s (%(tz)s).") % {
        "when": when.strftime("%Y-%m-%d %H:%M"),
        "tz": timezone.get_current_timezone_name(),
    }
    return _issue_done(request, issue, message)


@publisher_required
@require_POST
def issue_publish_now(request, year: int, number: int):
    """A scheduled issue visible to readers from now."""
    issue = _issue(year, number)
    try:
        revision = workflow.issue_publish_now(issue, by=request.user)
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    return _issue_done(request, issue, _published_now(issue, revision))


@publisher_required
@require_POST
def issue_withdraw(request, year: int, number: int):
    """A scheduled issue back to review before readers saw it."""
    issue = _issue(year, number)
    form = TransitionCommentForm(request.POST)
    try:
        comment = form.data.get("comment", "")
        workflow.issue_withdraw(issue, by=request.user, comment=comment)
    except REFUSALS as error:
        return _issue_refused(request, issue, error)
    return _issue_done(
        request, issue, _("Withdrawn: %(issue)s is in review again.") % {"issue": issue}
    )


@reviewer_required
@require_POST
def issue_approve_remaining(request, year: int, number: int):
    """Approve every submitted entry the reviewer may approve (not flagged, text not theirs)
    at the version the page showed (the form's "versions", ENTRY:VERSION each); entries
    changed since are left and named in the answer. A page that showed one section of a large
    issue says which ("section"): the other sections' entries are not part of the request."""
    issue = _issue(year, number)
    try:
        pairs = (value.partition(":") for value in request.POST.getlist("versions"))
        versions = {pk: version for pk, _sep, version in pairs}
        result = workflow.entries_approve_remaining(
            issue,
            by=request.user,
            versions=versions,
            section=request.POST.get("section") or None,
        )
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
        "issue": entry.section.issue,
        "entry_actions": workflow.entry_actions(entry, request.user),
        "comments": selectors.entry_threads([entry])[entry.pk],
        "review_error": error_text(error) if error else "",
        "review_form_open": open_form,
        "next_url": next_url(request, _entry_fallback(entry)),
    }
    response = render(request, "editorial/_entry_review.html", context, status=status)
    if error is None:
        changed(response, source="review")
    return vary_on_htmx(response)


def _entry_fallback(entry) -> str:
    return entry.section.issue.get_composer_url()


def _entry_refused(request, entry, error, *, open_form=""):
    if not request.htmx:
        messages.error(request, error_text(error))
        return redirect(next_url(request, _entry_fallback(entry)))
    return _entry_fragment(
        request, entry, error=error, status=error_status(error), open_form=open_form
    )


def _entry_done(request, entry, message: str):
    if request.htmx:
        return _entry_fragment(request, entry)
    messages.success(request, message)
    return vary_on_htmx(redirect(next_url(request, _entry_fallback(entry))))


@editor_required
@require_POST
def entry_submit(request, pk: int):
    """Draft or changes requested → submitted."""
    entry = _entry(pk)
    try:
        workflow.entry_submit(entry, by=request.user)
    except REFUSALS as error:
        return _entry_refused(request, entry, error)
    return _entry_done(request, entry, sentence(_("Submitted for review: %(title)s."), title=entry))


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
    return _entry_done(request, entry, sentence(_("Approved: %(title)s."), title=entry))


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
    return _entry_done(request, entry, sentence(_("Changes requested: %(title)s."), title=entry))


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
    return _entry_done(request, entry, sentence(_("Comment added: %(title)s."), title=entry))
