"""Template helpers of the inbox's additions to other screens."""

from django import template

from editorial.inbox.services.summary import summary_enabled

register = template.Library()


@register.simple_tag
def summary_draft_enabled() -> bool:
    """Whether the "draft a summary" button is offered (the endpoint is configured)."""
    return summary_enabled()
