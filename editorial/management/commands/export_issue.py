"""python manage.py export_issue YEAR NUMBER [-o FILE] | --all --output DIR."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editorial.models import Issue


def _published_markdown(issue: Issue) -> str | None:
    revision = issue.revisions.order_by("-number").first()
    return revision.markdown if revision else None


class Command(BaseCommand):
    help = (
        "Write an issue's canonical markdown (its latest published revision; a draft's current "
        "content) to stdout or a file, or every published issue into a folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int)
        parser.add_argument("number", nargs="?", type=int)
        parser.add_argument("-o", "--output", help="file (or, with --all, folder) to write")
        parser.add_argument(
            "--all", action="store_true", help="every published issue as DIR/YEAR-NUMBER.md"
        )

    def handle(self, *args, year=None, number=None, output=None, all=False, **options):
        if all:
            if not output or year is not None:
                raise CommandError("use: export_issue --all --output DIR")
            return self._export_all(Path(output))
        if year is None or number is None:
            raise CommandError("use: export_issue YEAR NUMBER [-o FILE]")
        try:
            issue = Issue.objects.get(year=year, number=number)
        except Issue.DoesNotExist:
            raise CommandError(f"no issue {year}/{number}") from None
        markdown = _published_markdown(issue)
        if markdown is None:
            from editorial.store import issue_markdown

            markdown = issue_markdown(issue)
        data = markdown.encode("utf-8")
        if output:
            Path(output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return None

    def _export_all(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for issue in Issue.objects.order_by("year", "number"):
            markdown = _published_markdown(issue)
            if markdown is None:
                continue
            (folder / f"{issue.year}-{issue.number}.md").write_bytes(markdown.encode("utf-8"))
            count += 1
        self.stdout.write(f"{count} issue(s) written to {folder}")
