"""Test settings: production settings with a throwaway key and plain HTTP."""

import os
import tempfile

# No development .env: the tests run with the settings given here, whatever `make run` wrote.
os.environ["DIGEST_ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("DIGEST_SITE_URL", "https://digest.example.org")
# The publication state is read on every request in the test process (a state kept from one
# test would leak into the next); the servers that tests start keep it a second.
os.environ.setdefault("DIGEST_READER_STATE_SECONDS", "0")

from digest.settings import *  # noqa: E402, F403

# A file, not memory: threads (live server, concurrency tests) must see one database. One per
# test run, in the temporary folder, so that runs side by side do not collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"digest-test-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the finders, as in development: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run at once, inside the request that enqueued them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
