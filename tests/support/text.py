"""Text helpers: what an editor might type (every Unicode category, markup), publishing."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from hypothesis import strategies as st

from editorial.models import Entry, EntryStatus, IssueStatus, Revision
from editorial.store import revision_contents

# Every character markdown reads as markup, and text that looks like HTML or a reference.
MARKDOWN = [*"\\*_`[]<>&#!|~-+=.:()", "&copy;", "&#169;", "&#x41;", "<br>", "**", "__x__"]


MARKUP = ["<T>", "Pin<T>", "Vec<u8>", "a<b 且 c>d", "`code`", "[a](b)", "<script>", "1. ", "## "]


# The characters no document can carry, white space of every kind, and format characters.
UNCARRIABLE = ["\x00", "\x01", "\x0e", "\x1b", "\x1f", "\x7f", "\x80", "\x9f"]


NONCHARACTERS = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]


WHITE_SPACE = ["\t", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\xa0", "\u2028", "\u3000", "  "]


FORMAT = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad"]


pieces = st.one_of(
    st.sampled_from(MARKDOWN + MARKUP + UNCARRIABLE + NONCHARACTERS + WHITE_SPACE + FORMAT),
    st.text(st.characters(categories=["Cc"]), max_size=2),
    st.text(st.characters(categories=["Cf"]), max_size=2),
    st.text(st.characters(categories=["Co"]), max_size=2),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6),
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=2),
    st.sampled_from(["👩‍💻", "🇨🇳", "e\u0301", "ÄGYPTEN", "ＧＰＵ"]),
    st.text(st.characters(codec="utf-8"), max_size=4),  # any category but surrogates
)


#: What an editor might type into one field (never a lone surrogate: UTF-8 cannot carry one).
typed = st.lists(pieces, min_size=1, max_size=8).map("".join)


def publish(issue):
    """Publish the issue as it stands (every entry approved), readable from a second ago."""
    Entry.objects.filter(section__issue=issue).update(status=EntryStatus.APPROVED)
    issue.status = IssueStatus.PUBLISHED
    issue.published_at = timezone.now() - timedelta(seconds=1)
    issue.save(update_fields=["status", "published_at"])
    last = issue.revisions.count()
    Revision.objects.create(
        issue=issue,
        number=last + 1,
        **revision_contents(issue),
        published_at=issue.published_at,
    )
    cache.clear()
    return issue
