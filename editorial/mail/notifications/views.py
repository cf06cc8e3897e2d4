"""The account page (/editorial/account/, editors and reviewers): the email address notices
go to, which kinds are mailed, and in which language."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from editorial.htmx import editor_required, redirect_after_post, render_view
from editorial.mail.notifications.forms import AccountNoticesForm
from editorial.mail.notifications.sending import notice_settings
from editorial.models import NoticeSettings


@editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    """GET: the form with the user's choices. POST: save them (address, kinds, language) in
    one transaction, then back here with a notice; an invalid form is shown again with its
    errors and changes nothing."""
    user = request.user
    choices = notice_settings(user)
    status = 200
    if request.method == "POST":
        form = AccountNoticesForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                user.email = form.cleaned_data["email"]
                user.save(update_fields=["email"])
                NoticeSettings.objects.update_or_create(
                    user=user,
                    defaults={
                        "kinds_off": form.kinds_off(),
                        "language": form.cleaned_data["language"],
                    },
                )
            return redirect_after_post(
                request, reverse("editorial:account"), _("Your notification settings are saved.")
            )
        status = 422 if request.htmx else 200
    else:
        form = AccountNoticesForm(initial=AccountNoticesForm.initial_for(user, choices))
    context = {"form": form, "has_address": bool(user.email)}
    return render_view(request, "editorial/account.html", context, partial=None, status=status)
