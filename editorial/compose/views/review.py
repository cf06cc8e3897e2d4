"""Review and publishing: the review pages, and every issue and entry transition.

Each transition view checks the role itself (workflow checks it again), calls one workflow
function and answers in kind: a plain POST redirects back with a message; an htmx request gets the
updated fragment (entries) or a page refresh (issues). A refused move changes nothing and says why:
422 bad input, 403 not allowed, 404 gone, 409 not possible in this state (views/htmx.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from editorial import workflow
from editorial.bidi import sentence
from editorial.compose.issue_actions import issue_actions_context
from editorial.compose.review_forms import (
    ApprovalForm,
    CommentForm,
    PublishForm,
    RescheduleForm,
    TransitionCommentForm,
    WithdrawForm,
)
from editorial.compose.selectors import review as selectors
from editorial.compose.selectors.composer import revision_exists
from editorial.htmx import (
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
from editorial.models import Entry, Issue
from editorial.services import comment_add
from editorial.workflow.guards import REFUSALS, get_or_vanished


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
        **issue_actions_context(request, issue, sections=shown, current_section=current),
        # What the page shows (and "approve all remaining" carries): every section, or one.
        "sections": shown,
        "section_nav": sections if current else None,
        "previous_section": previous,
        "next_section": following,
        "counts": counts,
        "has_revision": issue.has_revision,
        **extra,
    }


@reviewer_required
@require_safe
def review_issue(request, year: int, number: int):
    """The entries of one issue with their review controls and comments: all of them, or for
    a large issue one section at a time (?section=<pk>, an unknown one shows the default)."""
    queryset = Issue.objects.annotate(has_revision=revision_exists(), **workflow.submission_facts())
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
        # Drawn again in place: with what the page that posted shows (see views.issue_actions).
        **issue_actions_context(request, issue),
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


def _valid_data(form_class, data) -> dict:
    """The cleaned values of `form_class` bound to `data` ({} without a form); ValidationError
    {field: [messages]} when they are not valid."""
    if form_class is None:
        return {}
    form = form_class(data)
    if not form.is_valid():
        raise _form_error(form)
    return form.cleaned_data


def _issue_transition(role, act, done, *, form=None, name: str, doc: str):
    """A view (POST /issues/<year>/<number>/…) that moves an issue: `role` (a decorator of
    editorial.htmx) checks who may, `form` (a form class, or None) checks what was posted, then
    act(issue, by=user, **cleaned values) runs the workflow function, and the answer says
    done(issue, its result), a str. A refusal changes nothing and draws the issue's actions
    again with its reason (and the publication time typed, if any)."""

    def view(request, year: int, number: int):
        issue = _issue(year, number)
        try:
            result = act(issue, by=request.user, **_valid_data(form, request.POST))
        except REFUSALS as error:
            typed = {"publish_at_value": request.POST["at"]} if "at" in request.POST else None
            return _issue_refused(request, issue, error, form_data=typed)
        return _issue_done(request, issue, done(issue, result))

    view.__name__ = view.__qualname__ = name
    view.__doc__ = doc
    return role(require_POST(view))


def _named(text: str):
    """done() for a transition whose answer names the issue: text has %(issue)s."""
    return lambda issue, result: _(text) % {"issue": issue}


def _published_now(issue: Issue, revision) -> str:
    return _("Published: readers see revision %(n)d of %(issue)s now.") % {
        "n": revision.number,
        "issue": issue,
    }


def _at_time(text: str):
    """done() for a transition that sets a time to come: text has %(when)s, %(tz)s, %(n)d."""

    def done(issue, revision) -> str:
        when = timezone.localtime(revision.published_at)
        return _(text) % {
            "when": when.strftime("%Y-%m-%d %H:%M"),
            "tz": timezone.get_current_timezone_name(),
            "n": revision.number,
        }

    return done


# The messages below are marked with gettext_noop and translated when a view answers, in the
# user's language.
_scheduled = _at_time(
    gettext_noop("Scheduled for %(when)s (%(tz)s): readers see revision %(n)d from then.")
)


def _published(issue: Issue, revision) -> str:
    """Publishing's answer: scheduled for a time to come, or published now."""
    done = _scheduled if revision.published_at > timezone.now() else _published_now
    return done(issue, revision)


