"""The account page's form: the email address notices go to, one switch per kind of notice,
and the language of the mails."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from editorial.form_rendering import EditorialForm, model_limit
from editorial.models import NoticeKind, NoticeSettings


class AccountNoticesForm(EditorialForm):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=model_limit(get_user_model(), "email"),
        help_text=_("Notices are mailed here. Leave it empty to receive none by mail."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Mail me when"),
        required=False,
        choices=NoticeKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language of the mails"), choices=settings.LANGUAGES, required=True
    )

    @classmethod
    def initial_for(cls, user, choices: NoticeSettings) -> dict:
        """The form's initial values from the user and their choices (or the defaults)."""
        return {
            "email": user.email,
            "kinds": [kind for kind in NoticeKind.values if choices.mails(kind)],
            "language": choices.language,
        }

    def kinds_off(self) -> list[str]:
        """The kinds left unchecked, in NoticeKind's order."""
        on = set(self.cleaned_data["kinds"])
        return [kind for kind in NoticeKind.values if kind not in on]
