"""create_account makes a team member's account with its role."""

import io
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from editorial.roles import is_editor, is_reviewer

pytestmark = pytest.mark.django_db
STRONG = "correct-horse-battery-42"


def _run(*args, passwords):
    with mock.patch("getpass.getpass", side_effect=passwords):
        call_command("create_account", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_creates_a_reviewer():
    _run("alice", "--role", "reviewer", passwords=[STRONG, STRONG])
    alice = get_user_model().objects.get(username="alice")
    assert alice.check_password(STRONG)
    assert is_reviewer(alice) and is_editor(alice) and not alice.is_staff


def test_weak_or_mismatched_passwords_create_nothing():
    with pytest.raises(CommandError):
        _run("bob", "--role", "editor", passwords=["a", "b", "123", "123", "x", "x"])
    assert not get_user_model().objects.filter(username="bob").exists()


def test_taken_name_is_refused(editor):
    with pytest.raises(CommandError, match="taken"):
        _run("editor", "--role", "editor", passwords=[STRONG, STRONG])
