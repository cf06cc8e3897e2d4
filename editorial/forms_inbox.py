"""Forms of the inbox screens; the rules themselves are the services' (services/inbox.py)."""

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import EditorialForm, LimitedText, model_limit
from editorial.forms import ServiceErrorsMixin
from editorial.models_inbox import InboxItem

PASTE_MAX_CHARS = 250_000


class InboxSaveForm(ServiceErrorsMixin, EditorialForm):
    url = LimitedText(
        label=_("URL"),
        limit=model_limit(InboxItem, "url"),
        widget=forms.URLInput(
            attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    title = LimitedText(
        label=_("Title (optional: the page's own is fetched)"),
        limit=model_limit(InboxItem, "title"),
        required=False,
    )
    note = LimitedText(
        label=_("Note"),
        limit=model_limit(InboxItem, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    suggested_section = LimitedText(
        label=_("Suggested section"),
        limit=model_limit(InboxItem, "suggested_section"),
        required=False,
    )


class InboxPasteForm(ServiceErrorsMixin, EditorialForm):
    urls = forms.CharField(
        label=_("Paste links, one per line"),
        max_length=PASTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )


class InboxAddForm(EditorialForm):
    """The section an inbox item goes to; one per card (ids `inbox-add-<item pk>-…`)."""

    section = forms.IntegerField(
        label=_("Section"),
        min_value=1,
        widget=forms.Select(attrs={"data-add-section": True}),
    )

    @classmethod
    def for_item(cls, item, targets):
        """The form of `item`'s card: the sections of `targets` (issues with .sections_list)
        grouped by issue, the suggested section chosen."""
        suggested = [
            section.pk
            for issue in targets
            for section in issue.sections_list
            if section.title == item.suggested_section
        ]
        form = cls(
            auto_id=f"inbox-add-{item.pk}-%s", initial={"section": next(iter(suggested), None)}
        )
        field = form.fields["section"]
        field.label = format_html(
            '{}<span class="visually-hidden"> ({})</span>', _("Add to"), item.title or item.url
        )
        field.widget.choices = [
            (issue.label, [(section.pk, section.title) for section in issue.sections_list])
            for issue in targets
        ]
        return form


class InboxStateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("dismiss", _("Dismiss")),
            ("restore", _("Restore")),
            ("refetch", _("Fetch again")),
        ]
    )
