"""The optional "draft a summary" button of the entry form: one POST, one draft, shown to the
editor to change; nothing is saved."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial.htmx import editor_required, render_view
from editorial.inbox.fetching import FetchError
from editorial.inbox.forms import posted_entry_url
from editorial.inbox.services.page_reads import editor_page_read
from editorial.inbox.services.summary import SummaryError, draft_summary, summary_enabled


@editor_required
@require_POST
def summary_draft(request):
    """POST url (and draft_for, the entry form's field prefix): the draft (htmx: a fragment
    that the entry form's script puts into the summary field) or the reason there is none.
    404 when summary drafts are not configured."""
    if not summary_enabled():
        raise Http404
    # The entry form posts its fields under its prefix (EntryForm); a plain "url" is read too.
    prefix, url = posted_entry_url(request.POST, "draft_for")
    context = {
        "url": url,
        "target": f"{prefix}-summary" if prefix else "",
        "draft": "",
        "error": "",
        "back": request.headers.get("Referer", ""),
    }
    try:
        with editor_page_read(request.user):
            context["draft"] = draft_summary(url)
    except SummaryError as error:
        context["error"] = error.message
    except FetchError as error:  # the editor's other reads are still running
        context["error"] = _("The page could not be read: %(reason)s.") % {"reason": error.message}
    return render_view(request, "editorial/summary_draft.html", context, partial="result")
