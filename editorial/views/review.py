"""Review and publishing views (the full versions follow once workflow.py lands)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


review_list = review_issue = _todo
issue_submit = issue_send_back = issue_publish = issue_reopen = issue_approve_remaining = _todo
entry_submit = entry_approve = entry_request_changes = comment_create = _todo
