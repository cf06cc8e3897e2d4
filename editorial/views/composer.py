"""Composer views (being written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


dashboard = composer = _todo
