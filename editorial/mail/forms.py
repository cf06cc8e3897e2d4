"""The send page's form: who gets the test."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MailTestForm(forms.Form):
    ME = "me"
    REVIEWERS = "reviewers"

    to = forms.ChoiceField(
        label=_("Send the test to"),
        choices=[(ME, _("Me")), (REVIEWERS, _("All reviewers"))],
        initial=ME,
        widget=forms.RadioSelect,
    )
