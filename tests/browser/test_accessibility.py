"""axe-core (WCAG 2.1 A and AA, and best practice) finds nothing on the reader and editorial
pages, in the light and the dark colour scheme, in both interface languages."""

from pathlib import Path

import pytest

from editorial.models import EntryStatus, IssueStatus
from tests.browser.fixtures import close_quietly, track_requests
from tests.factories import make_issue, make_published_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
READER_PAGES = ["/", "/issues/", "/issues/2024/32/", "/search/?q=条目", "/accounts/login/"]
EDITORIAL_PAGES = [
    "/editorial/",
    "/editorial/issues/new/",
    "/editorial/issues/2024/33/",
    "/editorial/issues/2024/33/history/",
    "/editorial/review/",
    "/editorial/review/2024/34/",
    "/issues/2024/33/preview/",
    "/en/issues/2024/33/preview/",
]


def violations(page, url: str) -> list[str]:
    page.goto(url)
    # evaluate() runs outside the page's Content-Security-Policy, unlike an injected <script>.
    page.evaluate(AXE)
    found = page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: rules})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        RULES,
    )
    return [f"{url}: {item}" for item in found]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_have_no_accessibility_violations(browser, live_server, scheme, language):
    make_published_issue(2024, 32)
    editor = make_user("editor", username="ed")
    make_issue(2024, 33, author=editor)
    make_issue(
        2024, 34, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )
    make_user("reviewer", username="rev")
    context = track_requests(browser.new_context(base_url=live_server.url, color_scheme=scheme))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page = context.new_page()
        # Reader pages carry their language in the URL; the others read the cookie.
        prefix = "/en" if language == "en" else ""
        problems = [
            p
            for url in READER_PAGES
            for p in violations(page, url if url.startswith("/accounts/") else prefix + url)
        ]
        _log_in(page, "rev")
        problems += [p for url in EDITORIAL_PAGES for p in violations(page, url)]
    finally:
        close_quietly(context)
    assert problems == []


def _log_in(page, username: str) -> None:
    """Log in whatever the interface language (the shared helper reads English labels)."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
