"""The account page: the address notices go to, one switch per kind (on by default), the
language of the mails; saved with a notice, refused whole when something is wrong."""

import html5lib
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from editorial import workflow
from editorial.models import NoticeKind, NoticeSettings
from tests.support.factories import english_client, make_issue
from tests.support.notices import mail_everything_due, make_team
from tests.support.pages import check_html

pytestmark = pytest.mark.django_db

URL = "/editorial/account/"


def checked_kinds(page: str) -> list[str]:
    """The kinds whose checkbox the page shows checked, in the page's order."""
    document = html5lib.parse(page, namespaceHTMLElements=False)
    return [
        field.get("value")
        for field in document.iter("input")
        if field.get("name") == "kinds" and field.get("checked") is not None
    ]


@pytest.fixture
def client(editor):
    client = english_client()
    client.force_login(editor)
    return client


def test_the_route():
    assert reverse("editorial:account") == URL


def test_every_kind_is_on_by_default_and_a_missing_address_is_said(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="account-no-address"' in page
    assert "notices cannot reach you by mail" in page
    assert checked_kinds(page) == NoticeKind.values
    check_html(page)


def test_saving_stores_the_address_the_kinds_and_the_language(client, editor):
    data = {"email": "ed@example.com", "kinds": ["submitted", "live"], "language": "en"}
    response = client.post(URL, data, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    page = response.content.decode()
    assert "Your notification settings are saved." in page
    assert 'id="account-no-address"' not in page
    editor.refresh_from_db()
    assert editor.email == "ed@example.com"
    choices = NoticeSettings.objects.get(user=editor)
    assert choices.kinds_off == ["changes_requested", "sent_back", "published"]
    assert choices.language == "en"
    assert checked_kinds(page) == ["submitted", "live"]
    assert 'value="ed@example.com"' in page


def test_a_bad_address_or_language_changes_nothing(client, editor):
    for data in [
        {"email": "not an address", "kinds": ["live"], "language": "en"},
        {"email": "ed@example.com", "kinds": ["nonsense"], "language": "en"},
        {"email": "ed@example.com", "kinds": ["live"], "language": "fr"},
        {"email": "x" * 250 + "@example.com", "language": "en"},
    ]:
        response = client.post(URL, data)
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    editor.refresh_from_db()
    assert editor.email == ""
    assert not NoticeSettings.objects.exists()


def test_the_address_can_be_emptied(client, editor):
    editor.email = "ed@example.com"
    editor.save()
    client.post(URL, {"email": "", "kinds": list(NoticeKind.values), "language": "zh-hans"})
    editor.refresh_from_db()
    assert editor.email == ""


def test_a_post_without_the_csrf_token_is_refused(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(URL, {"email": "ed@example.com", "language": "en"})
    assert response.status_code == 403
    editor.refresh_from_db()
    assert editor.email == ""


def test_the_choices_decide_what_is_mailed(db):
    team = make_team()
    reviewer = Client()
    reviewer.force_login(team.reviewer)
    kinds = [k for k in NoticeKind.values if k != NoticeKind.SUBMITTED]
    reviewer.post(URL, {"email": team.reviewer.email, "kinds": kinds, "language": "en"})
    workflow.issue_submit(make_issue(author=team.author), by=team.author)
    mail_everything_due()
    assert team.reviewer.email not in {address for m in mail.outbox for address in m.to}
    assert len(mail.outbox) == 2


def test_the_mail_is_in_the_language_chosen(db):
    team = make_team(language=None)
    NoticeSettings.objects.create(user=team.reviewer, language="en")
    workflow.issue_submit(make_issue(author=team.author), by=team.author)
    mail_everything_due()
    by_address = {m.to[0]: m for m in mail.outbox}
    english, chinese = by_address[team.reviewer.email], by_address[team.reviewer2.email]
    assert english.extra_headers["Content-Language"] == "en"
    assert "author submitted 2024 年第三十三期 for review." in english.subject
    # The site's language by default.
    assert chinese.extra_headers["Content-Language"] == "zh-Hans"
    assert chinese.subject == "云计算技术动态：author 将2024 年第三十三期提交审核。"
