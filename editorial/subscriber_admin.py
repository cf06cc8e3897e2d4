"""The subscribers in the Django admin (reviewers): the list, its filters and search, the
unsubscribe and suppress actions, and an import that asks each address to confirm.

A subscriber's record is the record of a consent, so nothing of it is edited here: the list is
read, the actions change the state through editorial.services.subscribers, and an import only
asks (each address gets the confirmation mail; nobody is confirmed by it).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from editorial.models.mail import EMAIL_MAX, Subscriber
from editorial.services.subscribers import (
    ConsentSource,
    SubscriptionMail,
    subscribers_end,
    subscribers_suppress,
    subscription_ask,
)

IMPORT_MAX = 1000  # addresses in one import


class SuppressedFilter(admin.SimpleListFilter):
    title = _("suppressed")
    parameter_name = "suppressed"

    def lookups(self, request, model_admin):
        return [("yes", _("Suppressed")), ("no", _("Not suppressed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suppressed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suppressed_at__isnull=True)
        return queryset


class SubscriberImportForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "One address a line (commas, semicolons and spaces separate them too), at most"
            " %(count)s. Each gets the confirmation mail; nobody receives issues before"
            " confirming."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of their mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["addresses"]
        field.help_text = field.help_text % {"count": IMPORT_MAX}  # in the request's language

    def clean_addresses(self) -> list[str]:
        """The distinct addresses, in order. Refuses the whole list, naming each address that
        is not one, so that nothing of a mistyped list is imported."""
        text = self.cleaned_data["addresses"]
        found = [a for a in text.replace(",", " ").replace(";", " ").split() if a]
        if len(found) > IMPORT_MAX:
            raise ValidationError(
                _("At most %(max)s addresses at once; this list has %(count)s."),
                params={"max": IMPORT_MAX, "count": len(found)},
            )
        wrong = []
        for address in found:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
            else:
                if len(address) > EMAIL_MAX:
                    wrong.append(address)
        if wrong:
            raise ValidationError(
                _("Not email addresses, so nothing was imported: %(addresses)s"),
                params={"addresses": ", ".join(wrong[:20])},
            )
        return list(dict.fromkeys(found))


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "state",
        "language",
        "consent_source",
        "created_at",
        "confirmed_at",
        "suppression",
    ]
    list_filter = ["state", SuppressedFilter, "suppression", "language", "consent_source"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    actions = ["unsubscribe_selected", "suppress_selected"]
    change_list_template = "admin/editorial/subscriber/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # A consent record: read, never edited (the actions change the state).
        return [field.name for field in Subscriber._meta.fields]

    def has_add_permission(self, request):
        return False  # addresses come in by the form or the import, both asking to confirm

    @admin.action(description=_("Unsubscribe the selected subscribers"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = subscribers_end(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d subscriber unsubscribed.", "%(count)d subscribers unsubscribed.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Never send to the selected addresses again"), permissions=["change"]
    )
    def suppress_selected(self, request, queryset):
        count = subscribers_suppress(queryset)
        self.message_user(
            request,
            ngettext("%(count)d address suppressed.", "%(count)d addresses suppressed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="editorial_subscriber_import"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"may_import": self.may_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def may_import(self, request) -> bool:
        return request.user.has_perm("editorial.add_subscriber")

    def import_view(self, request):
        """Ask each address of a list to confirm (the confirmation mail). Reviewers."""
        if not self.may_import(request):
            raise PermissionDenied
        form = SubscriberImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            language = form.cleaned_data["language"]
            outcomes = [
                subscription_ask(
                    address, language=language, source=ConsentSource.IMPORT, notify_confirmed=False
                )
                for address in form.cleaned_data["addresses"]
            ]
            sent = outcomes.count(SubscriptionMail.CONFIRMATION)
            skipped = len(outcomes) - sent
            self.message_user(
                request,
                ngettext(
                    "%(sent)d confirmation mail queued",
                    "%(sent)d confirmation mails queued",
                    sent,
                )
                % {"sent": sent}
                + "; "
                + ngettext(
                    "%(skipped)d address skipped (already confirmed, suppressed or mailed in"
                    " the last minutes).",
                    "%(skipped)d addresses skipped (already confirmed, suppressed or mailed"
                    " in the last minutes).",
                    skipped,
                )
                % {"skipped": skipped},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:editorial_subscriber_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import subscribers"),
            "form": form,
        }
        return TemplateResponse(request, "admin/editorial/subscriber/import.html", context)
