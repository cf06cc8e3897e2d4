#!/usr/bin/env python
"""Django's command-line utility for digest."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    from django.core.management import execute_from_command_line

    from digest.environment import MissingSetting

    try:
        execute_from_command_line(sys.argv)
    except MissingSetting as missing:
        # What to set, on one line: a traceback would bury it.
        sys.exit(f"digest: {missing}")


if __name__ == "__main__":
    main()
