"""Production installs only what runs: requirements.lock has no test or lint tools, the
development lock is the same pins plus those, and only `make serve` / `make
install-production` use the production lock."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TOOLS = {"pytest", "pytest-django", "playwright", "ruff", "hypothesis", "pip-tools", "html5lib"}


def pins(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """{package: (version, its hashes)} of a pip-compile lock file."""
    found, current = {}, None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", line):
            current = match[1].lower()
            found[current] = (match[2], frozenset())
        elif current and (match := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            version, hashes = found[current]
            found[current] = (version, hashes | {match[1]})
    return found


def test_the_production_lock_has_no_test_or_lint_tools():
    production = pins("requirements.lock")
    assert {"django", "gunicorn", "whitenoise", "psycopg", "redis"} <= production.keys()
    assert TOOLS & production.keys() == set()
    assert all(hashes for _, hashes in production.values()), "every pin has its hashes"


def test_the_development_lock_is_the_same_pins_plus_the_tools():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {k: development.get(k) for k in production} == production
    assert {"pytest", "playwright", "ruff", "hypothesis", "pip-tools"} <= development.keys()


def test_only_serve_installs_the_production_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    def prerequisites(target: str) -> list[str]:
        return re.search(rf"^{re.escape(target)}:(.*)$", makefile, re.M)[1].split()

    assert prerequisites("serve") == ["install-production"]
    assert prerequisites("install-production") == ["$(VENV)/.installed-production"]
    assert "-r requirements.lock" in makefile and "-r requirements-dev.lock" in makefile
    assert "install" in prerequisites("test")
    assert prerequisites("migrate") == ["install"]  # `make run` → demo → migrate → install
    assert re.search(r"^\$\(VENV\)/\.installed: requirements-dev\.lock", makefile, re.M)
