"""Admin forms that save through the services: the admin is one more door to the same rules.

Each form runs its service once the model form is valid (in _post_clean, inside the admin's
transaction), so a refusal (bad input, a stale version, a published issue, a missing right)
becomes a form error and nothing is written; ServiceModelAdmin.save_model then only takes the
row the service wrote. A page whose inlines did not validate is rolled back whole, the
service's writes included (editorial.admin.ServiceModelAdmin).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from editorial import services
from editorial.models import Entry, Issue, Section
from editorial.workflow.guards import TransitionError


class ServiceForm(forms.ModelForm):
    """A model form whose save is a service call; the admin sets `request`."""

    request = None
    result = None

    def run_service(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.has_changed() and self.instance.pk:
            return
        try:
            self.result = self.run_service()
        except services.EditConflict as conflict:
            current = conflict.current
            self.add_error(
                None,
                _(
                    "%(who)s saved this entry after you opened it (version %(version)d): "
                    "reload the page to see their text; yours was not saved."
                )
                % {
                    "who": current.updated_by.get_username() if current.updated_by else "?",
                    "version": current.version,
                },
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
            else:
                self.add_error(None, error)
        except (TransitionError, PermissionDenied) as error:
            self.add_error(None, getattr(error, "message", None) or str(error))


class ReadOnlyRowForm(forms.ModelForm):
    """A row of a read-only inline list: it edits nothing, so there is no object to validate.
    (A posted row naming an object of another parent is refused by its id field; validating
    the empty object built for it would report errors of fields the row does not have.)"""

    def _post_clean(self):
        pass


class IssueAddForm(ServiceForm):
    class Meta:
        model = Issue
        fields = ["year", "number"]

    def validate_unique(self):
        pass  # issue_create says it, in the product's words

    def run_service(self):
        data = self.cleaned_data
        return services.issue_create(year=data["year"], number=data["number"], by=self.request.user)


class IssueChangeForm(ServiceForm):
    """An issue's own page edits nothing: year and number are its identity, and its status
    and publication time move only by transitions (the admin's actions)."""

    class Meta:
        model = Issue
        fields = []

    def run_service(self):
        return None  # nothing to change (and with no field, never called: nothing changed)


class SectionForm(ServiceForm):
    class Meta:
        model = Section
        fields = ["issue", "title"]

    def validate_unique(self):
        pass  # the services say it, in the product's words

    def run_service(self):
        title = self.cleaned_data["title"]
        if self.instance.pk:
            return services.section_rename(self.instance, title=title, by=self.request.user)
        return services.section_create(
            self.cleaned_data["issue"], title=title, by=self.request.user
        )


class EntryForm(ServiceForm):
    """Title, URL, summary and source; an edit carries the version it started from."""

    seen_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    class Meta:
        model = Entry
        fields = ["section", "title", "url", "summary", "source_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version
            self.fields["seen_version"].required = True

    def run_service(self):
        data = self.cleaned_data
        text = {name: data[name] for name in ("title", "url", "summary", "source_name")}
        if self.instance.pk:
            stored = Entry.objects.get(pk=self.instance.pk)
            return services.entry_update(
                stored, **text, version=data["seen_version"], by=self.request.user
            )
        return services.entry_create(data["section"], **text, by=self.request.user)
