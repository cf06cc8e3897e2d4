"""The settings' environment: the development .env that `make run` writes is read by every
manage.py command, and a missing setting outside development is one line, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "digest.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_secret_key_is_one_line_and_status_1():
    result = manage("check", DIGEST_ENV_FILE="")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "digest: SECRET_KEY is not set: set it in the environment (or DEBUG=1 for development;"
        " `make run` writes a development .env)."
    ]
    assert "Traceback" not in result.stderr


def test_the_development_env_file_is_read(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# written by make run\nDEBUG=1\nSECRET_KEY='from-the-file'\n\n", encoding="utf-8"
    )
    result = manage("shell", "--no-imports", "-c", PRINT, DIGEST_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "from-the-file"]


def test_the_environment_wins_over_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nSECRET_KEY=from-the-file\n", encoding="utf-8")
    result = manage(
        "shell", "--no-imports", "-c", PRINT, DIGEST_ENV_FILE=str(env_file), SECRET_KEY="given"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "given"]


def test_make_run_writes_a_development_env_file_once(tmp_path):
    """`make run` depends on the .env target: DEBUG=1 and a fresh key, kept on later runs."""
    assert "demo: migrate .env" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    venv = Path(sys.executable).parent.parent
    command = ["make", "-s", "-f", str(ROOT / "Makefile"), "-C", str(tmp_path), f"VENV={venv}"]
    subprocess.run([*command, ".env"], check=True, capture_output=True, timeout=60)
    written = (tmp_path / ".env").read_text(encoding="utf-8")
    lines = [line for line in written.splitlines() if not line.startswith("#")]
    assert lines[0] == "DEBUG=1"
    assert lines[1].startswith("SECRET_KEY=") and len(lines[1]) > len("SECRET_KEY=") + 40
    subprocess.run([*command, ".env"], check=True, capture_output=True, timeout=60)
    assert (tmp_path / ".env").read_text(encoding="utf-8") == written
    result = manage("shell", "--no-imports", "-c", PRINT, DIGEST_ENV_FILE=str(tmp_path / ".env"))
    assert result.stdout.split()[0] == "True", result.stderr
