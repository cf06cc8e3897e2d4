"""python manage.py unlock_login NAME [--address ADDRESS]: lift a login lock-out now."""

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError

from editorial.accounts.login_names import login_form_username


class Command(BaseCommand):
    help = (
        "Forget the failed logins of a user name (as the login form reads it, whatever its "
        "spelling), from every address or from one, so that it can log in again at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--address", default=None, help="only the failures from this address")

    def handle(self, *args, username, address=None, **options):
        name = login_form_username(username).strip().casefold()
        if not name:
            raise CommandError("the user name is empty")
        count = reset(username=name, ip=address) if address else reset(username=name)
        where = f" from {address}" if address else ""
        self.stdout.write(f"{name}: {count} lock-out record(s){where} removed; it can log in now.")
