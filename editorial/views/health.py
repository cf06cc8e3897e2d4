"""Health check for load balancers: the app answers and its database does too; the cache's
state is reported beside it, but a cache that is down does not make the app unhealthy (pages
are rendered without it, editorial.reader.cache_backend)."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    """200 with {"status": "ok", "database": "ok", "cache": "ok" | "down" | "local"} when a
    query succeeds (whatever the cache's state), 503 with "database": "unavailable" otherwise.
    "local": each process's own memory (no REDIS_URL)."""
    state = getattr(cache, "state", None)
    cache_state = state() if state else "local"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "unavailable", "cache": cache_state}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "cache": cache_state})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to the SVG icon."""
    response = HttpResponsePermanentRedirect(static("favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
