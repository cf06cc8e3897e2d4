"""How many times one client address may ask for a subscription: a counter in Django's cache.

At most DIGEST_SUBSCRIBE_CLIENT_LIMIT asks per DIGEST_SUBSCRIBE_CLIENT_WINDOW seconds from one
address (editorial.clients.client_address), counted in a fixed window that starts with the
first ask. The other limit, one mail per address per DIGEST_SUBSCRIBE_MAIL_INTERVAL, is kept in
the database by editorial.services.subscribers, so that it cannot fail.

When the cache fails (Redis down, full or slow: editorial.reader.cache_backend answers as a
miss), the counter counts nothing and every ask is let through: it fails open. Failing closed
would turn a cache outage into "nobody can subscribe", where the project's rule is that the
cache is an accelerator and never a dependency; and what the limit guards against stays bounded
without it, because no address is mailed more than once per interval whoever asks, and the
per-address limit needs no cache.
"""

import hashlib

from django.conf import settings

from editorial.counters import count_up


def _key(address: str | None) -> str:
    # Hashed: keys stay short and free of ":" and spaces whatever the address looks like.
    digest = hashlib.sha256((address or "-").encode()).hexdigest()[:32]
    return f"subscribers:asks:{digest}"


def client_over_limit(address: str | None) -> bool:
    """Count an ask from `address` (None: the request carried none; such asks share one
    counter) and say whether it is past the limit. False when the cache fails (see above)."""
    count = count_up(_key(address), settings.DIGEST_SUBSCRIBE_CLIENT_WINDOW)
    return count is not None and count > settings.DIGEST_SUBSCRIBE_CLIENT_LIMIT
