"""Production settings, with the static files collected into the benchmark's own folder.

The environment gives the database (DATABASE_URL, always a throwaway one), the folder to
collect into (BENCH_STATIC_ROOT) and a folder of extra files served under /static/bench/.
"""

import os

from digest.settings import *  # noqa: F403
from digest.settings import STATICFILES_DIRS

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STATICFILES_DIRS = [*STATICFILES_DIRS, ("bench", os.environ["BENCH_STATIC_EXTRA"])]
