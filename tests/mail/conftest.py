import pytest

from tests.support.factories import make_published_issue, make_user


@pytest.fixture(autouse=True)
def _no_limits(settings):
    """The rates off unless a test sets them: tests send a handful of mails."""
    settings.DIGEST_MAIL_RATE = 0
    settings.DIGEST_MAIL_DOMAIN_RATE = 0


@pytest.fixture
def reviewer(db):
    user = make_user("reviewer", username="rita")
    user.email = "rita@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def issue(db):
    return make_published_issue(2024, 40)
