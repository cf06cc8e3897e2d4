"""Why a draft is a draft again: the comment of the send-back or reopen that made it one, shown
where the editor works (the composer, the dashboard), not only in the history."""

from editorial.models import AuditEvent, IssueStatus

RETURNS = ("issue_send_back", "issue_reopen")
_LAST_MOVES = (*RETURNS, "issue_submit", "issue_take_back", "issue_publish", "issue_create")


def return_reasons(issues) -> dict[int, AuditEvent]:
    """{issue id: the send-back or reopen row} for the draft issues among `issues` whose last
    issue-level move was one (resubmitting makes it moot). One query, whatever the number."""
    drafts = [issue.pk for issue in issues if issue.status == IssueStatus.DRAFT]
    if not drafts:
        return {}
    rows = (
        AuditEvent.objects.filter(issue__in=drafts, action__in=_LAST_MOVES)
        .select_related("actor")
        .order_by("issue_id", "-pk")
    )
    reasons, seen = {}, set()
    for row in rows:
        if row.issue_id in seen:
            continue
        seen.add(row.issue_id)
        if row.action in RETURNS:
            reasons[row.issue_id] = row
    return reasons
