"""Which addresses a fetch may reach: the host is resolved once, every answer is checked, and
the connection is later made to the checked address only (see transport.py)."""

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings

from editorial.fetching.errors import FetchError

DEFAULT_PORTS = {"http": 80, "https": 443}

# Resolver used for every fetch; tests replace it to play DNS answers.
getaddrinfo = socket.getaddrinfo
# getaddrinfo has no timeout of its own: it runs on these threads and is waited for at most
# the connect timeout (a stuck lookup finishes in the background).
_resolvers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="digest-dns")


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


def resolve_target(scheme: str, host: str, port: int | None) -> Target:
    """Resolve `host` and check every address it has. FetchError("address") if any answer is
    not allowed, FetchError("dns") if the name does not resolve."""
    if scheme not in DEFAULT_PORTS:
        raise FetchError("scheme")
    if not host:
        raise FetchError("invalid")
    port = port or DEFAULT_PORTS[scheme]
    bare = host.strip("[]")
    try:
        literal = ipaddress.ip_address(bare)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        lookup = _resolvers.submit(getaddrinfo, bare, port, type=socket.SOCK_STREAM)
        try:
            answers = lookup.result(timeout=settings.DIGEST_FETCH_CONNECT_TIMEOUT)
        except FutureTimeout:
            raise FetchError("timeout") from None
        except (OSError, UnicodeError):
            raise FetchError("dns") from None
        addresses = list(dict.fromkeys(answer[4][0] for answer in answers))
        if not addresses:
            raise FetchError("dns")
    # One bad answer refuses the host: a name that points inside as well as outside is not a
    # public page, and picking the good answer would let the next resolver call pick the bad.
    if not all(is_allowed_address(address) for address in addresses):
        raise FetchError("address")
    return Target(scheme=scheme, host=bare, port=port, address=addresses[0])
