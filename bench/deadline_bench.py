"""The fetch's deadline against servers that drip: how long a fetch takes, against the deadline
configured, when a server sends one header line a second, or its headers at once and then one
byte of body a second, for a minute (longer than any deadline); and when DNS never answers.

Run by bench/run.py in its own process with the production settings (DIGEST_FETCH_TOTAL_TIMEOUT
and DIGEST_FETCH_DNS_TIMEOUT at their defaults unless the environment sets them). The servers
listen on loopback (DIGEST_FETCH_ALLOWED_ADDRESSES lets the fetch reach them); the slow DNS is
a resolver that never answers, put in place of the real one (addresses.getaddrinfo), as the
tests do. Each case is fetched ROUNDS times, one after the other.
"""

import socket
import threading
import time

from bench.common import LoopbackServer, emit, setup_django

ROUNDS = 2
DRIP_SECONDS = 60  # how long a server would go on dripping if the fetch let it


def drip(handler, release) -> None:
    """/headers: a status line, then one header line a second. /body: the headers at once,
    then one byte of body a second. Both stop when released (at the end of the bench)."""
    try:
        if handler.path == "/headers":
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            for n in range(DRIP_SECONDS):
                handler.wfile.flush()
                if release.wait(1):
                    return
                handler.wfile.write(b"X-Drip-%d: 1\r\n" % n)
        else:
            handler.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Content-Length: %d\r\n\r\n" % DRIP_SECONDS
            )
            for _ in range(DRIP_SECONDS):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                if release.wait(1):
                    return
    except OSError:
        return  # the fetch hung up at its deadline


def timed_failure(url: str) -> tuple[float, str]:
    """(seconds the fetch took, its failure code)."""
    from editorial.inbox.fetching import FetchError, fetch_page

    started = time.monotonic()
    try:
        fetch_page(url)
    except FetchError as error:
        return time.monotonic() - started, error.code
    raise AssertionError(f"{url} was fetched: the drip was not cut off")


def case(label: str, url: str, configured: float) -> dict:
    runs = [timed_failure(url) for _ in range(ROUNDS)]
    worst = max(seconds for seconds, _code in runs)
    return {
        "case": label,
        "configured_s": configured,
        "measured_s": [round(seconds, 2) for seconds, _code in runs],
        "ratio": round(worst / configured, 3),
        "codes": sorted({code for _seconds, code in runs}),
    }


def main():
    setup_django()
    from django.conf import settings

    from editorial.inbox.fetching import addresses

    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.DIGEST_FETCH_ALLOWED_PORTS = range(1, 65536)  # the drip server's free port
    total, dns = settings.DIGEST_FETCH_TOTAL_TIMEOUT, settings.DIGEST_FETCH_DNS_TIMEOUT
    server = LoopbackServer(drip)
    silent = threading.Event()

    def never_answers(*args, **kwargs):
        silent.wait(DRIP_SECONDS)
        raise socket.gaierror("no answer")

    try:
        cases = [
            case("headers: one line a second", server.url("/headers"), total),
            case("body: one byte a second", server.url("/body"), total),
        ]
        addresses.getaddrinfo = never_answers
        cases.append(case("DNS: no answer", "http://never-answers.example/", dns))
    finally:
        silent.set()
        server.stop()
    emit({"rounds": ROUNDS, "total_timeout_s": total, "dns_timeout_s": dns, "cases": cases})


if __name__ == "__main__":
    main()