issue_submit = _issue_transition(
    editor_required,
    workflow.issue_submit,
    _named(gettext_noop("Submitted for review: %(issue)s.")),
    name="issue_submit",
    doc="Draft → in review; its draft entries and those with changes requested become submitted.",
)
issue_take_back = _issue_transition(
    editor_required,
    workflow.issue_take_back,
    _named(gettext_noop("Taken back to draft: %(issue)s.")),
    name="issue_take_back",
    doc="In review → draft, by the editor who submitted it, before any entry was reviewed.",
)
issue_send_back = _issue_transition(
    reviewer_required,
    workflow.issue_send_back,
    _named(gettext_noop("Sent back to draft: %(issue)s.")),
    form=TransitionCommentForm,
    name="issue_send_back",
    doc="In review → draft, with the comment that says why.",
)
issue_publish = _issue_transition(
    publisher_required,
    workflow.issue_publish,
    _published,
    form=PublishForm,
    name="issue_publish",
    doc="Publish now, or schedule for a future time; a re-publication carries a correction note.",
)
issue_reopen = _issue_transition(
    publisher_required,
    workflow.issue_reopen,
    _named(gettext_noop("Reopened for a correction: %(issue)s.")),
    form=TransitionCommentForm,
    name="issue_reopen",
    doc="Published → draft for a correction; readers keep the published revision meanwhile.",
)
issue_reschedule = _issue_transition(
    publisher_required,
    workflow.issue_reschedule,
    _at_time(gettext_noop("Rescheduled for %(when)s (%(tz)s).")),
    form=RescheduleForm,
    name="issue_reschedule",
    doc="A scheduled issue at another future time.",
)
issue_publish_now = _issue_transition(
    publisher_required,
    workflow.issue_publish_now,
    _published_now,
    name="issue_publish_now",
    doc="A scheduled issue visible to readers from now.",
)
issue_withdraw = _issue_transition(
    publisher_required,
    workflow.issue_withdraw,
    _named(gettext_noop("Withdrawn: %(issue)s is in review again.")),
    form=WithdrawForm,
    name="issue_withdraw",
    doc="A scheduled issue back to review before readers saw it, with an optional comment.",
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


def _entry_fragment(request, entry, *, error=None, status=200, open_form="", moved=False):
    """The entry's review block. After a move of the entry's status (`moved`) on the review
    page (its controls post page=review), the page's counts too, out of band: the only other
    part of that page an entry's move changes (the issue's actions depend on the issue's state
    alone), so the page need not be fetched again."""
    entry = _entry(entry.pk)
    issue = entry.section.issue
    context = {
        "entry": entry,
        "issue": issue,
        "entry_actions": workflow.entry_actions(entry, request.user),
        "comments": selectors.entry_threads([entry])[entry.pk],
        "review_error": error_text(error) if error else "",
        "review_form_open": open_form,
        "next_url": next_url(request, _entry_fallback(entry)),
    }
    if moved and request.POST.get("page") == "review":
        context["counts"] = selectors.entry_counts(selectors.counted_sections(issue))
    response = render(request, "editorial/review/_entry_answer.html", context, status=status)
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


def _entry_done(request, entry, message: str, *, moved=True):
    if request.htmx:
        return _entry_fragment(request, entry, moved=moved)
    messages.success(request, message)
    return vary_on_htmx(redirect(next_url(request, _entry_fallback(entry))))


def _entry_transition(role, act, done: str, *, form=None, form_name: str = "", name: str, doc: str):
    """A view (POST /entries/<pk>/…) that moves an entry's status: `role` checks who may, `form`
    (a form class, or None) checks what was posted, act(entry, by=user, **cleaned values) runs
    the workflow function; the answer is the entry's review block (htmx) or a redirect with
    `done`, a message with %(title)s. A refusal changes nothing and says why, with the form
    `form_name` drawn open again."""

    def view(request, pk: int):
        entry = _entry(pk)
        try:
            act(entry, by=request.user, **_valid_data(form, request.POST))
        except REFUSALS as error:
            return _entry_refused(request, entry, error, open_form=form_name)
        return _entry_done(request, entry, sentence(_(done), title=entry))

    view.__name__ = view.__qualname__ = name
    view.__doc__ = doc
    return role(require_POST(view))


entry_submit = _entry_transition(
    editor_required,
    workflow.entry_submit,
    gettext_noop("Submitted for review: %(title)s."),
    name="entry_submit",
    doc="Draft or changes requested → submitted.",
)
entry_approve = _entry_transition(
    reviewer_required,
    workflow.entry_approve,
    gettext_noop("Approved: %(title)s."),
    # The version the reviewer read: an approval covers that text, not a newer one.
    form=ApprovalForm,
    name="entry_approve",
    doc="Submitted → approved, at the version the reviewer read (not by the entry's author "
    "while four eyes is on).",
)
entry_request_changes = _entry_transition(
    reviewer_required,
    workflow.entry_request_changes,
    gettext_noop("Changes requested: %(title)s."),
    form=TransitionCommentForm,
    form_name="request_changes",
    name="entry_request_changes",
    doc="Submitted or approved → changes requested, with the comment that says what.",
)


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
    return _entry_done(
        request, entry, sentence(_("Comment added: %(title)s."), title=entry), moved=False
    )
