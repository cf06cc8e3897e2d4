"""The editorial record: every model of the app, one module per part, re-exported here so
that `from editorial.models import Entry` works and Django finds every model."""

from editorial.models.inbox import (
    NOTE_MAX,
    FetchState,
    InboxItem,
    InboxState,
    LinkCheck,
    LinkOutcome,
)
from editorial.models.issues import (
    AuditEvent,
    Comment,
    Entry,
    EntryStatus,
    Issue,
    IssueQuerySet,
    IssueStatus,
    Presence,
    Revision,
    Section,
    readers_see,
)
from editorial.models.mail import (
    Delivery,
    DeliveryState,
    Mailing,
    MailingState,
    MailTest,
    Subscriber,
    SubscriberState,
    Suppression,
)
from editorial.models.notifications import Notice, NoticeKind, NoticeMail, NoticeSettings

__all__ = [
    "AuditEvent",
    "Comment",
    "Delivery",
    "DeliveryState",
    "Entry",
    "EntryStatus",
    "FetchState",
    "InboxItem",
    "InboxState",
    "Issue",
    "IssueQuerySet",
    "IssueStatus",
    "LinkCheck",
    "LinkOutcome",
    "Mailing",
    "MailingState",
    "MailTest",
    "NOTE_MAX",
    "Notice",
    "NoticeKind",
    "NoticeMail",
    "NoticeSettings",
    "Presence",
    "Revision",
    "readers_see",
    "Section",
    "Subscriber",
    "SubscriberState",
    "Suppression",
]
