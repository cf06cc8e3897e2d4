"""Which addresses a fetch may reach: the host is resolved once, every answer is checked, and
the connection is later made to the checked address only (see transport.py)."""

import ipaddress
import socket
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings

from editorial.inbox.fetching.errors import FetchError

DEFAULT_PORTS = {"http": 80, "https": 443}

# Resolver used for every fetch; tests replace it to play DNS answers (and slow ones).
getaddrinfo = socket.getaddrinfo
# Names looked up at once, at most: each lookup has a thread of its own while it runs.
MAX_LOOKUPS = 32


class Lookups:
    """Host-name lookups that cannot hold a fetch past its timeout, nor starve each other.

    getaddrinfo has no timeout and cannot be cancelled: a name whose DNS server never answers
    holds its thread until the system resolver gives up (tens of seconds). So each lookup runs
    on a daemon thread of its own, and the fetch waiting for it stops waiting at its timeout
    while the thread finishes in the background. What bounds the threads:

    - a name already being looked up is not looked up again: every fetch asking for it waits
      on the one lookup in progress (no second thread);
    - at most `limit` names are looked up at once; one more is refused at once ("dns_busy")
      instead of queueing behind names that may never answer.

    A pool of workers with a queue (the design this replaces) let eight slow names take every
    worker: every other lookup queued behind them and every fetch in the process timed out.
    Here a fast name is never behind a slow one: it gets its own thread while fewer than
    `limit` names are pending.
    """

    def __init__(self, limit: int = MAX_LOOKUPS):
        self.limit = limit
        self._lock = threading.Lock()
        self._pending: dict[str, Future] = {}

    def pending(self) -> int:
        """How many names are being looked up now (= threads running lookups)."""
        with self._lock:
            return len(self._pending)

    def resolve(self, host: str, timeout: float) -> list[str]:
        """The addresses `host` resolves to, in the resolver's order, waiting at most
        `timeout` seconds. FetchError("dns") when the name does not resolve, "dns_timeout"
        when no answer came in time, "dns_busy" when `limit` names are already pending."""
        key = host.lower()
        with self._lock:
            lookup = self._pending.get(key)
            if lookup is None:
                if len(self._pending) >= self.limit:
                    raise FetchError("dns_busy")
                lookup = Future()
                thread = threading.Thread(
                    target=self._look_up, args=(key, host, lookup), name="digest-dns", daemon=True
                )
                try:
                    thread.start()
                except RuntimeError:  # the process cannot start another thread
                    raise FetchError("dns_busy") from None
                self._pending[key] = lookup
        try:
            answers = lookup.result(timeout=max(timeout, 0))
        except FutureTimeout:
            raise FetchError("dns_timeout") from None
        except (OSError, UnicodeError):
            raise FetchError("dns") from None
        addresses = list(dict.fromkeys(answer[4][0] for answer in answers))
        if not addresses:
            raise FetchError("dns")
        return addresses

    def _look_up(self, key: str, host: str, lookup: Future) -> None:
        try:
            answers = getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except Exception as error:  # noqa: BLE001 - handed to every fetch waiting for it
            outcome, failed = error, True
        else:
            outcome, failed = answers, False
        # Out of the table before the answer is given: a fetch asking after this starts a new
        # lookup rather than reading an old answer.
        with self._lock:
            self._pending.pop(key, None)
        if failed:
            lookup.set_exception(outcome)
        else:
            lookup.set_result(outcome)


lookups = Lookups()


@dataclass(frozen=True)
class Target:
    """Where one request goes: `host` as written in the URL (for Host and SNI), `address` the
    checked IP the connection is pinned to."""

    scheme: str
    host: str
    port: int
    address: str


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    found = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in ipaddress.IPv6Network("64:ff9b::/96") or ip in ipaddress.IPv6Network("64:ff9b:1::/48"):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _is_public(ip) -> bool:
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        return all(_is_public(inner) for inner in _embedded_ipv4(ip))
    return True


def is_allowed_address(address: str) -> bool:
    """True for a public IP address, or one listed in DIGEST_FETCH_ALLOWED_ADDRESSES."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    allowed = {ipaddress.ip_address(a) for a in settings.DIGEST_FETCH_ALLOWED_ADDRESSES}
    return ip in allowed or _is_public(ip)


def resolve_target(
    scheme: str, host: str, port: int | None, *, deadline: float | None = None
) -> Target:
    """Resolve `host` and check every address it has. The lookup waits at most
    DIGEST_FETCH_DNS_TIMEOUT seconds, and never past `deadline` (time.monotonic() seconds:
    the whole fetch's). FetchError("port") for a port not in DIGEST_FETCH_ALLOWED_PORTS,
    "address" if any answer is not allowed, "dns" if the name does not resolve, "dns_timeout"
    if it did not in time, "dns_busy" if too many names are being looked up (Lookups),
    "timeout" if the deadline has passed."""
    if scheme not in DEFAULT_PORTS:
        raise FetchError("scheme")
    if not host:
        raise FetchError("invalid")
    port = port or DEFAULT_PORTS[scheme]
    if port not in settings.DIGEST_FETCH_ALLOWED_PORTS:
        raise FetchError("port")
    bare = host.strip("[]")
    try:
        literal = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        wait = settings.DIGEST_FETCH_DNS_TIMEOUT
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FetchError("timeout")
            wait = min(wait, left)
        addresses = lookups.resolve(bare, wait)
    # One bad answer refuses the host: a name that points inside as well as outside is not a
    # public page, and picking the good answer would let the next resolver call pick the bad.
    if not all(is_allowed_address(address) for address in addresses):
        raise FetchError("address")
    return Target(scheme=scheme, host=bare, port=port, address=addresses[0])
