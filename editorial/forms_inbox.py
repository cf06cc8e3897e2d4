"""Forms of the inbox screens; the rules themselves are the services' (services/inbox.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from editorial.forms import ServiceErrorsMixin
from editorial.links import MAX_URL_LENGTH
from editorial.models_inbox import NOTE_MAX
from editorial.rules import SECTION_TITLE_MAX, TITLE_MAX

PASTE_MAX_CHARS = 250_000


class NoLabelSuffix:
    """Labels as written, without Django's trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class InboxSaveForm(NoLabelSuffix, ServiceErrorsMixin, forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH * 2,
        widget=forms.URLInput(
            attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    title = forms.CharField(
        label=_("Title (optional: the page's own is fetched)"),
        max_length=TITLE_MAX * 2,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX * 2,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    suggested_section = forms.CharField(
        label=_("Suggested section"), max_length=SECTION_TITLE_MAX * 2, required=False
    )


class InboxPasteForm(NoLabelSuffix, ServiceErrorsMixin, forms.Form):
    urls = forms.CharField(
        label=_("Paste links, one per line"),
        max_length=PASTE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )


class InboxAddForm(forms.Form):
    section = forms.IntegerField(label=_("Section"), min_value=1)


class InboxStateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("dismiss", _("Dismiss")),
            ("restore", _("Restore")),
            ("refetch", _("Fetch again")),
        ]
    )
