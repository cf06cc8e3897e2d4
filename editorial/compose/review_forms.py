"""Forms of the review and publishing screens: comments and the publication time."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import EditorialForm, LimitedText, model_limit
from editorial.models import Comment
from editorial.workflow import PUBLISH_AHEAD_MAX

ID_MAX = 2**63 - 1  # the largest id a BigAutoField column holds
_EMPTY_COMMENT = _("Comment: it cannot be empty.")
_LONG_COMMENT = _("Comment: at most %(limit_value)d characters (this one has %(show_value)d).")


COMMENT_LIMIT = model_limit(Comment, "body")


def _comment_field(**kwargs):
    return LimitedText(
        limit=COMMENT_LIMIT,
        slack=1,
        error_messages={"required": _EMPTY_COMMENT, "max_length": _LONG_COMMENT},
        **kwargs,
    )


# The forms below post their fields' plain names (a view answers several of them), so several
# on one page are told apart by their ids alone (auto_id), one pattern per place they are shown.


class TransitionCommentForm(EditorialForm):
    """The comment that sending back, reopening and requesting changes require (withdrawing
    takes one too, optional)."""

    comment = _comment_field(widget=forms.Textarea(attrs={"rows": 3}))

    SHOWN = {
        # action: (ids, label, required, rows)
        "request_changes": ("request-changes-{pk}-%s", _("What should change? (required)"), True),
        "send_back": ("send-back-%s", _("Why? (required, the editors see it)"), True),
        "reopen": ("reopen-%s", _("What needs correcting? (required)"), True),
        "withdraw": ("withdraw-%s", _("Why? (optional)"), False),
    }

    @classmethod
    def shown(cls, action: str, pk=None):
        """The empty form of `action` as its page shows it (for request_changes: of entry pk)."""
        ids, label, required = cls.SHOWN[action]
        form = cls(auto_id=ids.replace("{pk}", str(pk)))
        field = form.fields["comment"]
        field.label, field.required = label, required
        if not required:
            field.widget.attrs["rows"] = 2
        return form


class WithdrawForm(TransitionCommentForm):
    """Withdrawing a scheduled issue: the comment is optional."""

    comment = _comment_field(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(EditorialForm):
    """A new comment on an entry, or a reply to one of its comments (parent)."""

    body = _comment_field(widget=forms.Textarea(attrs={"rows": 2}))
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )

    @classmethod
    def on_entry(cls, entry_pk):
        """The form that adds a comment to an entry."""
        form = cls(auto_id=f"comment-new-{entry_pk}-%s")
        form.fields["body"].label = _("Comment")
        return form

    @classmethod
    def reply_to(cls, comment_pk):
        """The form that answers a comment, in its thread."""
        form = cls(auto_id=f"reply-{comment_pk}-%s", initial={"parent": comment_pk})
        form.fields["body"].label = _("Your reply")
        return form


class PublishForm(EditorialForm):
    """When to publish (a datetime-local value in the current time zone; empty or past = now)
    and, for a re-publication, the public correction note."""

    at = forms.CharField(
        label=_("Publish at (optional)"),
        required=False,
        max_length=40,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = LimitedText(
        label=_("Public correction note (required)"),
        limit=COMMENT_LIMIT,
        slack=1,
        required=False,
        help_text=_("Readers see this note with the corrected issue."),
        error_messages={"max_length": _("Correction note: at most %(limit_value)d characters.")},
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )

    @classmethod
    def shown(cls, action: str, at: str = ""):
        """The publish form ("publish") or the reschedule form ("reschedule") as the issue's
        actions show it, with `at` (the time typed before a refusal) kept."""
        zone = timezone.get_current_timezone_name()
        form = cls(auto_id=f"{action}-%s", initial={"at": at})
        field = form.fields["at"]
        if action == "reschedule":
            field.label, field.required = _("New time"), True
            field.help_text = _("A time in the future. Time zone: %(tz)s.") % {"tz": zone}
        else:
            field.help_text = _(
                "Leave empty, or give a past time, to publish now; a future time schedules the "
                "issue. Time zone: %(tz)s."
            ) % {"tz": zone}
        return form

    def clean_at(self):
        """None for now (empty or past), else an aware datetime within a year from now
        (workflow.publication_time checks the same bound again)."""
        value = self.cleaned_data["at"].strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_current_timezone())
        except (ValueError, OverflowError):
            raise forms.ValidationError(
                _("Publish at: enter a date and time such as 2026-12-01T09:00."), code="invalid"
            ) from None
        now = timezone.now()
        if moment - now > PUBLISH_AHEAD_MAX:
            raise forms.ValidationError(
                _("Publish at: choose a time within a year from now."), code="too_far"
            )
        return moment if moment > now else None


class RescheduleForm(PublishForm):
    """A scheduled issue's new time: the publish form without the correction note."""

    note = None


class ApprovalForm(forms.Form):
    """The version of the entry the reviewer read, as posted: workflow.entry_approve refuses
    an approval without one (or not a number), or of another version than the entry's."""

    version = forms.CharField(required=False, strip=False)
