"""The optional "draft a summary" button of the entry form: one POST, one draft, shown to the
editor to change; nothing is saved."""

import re

from django.http import Http404
from django.views.decorators.http import require_POST

from editorial.services.summary import SummaryError, draft_summary, summary_enabled
from editorial.views.htmx import editor_required, render_view

_PREFIX = re.compile(r"^[a-z0-9-]{1,40}$")


@editor_required
@require_POST
def summary_draft(request):
    """POST url (and draft_for, the entry form's field prefix): the draft (htmx: a fragment
    that the entry form's script puts into the summary field) or the reason there is none.
    404 when summary drafts are not configured."""
    if not summary_enabled():
        raise Http404
    prefix = request.POST.get("draft_for", "")
    if not _PREFIX.match(prefix):
        prefix = ""
    # The entry form posts its fields under its prefix (EntryForm); a plain "url" is read too.
    url = (request.POST.get(f"{prefix}-url") or request.POST.get("url") or "").strip()
    context = {
        "url": url,
        "target": f"{prefix}-summary" if prefix else "",
        "draft": "",
        "error": "",
        "back": request.headers.get("Referer", ""),
    }
    try:
        context["draft"] = draft_summary(url)
    except SummaryError as error:
        context["error"] = error.message
    return render_view(request, "editorial/summary_draft.html", context, partial="result")
