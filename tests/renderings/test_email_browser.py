"""An issue's mail as a mail client's web view shows it (Chromium, the message's HTML part
alone): readable on a 375 px phone without sideways scrolling, and in dark mode, where the text
follows the client's colours because the mail sets none."""

import pytest

from editorial.canonical.data import EntryData, IssueData, SectionData
from editorial.renderings.email import issue_mail
from tests.support.renderings import EVERY_KIND, LONG_URL

pytestmark = pytest.mark.browser

WIDE = IssueData(
    EVERY_KIND.publication,
    EVERY_KIND.year,
    EVERY_KIND.number,
    (
        *EVERY_KIND.sections,
        SectionData("长文本", (EntryData("一个很长的词", LONG_URL, "摘要：" + LONG_URL),)),
    ),
)

# The relative luminance of the colour of `selector`'s text (WCAG 2.1's formula, 0 to 1).
LUMINANCE = """(selector) => {
  const [r, g, b] = getComputedStyle(document.querySelector(selector)).color
    .match(/[\\d.]+/g).slice(0, 3).map((value) => {
      const c = Number(value) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.fixture
def show(browser):
    contexts = []

    def show(html, *, width=375, scheme="light"):
        context = browser.new_context(viewport={"width": width, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        page.set_content(html)
        return page

    yield show
    for context in contexts:
        context.close()


def rendered():
    return issue_mail(WIDE, issue_url="https://digest.example/", reason="Why.").personal(
        "https://digest.example/u/token/"
    )[1]


def test_a_phone_shows_it_without_sideways_scrolling(show):
    page = show(rendered(), width=375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("document.querySelector('.mail__summary').offsetWidth") <= 375


@pytest.mark.parametrize(("scheme", "dark_text"), [("light", True), ("dark", False)])
def test_the_text_follows_the_clients_colours(show, scheme, dark_text):
    page = show(rendered(), width=640, scheme=scheme)
    for selector in (".mail__issue", ".mail__entry", ".mail__link", ".mail__summary"):
        luminance = page.evaluate(LUMINANCE, selector)
        assert (luminance < 0.1) if dark_text else (luminance > 0.8), (selector, luminance)
