"""Filling the add form from a pasted URL, in a real browser: the page's title and description
are offered under the field and accepted with Alt+Enter; what the editor typed while the page
was being read is kept. Pages are served on 127.0.0.1 by the test."""

import re

import pytest
from playwright.sync_api import expect

from editorial.models import Entry
from tests.support.browser import AXE, RULES, holding, log_in
from tests.support.factories import make_issue, make_user
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"
SUGGESTION = re.compile(r"/editorial/url-suggestion/$")
TITLE = "云原生网关的演进：从 Ingress 到 Gateway API"
DESCRIPTION = "本文主要介绍了 Gateway API 的设计与落地实践。"
OTHER = (
    '<html><head><title>另一篇文章</title><meta name="description" content="另一篇的描述。">'
    "</head></html>"
)


@pytest.fixture
def pages(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.DIGEST_FETCH_ALLOWED_PORTS = range(1, 65536)  # the server listens on a free port
    routes = {
        "/s/AbCdEf": html(WECHAT_ARTICLE),
        "/other": html(OTHER),
        "/missing": html("<p>no</p>", status=404),
    }
    with local_server(routes) as server:
        yield server


@pytest.fixture
def form(new_page, pages):
    """The add form of the first section, open, in a composer with the clipboard allowed."""
    make_issue(2024, 33, author=make_user("editor", username="ed"))
    page = new_page("editor")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "ed")
    page.goto(COMPOSER)
    section = page.get_by_role("region", name="分布式系统", exact=True)
    section.get_by_text("Add an entry").click()
    added = section.locator("form.entry-form--add")
    added.get_by_label("URL", exact=True).wait_for()
    return added


def paste(field, text: str) -> None:
    """Put `text` on the clipboard and paste it into `field` with the keyboard."""
    field.page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    field.focus()
    field.press("ControlOrMeta+V")


def axe_violations(locator) -> list[str]:
    """axe-core's WCAG 2.1 AA findings inside `locator` (evaluated outside the page's CSP)."""
    locator.page.evaluate(AXE)
    return locator.evaluate(
        "async (node, rules) => (await axe.run(node, {runOnly: rules})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        RULES,
    )


def test_a_pasted_url_offers_its_page_accepted_with_alt_enter(form, pages):
    url = form.get_by_label("URL", exact=True)
    paste(url, pages.url("/s/AbCdEf"))
    offer = form.locator("[data-page-offer]")
    expect(offer).to_contain_text(TITLE)
    expect(offer).to_contain_text(DESCRIPTION)
    expect(offer.get_by_role("button", name="Use title and summary")).to_be_visible()
    expect(offer).to_contain_text("Alt+Enter")
    assert axe_violations(form) == []

    url.press("Alt+Enter")
    expect(form.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(form.get_by_label("Summary", exact=True)).to_have_value(DESCRIPTION)
    expect(offer).to_have_text("Filled in from the page. What you had typed is kept.")
    expect(url).to_be_focused()

    # Another page: what the first acceptance put there and the editor left alone is replaced;
    # the summary the editor changed since is theirs and stays.
    summary = form.get_by_label("Summary", exact=True)
    summary.fill(DESCRIPTION + "编辑补充。")
    url.select_text()
    paste(url, pages.url("/other"))
    expect(offer).to_contain_text("另一篇的描述。")
    form.get_by_role("button", name="Use title and summary").click()
    expect(form.get_by_label("Title", exact=True)).to_have_value("另一篇文章")
    expect(summary).to_have_value(DESCRIPTION + "编辑补充。")

    form.get_by_role("button", name="Add entry").click()
    expect(form.page.get_by_role("heading", name="另一篇文章", exact=True)).to_be_visible()
    entry = Entry.objects.get(title="另一篇文章")
    assert entry.summary == DESCRIPTION + "编辑补充。"
    assert entry.url == pages.url("/other")


def test_a_title_typed_while_the_page_is_read_is_kept(form, pages):
    url = form.get_by_label("URL", exact=True)
    title = form.get_by_label("Title", exact=True)
    with holding(form.page, SUGGESTION, method="POST") as asked:
        paste(url, pages.url("/s/AbCdEf"))
        held = asked.first()
        expect(form.locator(".url-suggestion")).to_have_text("Reading the page…")
        title.fill("编辑自己写的标题")
        held.continue_()
        button = form.get_by_role("button", name="Use title and summary")
        expect(button).to_be_visible()
    # Accepted with the button (reachable by Tab, pressed with the keyboard).
    button.focus()
    button.press("Enter")
    expect(title).to_have_value("编辑自己写的标题")
    expect(form.get_by_label("Summary", exact=True)).to_have_value(DESCRIPTION)
    # The button is gone with the offer: the focus is on what it filled.
    expect(form.get_by_label("Summary", exact=True)).to_be_focused()
    assert asked.sent == 1  # one question for one paste


def test_a_page_that_cannot_be_read_says_why(form, pages):
    paste(form.get_by_label("URL", exact=True), pages.url("/missing"))
    expect(form.locator(".url-suggestion")).to_have_text(
        "Could not read the page: not found (404)."
    )
    expect(form.get_by_label("Title", exact=True)).to_have_value("")
