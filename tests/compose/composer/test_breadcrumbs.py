"""The dashboard is one place with one name: every link to it, on every page (the navigation, the
breadcrumbs, the error pages), names it as the navigation does, 编辑部 ("Editorial")."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.factories import make_issue, make_user

pytestmark = pytest.mark.django_db

NAME = {"zh-hans": "编辑部", "en": "Editorial"}


def dashboard_links(html: str) -> list[str]:
    """The text of every link to the dashboard."""
    dashboard = re.escape(reverse("editorial:dashboard"))
    found = re.findall(rf'<a href="{dashboard}"[^>]*>(.*?)</a>', html, flags=re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_link_to_the_dashboard_has_the_navigation_s_name(language):
    editor = make_user("reviewer", username="crumbs")
    issue = make_issue(2024, 61, author=editor)
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(editor)
    pages = {
        "dashboard": reverse("editorial:dashboard"),
        "composer": issue.get_composer_url(),
        "issue_create": reverse("editorial:issue_create"),
        "check_url": reverse("editorial:check_url"),
        "inbox": reverse("editorial:inbox"),
        "review_list": reverse("editorial:review_list"),
        "review_issue": reverse("editorial:review_issue", args=[issue.year, issue.number]),
        "not_found": reverse("editorial:composer", args=[1999, 1]),
    }
    names = {}
    for page, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), page
        names[page] = dashboard_links(response.content.decode())
    assert {page: set(found) for page, found in names.items()} == {
        page: {NAME[language]} for page in pages
    }
    # Besides the navigation: the breadcrumbs, and the error page's own link.
    for page in set(pages) - {"dashboard"}:
        assert len(names[page]) == 2, page


def test_the_error_pages_name_it_too():
    reader = make_user("reader", username="crumbs-reader")
    client = Client()
    client.force_login(reader)
    response = client.get(reverse("editorial:dashboard"))  # not an editor: 403
    assert response.status_code == 403
    assert dashboard_links(response.content.decode()) == ["编辑部", "编辑部"]
