"""Reader views (being written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


latest = archive = issue_detail = search = feed = _todo
