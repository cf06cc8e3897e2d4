"""The notices a person sees on the dashboard: what waits for them, newest first."""

from editorial.models import Notice

WAITING_SHOWN = 8


def recent_notices(user, limit: int = WAITING_SHOWN) -> list[Notice]:
    """The user's `limit` newest notices (whatever became of their mail), with their issue and
    actor: one query."""
    return list(
        Notice.objects.filter(recipient=user)
        .select_related("issue", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )
