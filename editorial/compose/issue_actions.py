"""The issue's actions block (_issue_actions.html): its context, built here for every view that
draws it (the review page, the composer, a refused issue transition), so that none can forget
what the block carries.

The block carries what its page shows: the ENTRY:VERSION of every entry on the page (and, for a
section page of a large issue, that section), which "approve all remaining" approves and nothing
newer (an approval covers the text it saw). A page draws it from the entries it shows; a redraw
(a refusal) echoes what the page posted, since the page's entries are the same as before: the
versions in the database may have moved on meanwhile, unread.
"""

from editorial import workflow
from editorial.compose.review_forms import ID_MAX
from editorial.models import Issue, Section
from editorial.rules import form_int


def shown_versions(sections) -> list[str]:
    """ENTRY:VERSION of every entry of these sections (each with .entries_list), in page order."""
    return [f"{entry.pk}:{entry.version}" for section in sections for entry in section.entries_list]


def _number(value: str) -> int | None:
    """An id or a version as a form carries it (within a bigint), else None."""
    return form_int(value, low=0, high=ID_MAX)


def _posted_versions(request) -> list[str]:
    """The well-formed pairs the page posted, each once, in the page's order."""
    pairs = {}
    for value in request.POST.getlist("versions"):
        pk, _sep, version = value.partition(":")
        pk, version = _number(pk), _number(version)
        if pk is not None and version is not None:
            pairs[f"{pk}:{version}"] = None
    return list(pairs)


def _posted_section(request, issue: Issue) -> Section | None:
    """The section the page showed alone (its "section" input), if it is one of the issue's."""
    pk = _number(request.POST.get("section", ""))
    return None if pk is None else Section.objects.filter(issue=issue, pk=pk).first()


def issue_actions_context(request, issue: Issue, *, sections=None, current_section=None) -> dict:
    """The block's context: issue, issue_actions (workflow.issue_actions), shown_versions
    (ENTRY:VERSION strings) and current_section (a Section or None).

    `sections` (each with .entries_list) and `current_section`: what the page being drawn
    shows. Without `sections`, a redraw: both as the page posted them ("versions", "section":
    the block's forms post them all, see _issue_actions.html)."""
    if sections is None:
        versions = _posted_versions(request)
        current_section = _posted_section(request, issue)
    else:
        versions = shown_versions(sections)
    return {
        "issue": issue,
        "issue_actions": workflow.issue_actions(issue, request.user),
        "shown_versions": versions,
        "current_section": current_section,
    }
