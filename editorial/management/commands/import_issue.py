"""python manage.py import_issue FILE [FILE ...]: store canonical markdown files as issues."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editorial.canonical import CanonicalFormatError
from editorial.store import (
    IssueExists,
    parse_markdown,
    same_link_warnings,
    store_issue,
)


class Command(BaseCommand):
    help = (
        "Import canonical markdown files, one issue each, as published issues (or drafts with "
        "--draft). A bad file is reported as FILE:LINE: message and nothing of it is stored. "
        "A link already in another issue, or twice in the file, is a warning on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--draft", action="store_true", help="store as drafts, not published")
        parser.add_argument(
            "--replace", action="store_true", help="replace an issue that already exists"
        )

    def handle(self, *args, files, draft=False, replace=False, **options):
        failed = 0
        for name in files:
            try:
                raw = Path(name).read_bytes()
            except OSError as error:
                self.stderr.write(f"{name}: cannot read: {error.strerror or error}")
                failed += 1
                continue
            try:
                data = parse_markdown(raw, require_summaries=not draft)
                warnings = same_link_warnings(data)
                issue = store_issue(data, draft=draft, replace=replace)
            except CanonicalFormatError as error:
                self.stderr.write(f"{name}:{error.line}: {error.message}")
                failed += 1
                continue
            except IssueExists as error:
                self.stderr.write(f"{name}:1: {error}")
                failed += 1
                continue
            for warning in warnings:
                self.stderr.write(f"{name}: warning: {warning}")
            count = sum(len(s.entries) for s in data.sections)
            state = "draft" if draft else "published"
            self.stdout.write(
                f"{name}: {issue.year}/{issue.number} stored as {state}, {count} entries"
            )
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) refused", returncode=1)
