"""An httpx transport whose connections go to one checked address, whatever DNS says later,
and never outlive the fetch's deadline.

The URL keeps its host name, so the Host header and TLS (SNI and certificate check) are those
of the site; only the TCP connection is made to `Target.address`. Nothing is resolved again
between the check and the connection, so a rebinding DNS answer cannot redirect it.

httpx's timeouts apply to each read: a server that sends one header line a second never lets
one expire. Every read, write and TLS handshake here waits at most until the deadline instead.
"""

import functools
import ssl
import time

import httpcore
import httpx

from editorial.inbox.fetching.addresses import Target


def _left(deadline: float, timeout: float | None, error: type[Exception]) -> float:
    """Seconds an operation may wait: its own timeout, but never past `deadline`."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the fetch's deadline
    (time.monotonic() seconds)."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self.stream = stream
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _left(self.deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _left(self.deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        wait = _left(self.deadline, timeout, httpcore.ConnectTimeout)
        secured = self.stream.start_tls(ssl_context, server_hostname, wait)
        return DeadlineStream(secured, self.deadline)

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class PinnedBackend(httpcore.SyncBackend):
    """Connects to the pinned address; refuses any other host (a proxy, a stray redirect).
    Its streams end by `deadline` (time.monotonic() seconds; None: no deadline)."""

    def __init__(self, target: Target, deadline: float | None = None):
        self.target = target
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if host.strip("[]").lower() != self.target.host.lower() or port != self.target.port:
            raise httpcore.ConnectError(f"connection to {host}:{port} was not checked")
        if self.deadline is not None:
            timeout = _left(self.deadline, timeout, httpcore.ConnectTimeout)
        stream = super().connect_tcp(
            self.target.address, port, timeout, local_address, socket_options
        )
        return stream if self.deadline is None else DeadlineStream(stream, self.deadline)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for every fetch (loading the CA bundle is the slow part)."""
    return httpx.create_ssl_context(trust_env=False)


class PinnedTransport(httpx.HTTPTransport):
    """httpx.HTTPTransport with its connection pool on a PinnedBackend (no proxies), its
    connections ending by `deadline` (time.monotonic() seconds) when one is given."""

    def __init__(self, target: Target, deadline: float | None = None):
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx has no public hook for the network backend: the pool is rebuilt with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=1,
            max_keepalive_connections=0,
            network_backend=PinnedBackend(target, deadline),
        )
