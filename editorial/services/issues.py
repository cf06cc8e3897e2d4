"""Issues: the next number of a year, and a new issue with its first sections."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from editorial import audit
from editorial.models import Issue, Section
from editorial.rules import clean_section_title, required_int
from editorial.text import clean_text
from editorial.workflow import guards


def next_issue_number(year: int) -> int:
    """The number after the year's last issue, or 1 for a year without issues."""
    last = Issue.objects.filter(year=year).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _whole_number(value, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError({field: message})
    return number


def _section_titles(titles) -> list[str]:
    """Cleaned, without blanks and repeats, in the order given."""
    cleaned = []
    for title in titles:
        if not clean_text(title):
            continue
        try:
            title = clean_section_title(title)
        except ValidationError as error:
            raise ValidationError({"section_titles": error.message_dict["title"]}) from None
        if title not in cleaned:
            cleaned.append(title)
    return cleaned


@transaction.atomic
def issue_create(*, year, number, by, section_titles=()) -> Issue:
    """A new draft issue with the given sections in order (blank and repeated titles are
    skipped). ValidationError if the year/number is out of range or taken. One audit row."""
    guards.require_editor(by)
    year = required_int(year, "year", _("Year: four digits, such as 2024."), low=1000, high=9999)
    number = required_int(number, "number", _("Number: from 1 to 9999."), low=1, high=9999)
    titles = _section_titles(section_titles)
    taken = ValidationError(
        {
            "number": _("Issue %(number)d of %(year)d exists already.")
            % {"number": number, "year": year}
        }
    )
    if Issue.objects.filter(year=year, number=number).exists():
        raise taken
    try:
        with transaction.atomic():  # a savepoint: a concurrent create loses cleanly
            issue = Issue.objects.create(year=year, number=number, created_by=by)
    except IntegrityError:
        raise taken from None
    Section.objects.bulk_create(
        Section(issue=issue, title=title, position=position)
        for position, title in enumerate(titles, start=1)
    )
    audit.record(
        issue, by=by, action="issue_create", to_state=issue.status, data={"sections": titles}
    )
    return issue
