"""The settings' environment: a development `.env` file when there is one, and the one-line
answer to a missing setting.

`make run` writes `.env` (DEBUG=1 and a generated SECRET_KEY, git-ignored) so that the
`manage.py` commands typed by hand in development find the same settings as the server. Values
already in the environment win over the file. DIGEST_ENV_FILE names another file, or none when
empty (the tests and production-like subprocesses set it so).
"""

import os
from pathlib import Path


class MissingSetting(Exception):
    """A setting production cannot run without. manage.py prints the message on one line and
    exits with status 1 (no traceback): the message says what to set."""


def read_env_file(default: Path) -> None:
    """Put the file's `NAME=value` lines into os.environ where the name is not set already.
    Blank lines and `#` comments are skipped; quotes around a value are removed."""
    name = os.environ.get("DIGEST_ENV_FILE")
    path = default if name is None else Path(name) if name else None
    if path is None or not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)
