"""gunicorn on a free loopback port, and wrk against it."""

import http.client
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT

GUNICORN = Path(sys.executable).parent / "gunicorn"
# Requests reach gunicorn as they would from the TLS proxy: over HTTP with this header.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body) of one request, as the proxy would send it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict[str, str], *, log: Path, workers: int | None = None):
    """A gunicorn with digest/gunicorn.conf.py on a free loopback port; yields the port."""
    port = free_port()
    server_env = {**env, "BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
    if workers:
        server_env["WEB_CONCURRENCY"] = str(workers)
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "digest/gunicorn.conf.py", "digest.wsgi"],
            cwd=ROOT,
            env=server_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(port: int, process: subprocess.Popen, log: Path, limit: float = 30.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            status, _, _ = fetch(port, "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {limit} s:\n{log.read_text()}")


# wrk


def ensure_wrk() -> str:
    """The path of wrk; installed from Debian's packages when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    import os

    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            "The reader benchmark needs wrk (Debian package 'wrk'): "
            "run `sudo apt-get install wrk`, then `make bench` again."
        )
    print("installing wrk with apt-get ...", file=sys.stderr)
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet)
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk")


def wrk_version() -> str:
    result = subprocess.run(
        [ensure_wrk(), "-v"], capture_output=True, text=True, check=False, timeout=10
    )
    return (result.stdout + result.stderr).splitlines()[0].split(" [")[0].strip()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(number) * _UNITS[unit], 3)


def run_wrk(
    port: int,
    path: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    headers: dict | None = None,
    warmup: int = 2,
) -> dict:
    """Requests per second and latency percentiles of `path` under wrk, after `warmup`
    seconds of the same load that are not counted (every worker process has loaded its code,
    templates and, if the page cache is on, the page)."""
    if warmup:
        run_wrk(
            port,
            path,
            seconds=warmup,
            connections=connections,
            threads=threads,
            headers=headers,
            warmup=0,
        )
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in {**PROXY_HEADERS, **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "latency_ms": {
            pct: _ms(value)
            for pct, value in re.findall(r"^\s+(50|90|99)%\s+([\d.]+(?:us|ms|s))\s*$", output, re.M)
        },
        "non_2xx_3xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1]),
        "socket_errors": (re.search(r"Socket errors: (.*)", output) or [None, ""])[1],
        "seconds": seconds,
        "connections": connections,
        "threads": threads,
    }
