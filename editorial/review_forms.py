"""Forms of the review and publishing screens: comments and the publication time."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.rules import COMMENT_MAX
from editorial.workflow import PUBLISH_AHEAD_MAX

ID_MAX = 2**63 - 1  # the largest id a BigAutoField column holds
_EMPTY_COMMENT = _("Comment: it cannot be empty.")
_LONG_COMMENT = _("Comment: at most %(limit_value)d characters (this one has %(show_value)d).")


def _comment_field(**kwargs):
    return forms.CharField(
        max_length=COMMENT_MAX,
        error_messages={"required": _EMPTY_COMMENT, "max_length": _LONG_COMMENT},
        **kwargs,
    )


class TransitionCommentForm(forms.Form):
    """The comment that sending back, reopening and requesting changes require."""

    comment = _comment_field()


class CommentForm(forms.Form):
    """A new comment on an entry, or a reply to one of its comments (parent)."""

    body = _comment_field()
    parent = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class PublishForm(forms.Form):
    """When to publish (a datetime-local value in the current time zone; empty or past = now)
    and, for a re-publication, the public correction note."""

    at = forms.CharField(required=False, max_length=40)
    note = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        error_messages={"max_length": _("Correction note: at most %(limit_value)d characters.")},
    )

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
