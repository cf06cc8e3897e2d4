"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The publication's name, for headers, titles and the feed link."""
    return {"publication": settings.DIGEST_PUBLICATION}
