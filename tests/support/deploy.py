"""The production settings as a fresh interpreter reads them from a production-like environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    """Only what a production unit file would set; nothing inherited from the test run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DIGEST_ENV_FILE": "",  # not the development .env of the checkout
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "digest.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "digest.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://digest.example.org",
        "DIGEST_SITE_URL": "https://digest.example.org",
    }
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(extra)
    return env


PRINT_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
    "SECURE_PROXY_SSL_HEADER", "SECURE_CSP", "SECURE_REFERRER_POLICY", "SESSION_ENGINE",
]
print(json.dumps({name: getattr(settings, name) for name in names}, default=str))
"""


def production_settings() -> dict:
    """The security settings as a production process sees them."""
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)
