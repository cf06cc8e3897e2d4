"""An httpx transport whose connections go to one checked address, whatever DNS says later.

The URL keeps its host name, so the Host header and TLS (SNI and certificate check) are those
of the site; only the TCP connection is made to `Target.address`. Nothing is resolved again
between the check and the connection, so a rebinding DNS answer cannot redirect it.
"""

import functools
import ssl

import httpcore
import httpx

from editorial.fetching.addresses import Target


class PinnedBackend(httpcore.SyncBackend):
    """Connects to the pinned address; refuses any other host (a proxy, a stray redirect)."""

    def __init__(self, target: Target):
        self.target = target

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if host.strip("[]").lower() != self.target.host.lower() or port != self.target.port:
            raise httpcore.ConnectError(f"connection to {host}:{port} was not checked")
        return super().connect_tcp(
            self.target.address, port, timeout, local_address, socket_options
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for every fetch (loading the CA bundle is the slow part)."""
    return httpx.create_ssl_context(trust_env=False)


class PinnedTransport(httpx.HTTPTransport):
    """httpx.HTTPTransport with its connection pool on a PinnedBackend (no proxies)."""

    def __init__(self, target: Target):
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx has no public hook for the network backend: the pool is rebuilt with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            max_keepalive_connections=0,
            network_backend=PinnedBackend(target),
        )
