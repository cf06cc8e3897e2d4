"""The subscription form: an address, and a field only robots fill in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import EditorialForm, model_limit
from editorial.models import Subscriber


class SubscribeForm(EditorialForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=model_limit(Subscriber, "email"),
        help_text=_("We send one mail to confirm; issues come only after you confirm."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    # The honeypot: hidden from people (the template puts it in a `hidden` block, so neither
    # eyes, the keyboard nor screen readers reach it); robots that fill every field fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        """Whether the honeypot was filled (call after is_valid())."""
        return bool(self.cleaned_data.get("website"))
