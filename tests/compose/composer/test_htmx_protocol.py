"""The one htmx protocol (editorial/htmx.py): refusals of every kind answer an htmx request
with a message for the page's live region and the right status, a plain request with the usual
page; every answer varies on HX-Request."""

import pytest
from django.urls import reverse

from editorial.htmx import LIVE_REGION
from tests.support.htmx import HISTORY_RESTORE, HTMX
from tests.support.pages import is_full_page


def assert_live_refusal(response, status: int, words: str):
    assert response.status_code == status
    assert response["HX-Retarget"] == LIVE_REGION
    assert response["HX-Reswap"] == "innerHTML"
    assert "HX-Request" in response["Vary"]
    assert not is_full_page(response)
    html = response.content.decode()
    assert 'role="alert"' in html
    assert words in html


def test_a_role_refusal_for_htmx_is_a_403_in_the_live_region(editor_client, issue):
    url = reverse("editorial:review_issue", args=[issue.year, issue.number])
    assert_live_refusal(editor_client.get(url, **HTMX), 403, "Only reviewers")
    assert editor_client.get(url).status_code == 403


def test_an_entry_gone_for_htmx_is_a_404_in_the_live_region(editor_client, issue):
    entry = issue.sections.first().entries.first()
    url = reverse("editorial:entry_edit", args=[entry.pk])
    entry.delete()
    assert_live_refusal(editor_client.get(url, **HTMX), 404, "no longer there")
    assert_live_refusal(editor_client.post(url, {"title": "x"}, **HTMX), 404, "no longer there")
    assert editor_client.get(url).status_code == 404


def test_a_move_not_possible_is_a_409_and_bad_input_a_422(editor_client, issue):
    entry = issue.sections.first().entries.first()
    url = reverse("editorial:entry_move", args=[entry.pk])
    assert_live_refusal(editor_client.post(url, {}, **HTMX), 422, "Say where to move it.")


@pytest.mark.parametrize("name", ["review_list", "dashboard"])
def test_reader_role_gets_a_refusal_not_a_page(client, reader_user, name):
    client.force_login(reader_user)
    assert_live_refusal(client.get(reverse(f"editorial:{name}"), **HTMX), 403, "Only")


def test_a_history_restore_of_a_refused_page_gets_the_error_page(editor_client, issue):
    """A history restore replaces the whole page: a refusal (403, 404) is the error page, not
    a message for a live region that is not there."""
    restore = HISTORY_RESTORE
    forbidden = reverse("editorial:review_issue", args=[issue.year, issue.number])
    response = editor_client.get(forbidden, **restore)
    assert response.status_code == 403
    assert "HX-Retarget" not in response and is_full_page(response)
    gone = reverse("editorial:entry_menu", args=[10**6])
    response = editor_client.get(gone, **restore)
    assert response.status_code == 404
    assert "HX-Retarget" not in response and is_full_page(response)


def _editorial_views():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, namespace=""):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                yield from walk(item, item.namespace or namespace)
            elif isinstance(item, URLPattern) and namespace == "editorial":
                yield item.name, item.callback

    return list(walk(get_resolver()))


def test_every_editorial_view_goes_through_the_one_role_check():
    """No second role decorator (with its own answers to refusals) in front of any editorial
    view: the outermost wrapper of each is htmx.role_required's."""
    from editorial.htmx import editor_required

    protocol = editor_required(lambda request: None).__code__
    views = _editorial_views()
    assert len(views) > 20
    outside = [name for name, view in views if view.__code__ is not protocol]
    assert outside == []


def test_no_view_module_but_the_protocol_answers_logins_itself():
    """Only editorial/htmx.py sends anonymous users to the login page or reads the
    role rules: a copy elsewhere would be a second protocol."""
    from pathlib import Path

    import editorial.views

    folder = Path(editorial.views.__file__).parent
    copies = [
        path.name
        for path in folder.glob("*.py")
        if path.name != "htmx.py"
        and ("redirect_to_login" in path.read_text() or "def editor_required" in path.read_text())
    ]
    assert copies == []
