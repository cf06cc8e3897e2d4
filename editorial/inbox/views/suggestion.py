"""What the page says, offered under the URL field of the composer's add form: the editor
pastes a URL, the form asks here (htmx, one request in flight per form) and shows the page's
title and description to accept with one key. Nothing is saved here."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial.htmx import editor_required, render_view
from editorial.inbox.fetching import FetchError
from editorial.inbox.forms import posted_entry_url
from editorial.inbox.services.page_reads import editor_page_read
from editorial.inbox.services.suggestion import page_suggestion
from editorial.links import url_key, validate_entry_url
from editorial.rules import form_int
from editorial.selectors.links import same_links_for_url


def _could_be_an_entry_url(url: str) -> bool:
    """`url` could be an entry's (links.validate_entry_url): only such a URL is fetched; the
    form says what is wrong with any other when it is saved."""
    try:
        validate_entry_url(url)
    except ValidationError:
        return False
    return True


@editor_required
@require_POST
def url_suggestion(request):
    """POST suggest_for (the add form's prefix, "add-<section pk>"), its fields (the URL under
    "<prefix>-url", or a plain "url") and issue (the issue's pk, to mark its own entries).

    Answers the "suggestion" fragment of editorial/url_suggestion.html (the page without htmx):
    the page's title and description with the button that puts them in the form; or "Could
    not read the page: <why>" (a refused address or port, a timeout, an error status, not the
    article, ...), always 200; nothing at all for a URL that is not a valid one (the form says
    why on saving). Takes at most the fetcher's deadline (DIGEST_FETCH_TOTAL_TIMEOUT)."""
    prefix, url = posted_entry_url(request.POST, "suggest_for")
    context = {
        "url": url,
        "prefix": prefix,
        "suggestion": None,
        "error": "",
        "same_links": [],
        "current_issue": form_int(request.POST.get("issue")),
    }
    if _could_be_an_entry_url(url):
        try:
            with editor_page_read(request.user):
                suggestion = page_suggestion(url)
        except FetchError as error:
            context["error"] = _("Could not read the page: %(reason)s.") % {"reason": error.message}
        else:
            context["suggestion"] = suggestion
            # The typed link is checked under the field as it is typed; the page's own address
            # (after redirects) can only be known now, and may be a link already used.
            if url_key(suggestion.url) != url_key(url):
                context["same_links"] = same_links_for_url(suggestion.url)
    return render_view(request, "editorial/url_suggestion.html", context, partial="suggestion")
