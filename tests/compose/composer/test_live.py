"""Live updates and presence: the cheap "changed since version N" check in its three modes, and
presence that leaves at once (a beacon) or after a short expiry."""

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.compose.selectors.live import issue_version
from editorial.models import Presence
from editorial.services.presence import PRESENCE_EXPIRY, presence_leave, presence_seen
from tests.support.factories import make_issue, make_user
from tests.support.htmx import HISTORY_RESTORE, HTMX
from tests.support.pages import assert_valid_fragment


def changes_url(issue):
    return reverse("editorial:composer_changes", args=[issue.year, issue.number])


def test_nothing_new_is_a_204_in_a_few_queries(editor_client, issue):
    version = issue_version(issue)
    editor_client.get(changes_url(issue), {"since": version}, **HTMX)  # the session, warmed
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(changes_url(issue), {"since": version}, **HTMX)
    assert response.status_code == 204
    assert "HX-Request" in response["Vary"]
    # session, user, the role's two permission reads, the issue, its version: nothing that
    # grows with the issue.
    assert len(queries) <= 6


def test_a_colleague_s_change_answers_with_the_list_to_merge(editor_client, issue, editor):
    version = issue_version(issue)
    entry = issue.sections.first().entries.first()
    colleague = make_user("editor", username="colleague")
    services.entry_update(
        entry,
        title="同事改的标题",
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=colleague,
    )
    response = editor_client.get(changes_url(issue), {"since": version}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="composer-sections"')
    assert "同事改的标题" in html
    assert f'id="composer-version" name="since" value="{issue_version(issue)}"' in html
    assert json.loads(response["HX-Trigger"]) == {"issue-changed": {"source": "live"}}
    assert_valid_fragment(html)


def test_changes_without_htmx_or_on_history_restore_is_the_composer(editor_client, issue):
    for headers in ({}, HISTORY_RESTORE):
        response = editor_client.get(changes_url(issue), {"since": "0"}, **headers)
        assert response.status_code == 302
        assert response["Location"] == issue.get_composer_url()


def test_presence_leaves_with_the_beacon_and_after_the_expiry(editor):
    issue = make_issue(2024, 50)
    rita = make_user("editor", username="rita")
    presence_seen(issue, user=rita)
    assert presence_seen(issue, user=editor) == [rita]
    presence_leave(issue, user=rita)
    assert presence_seen(issue, user=editor) == []
    presence_seen(issue, user=rita)
    later = timezone.now() + PRESENCE_EXPIRY + datetime.timedelta(seconds=1)
    assert presence_seen(issue, user=editor, now=later) == []
    assert PRESENCE_EXPIRY.total_seconds() <= 12


def test_the_leave_view(editor_client, issue, editor):
    url = reverse("editorial:presence_leave", args=[issue.year, issue.number])
    presence_seen(issue, user=editor)
    assert editor_client.post(url, **HTMX).status_code == 204
    assert not Presence.objects.filter(issue=issue, user=editor).exists()
    response = editor_client.post(url)  # a beacon or a plain form
    assert response.status_code == 302
