"""Who is knocking: the client's address, read as an address, the one place it is read.

The login throttle (django-axes, AXES_CLIENT_IP_CALLABLE) counts by it, and the subscription
form limits asks by it and keeps it as where consent came from: a port, brackets or the
IPv4-mapped form do not make one address another, and what is no address is never counted
(or stored) as one.
"""

import ipaddress
import re

from django.conf import settings

# An address as proxies and servers write it: IPv6 in brackets, either with a port after it.
_BRACKETED = re.compile(r"\[([^\]]*)\](?::[0-9]{1,5})?")
_IPV4_WITH_PORT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,3}){3}):[0-9]{1,5}")
# Longer than any way of writing an address ("[IPv6 ending in IPv4%zone]:port"): not one.
ADDRESS_MAX_LENGTH = 100


def normalised_address(value) -> str | None:
    """The IP address written in `value` (a REMOTE_ADDR, or one item of X-Forwarded-For) in
    its one canonical form, or None when it holds none.

    A port is dropped ("203.0.113.5:50001", "[2001:db8::1]:443"), so is an IPv6 zone
    ("fe80::1%eth0"); IPv6 is compressed and lower-case, and an IPv4-mapped IPv6 address
    ("::ffff:203.0.113.5") is the IPv4 address it maps. Anything else ("unknown", markup, an
    empty or overlong value) is None: never stored or counted as an address.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > ADDRESS_MAX_LENGTH:
        return None
    if match := _BRACKETED.fullmatch(text) or _IPV4_WITH_PORT.fullmatch(text):
        text = match[1]
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(request) -> str | None:
    """The visitor's address (normalised_address), or None when the request carries none.

    Behind TRUSTED_PROXY_HOPS reverse proxies it is the address the outermost of them saw,
    read from the right of X-Forwarded-For (what a client writes on the left could be
    anything); when that item is missing or holds no address, the address of the peer
    (REMOTE_ADDR). django-axes counts by it (AXES_CLIENT_IP_CALLABLE) and a subscription keeps
    it, so one address counts once however it is written, and nothing but an address or None
    reaches a GenericIPAddressField.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            address = normalised_address(forwarded[-hops])
            if address is not None:
                return address
    return normalised_address(request.META.get("REMOTE_ADDR"))
