"""python manage.py create_account NAME --role editor|reviewer: an account for a team member."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editorial.accounts.login_names import login_form_username
from editorial.roles import EDITORS, REVIEWERS

ROLES = {"editor": EDITORS, "reviewer": REVIEWERS}


class Command(BaseCommand):
    help = "Create an editor's or reviewer's account (asks for the password twice)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--staff", action="store_true", help="also let them into the Django admin"
        )

    def handle(self, *args, username, role, email, staff, **options):
        User = get_user_model()
        self._check_name(User, username)
        user = User(username=username, email=email, is_staff=staff)
        password = self._ask_password(user)
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(f"{username} can now log in as {role}.")

    def _check_name(self, User, username: str) -> None:
        """A name someone can log in with: the login form reads what is typed stripped and
        NFKC-normalised, so only a name that is already in that form can ever match; and
        not one that the login throttle would count together with an existing account."""
        typed = login_form_username(username)
        if not typed:
            raise CommandError("the user name is empty")
        if typed != username:
            raise CommandError(
                f"the user name {username!r} cannot be typed at the login: it would be read as "
                f"{typed!r} (no spaces around it, no full-width or compatibility characters)"
            )
        try:
            User(username=username).clean_fields(exclude=["password", "email"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for taken in User.objects.values_list("username", flat=True):
            if taken.casefold() == username.casefold():
                raise CommandError(f"the user name {username!r} is taken (as {taken!r})")

    def _ask_password(self, user) -> str:
        for _attempt in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("no password set; nothing was created")
