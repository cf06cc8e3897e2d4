"""Reviewers manage the subscribers in the admin: the list, search and filters, the unsubscribe
and suppress actions, and an import that sends each address the confirmation and confirms
nobody. The editors' dashboard counts them."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from editorial.models import Subscriber, SubscriberState
from editorial.models.mail import Suppression
from tests.support.factories import make_user
from tests.support.subscribers import confirmation_path

pytestmark = pytest.mark.django_db

LIST = "/admin/editorial/subscriber/"
IMPORT = "/admin/editorial/subscriber/import/"


def staff_client(role: str) -> Client:
    user = make_user(role)
    user.is_staff = True
    user.save()
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_admin(db):
    return staff_client("reviewer")


@pytest.fixture
def subscribers(db):
    return {
        "confirmed": Subscriber.objects.create(
            email="confirmed@example.com", state=SubscriberState.CONFIRMED
        ),
        "pending": Subscriber.objects.create(email="pending@example.com"),
        "bounced": Subscriber.objects.create(
            email="bounced@example.org",
            state=SubscriberState.CONFIRMED,
            suppression=Suppression.HARD_BOUNCE,
            suppressed_at="2024-08-01T10:00:00+08:00",
        ),
    }


def listed(response) -> set[str]:
    return {s.email for s in response.context["cl"].result_list}


def test_reviewers_list_search_and_filter(reviewer_admin, subscribers):
    assert listed(reviewer_admin.get(LIST)) == {s.email for s in subscribers.values()}
    assert listed(reviewer_admin.get(LIST, {"q": "example.org"})) == {"bounced@example.org"}
    assert listed(reviewer_admin.get(LIST, {"state__exact": "pending"})) == {"pending@example.com"}
    assert listed(reviewer_admin.get(LIST, {"suppressed": "yes"})) == {"bounced@example.org"}
    assert "bounced@example.org" not in listed(reviewer_admin.get(LIST, {"suppressed": "no"}))
    assert 'href="/admin/editorial/subscriber/import/"' in reviewer_admin.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("role", "let_in"),
    [("reader", False), ("editor", False), ("reviewer", True), ("superuser", True)],
)
def test_who_manages_subscribers(subscribers, role, let_in):
    """Staff accounts all; only reviewers (and superusers) get the list, its pages and the
    import. A forged change page post changes nothing for anyone."""
    client = staff_client(role)
    pending = subscribers["pending"]
    change = reverse("admin:editorial_subscriber_change", args=[pending.pk])
    for url in (LIST, IMPORT, change):
        assert client.get(url).status_code == (200 if let_in else 403), url
    forged = {"email": "attacker@example.com", "state": "confirmed", "_save": "Save"}
    assert client.post(change, forged).status_code in (302, 403)
    pending.refresh_from_db()
    assert (pending.email, pending.state) == ("pending@example.com", SubscriberState.PENDING)
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_editors_do_not_manage_subscribers(subscribers):
    editor = staff_client("editor")
    assert editor.get(LIST).status_code == 403
    assert editor.get(IMPORT).status_code == 403
    assert editor.post(IMPORT, {"addresses": "x@example.com", "language": "en"}).status_code == 403
    assert Subscriber.objects.count() == 3


def test_a_consent_record_is_not_edited_or_added_by_hand(reviewer_admin, subscribers):
    page = reviewer_admin.get(
        reverse("admin:editorial_subscriber_change", args=[subscribers["pending"].pk])
    )
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert reviewer_admin.get("/admin/editorial/subscriber/add/").status_code == 403


@pytest.mark.parametrize(
    ("action", "changed"),
    [
        ("unsubscribe_selected", {"confirmed", "pending"}),
        ("suppress_selected", {"confirmed", "pending"}),
    ],
)
def test_the_actions(reviewer_admin, subscribers, action, changed):
    chosen = [s.pk for s in subscribers.values()]
    response = reviewer_admin.post(LIST, {"action": action, "_selected_action": chosen})
    assert response.status_code == 302
    for name, subscriber in subscribers.items():
        subscriber.refresh_from_db()
        if action == "unsubscribe_selected":
            assert subscriber.state == SubscriberState.UNSUBSCRIBED
        else:
            assert subscriber.suppressed_at is not None
            expected = Suppression.MANUAL if name in changed else Suppression.HARD_BOUNCE
            assert subscriber.suppression == expected  # a reason already there is kept
    assert Subscriber.objects.receiving().count() == 0


def test_import_sends_each_address_a_confirmation_and_confirms_nobody(
    reviewer_admin, subscribers, django_capture_on_commit_callbacks
):
    addresses = "new1@example.com\nnew2@example.com, confirmed@example.com; new1@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_admin.post(IMPORT, {"addresses": addresses, "language": "en"})
    assert (response.status_code, response["Location"]) == (302, LIST)
    new = Subscriber.objects.filter(email__startswith="new")
    assert {s.email for s in new} == {"new1@example.com", "new2@example.com"}
    assert {s.state for s in new} == {SubscriberState.PENDING}
    assert {s.consent_source for s in new} == {"import"}
    assert {s.language for s in new} == {"en"}
    assert Subscriber.objects.receiving().count() == 1  # the one confirmed before
    # One confirmation each (the confirmed address gets nothing), with the unsubscribe headers.
    assert sorted(m.to[0] for m in mail.outbox) == ["new1@example.com", "new2@example.com"]
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert confirmation_path(message.body).startswith("/en/subscribe/confirm/")
    followed = reviewer_admin.get(LIST)
    assert "2 confirmation mails queued; 1 address skipped" in followed.content.decode()


def test_an_import_with_a_wrong_address_imports_nothing(reviewer_admin, subscribers):
    response = reviewer_admin.post(
        IMPORT, {"addresses": "good@example.com\nnot-an-address\n", "language": "zh-hans"}
    )
    assert response.status_code == 200
    assert "not-an-address" in response.content.decode()
    assert Subscriber.objects.count() == 3
    assert mail.outbox == []


def test_the_dashboard_counts_subscribers(subscribers):
    editor = make_user("editor")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(editor)
    page = client.get(reverse("editorial:dashboard")).content.decode()
    # The suppressed one receives nothing and is not counted.
    assert "1 subscriber receives issues by mail" in page
    assert "1 waits to confirm" in page
    assert "Manage subscribers" not in page  # not staff
