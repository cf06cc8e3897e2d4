"""Real-browser tests: Playwright for Python driving Debian's Chromium against live_server.

Never downloads a browser: /usr/bin/chromium must be installed (.ci/run installs it). Every page
is watched for console errors, uncaught exceptions and Content-Security-Policy violations; a
test fails on any of them.
"""

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.missing import missing

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (to build data or check results) are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Init scripts run before the page's own scripts and are exempt from its CSP, so this listener
# sees every violation and reports it on the console, where the collector below picks it up.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def require_chromium() -> Path:
    """The system Chromium; missing fails under CI=true and skips elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
        missing(message)
    return CHROMIUM


class BrowserErrors:
    """Console errors, uncaught exceptions and CSP violations seen on the watched pages."""

    def __init__(self):
        self.errors: list[str] = []
        # Answers the test provokes on purpose (e.g. a refused transition), by status code.
        self.expected_statuses: set[int] = set()
        self.stopped = False  # the test is over: what its pages do while closing is not its

    def watch(self, page, label: str):
        page.add_init_script(_REPORT_CSP_VIOLATIONS)
        page.on("console", lambda message: self._console(label, message))
        page.on("pageerror", lambda error: self._uncaught(label, error))
        return page

    def _uncaught(self, label, error):
        if not self.stopped:
            self.errors.append(f"[{label}] uncaught: {error}")

    def _console(self, label, message):
        if message.type != "error" or self.stopped:
            return
        text = message.text
        url = message.location.get("url", "")
        if text.startswith("Failed to load resource: the server responded with a status of"):
            status = int(text.split("status of ", 1)[1].split()[0])
            if status in self.expected_statuses:
                return
        self.errors.append(f"[{label}] console: {text} ({url})")

    def assert_none(self):
        assert self.errors == [], "browser errors:\n" + "\n".join(self.errors)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def browser_errors():
    errors = BrowserErrors()
    yield errors
    errors.assert_none()


@pytest.fixture
def new_page(browser, browser_errors, live_server):
    """new_page(label) -> a page in its own browser context (own cookies: one per user),
    in English, watched for errors; closed after the test."""
    contexts = []

    def make(label: str = "page"):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        # The interface is Chinese unless the visitor chose English with the language switch.
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        context.set_default_timeout(10_000)
        contexts.append(track_requests(context))
        return browser_errors.watch(context.new_page(), label)

    yield make
    for context in contexts:
        settle(context)
    browser_errors.stopped = True
    for context in contexts:
        close_quietly(context)


def track_requests(context):
    """The context, counting its requests in flight (for settle)."""
    pending = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    context.digest_pending = pending
    return context


def settle(context) -> None:
    """Wait until every request the context's pages sent (a context made by track_requests)
    has its whole answer, or has failed."""
    pending = getattr(context, "digest_pending", set())
    while pending:
        request = pending.pop()
        with contextlib.suppress(PlaywrightError):  # failed or cancelled: nothing to wait for
            response = request.response()  # waits for the answer's headers
            if response is not None:
                response.finished()  # and for its body


# What a page would still send by itself: its polls (every few seconds) and the presence
# element, whose leave URL the composer's pagehide beacon reads.
_STOP_SENDING = """() => document.querySelectorAll(
  '[data-hx-trigger*="every"], #presence').forEach((node) => node.remove())"""


def close_quietly(context) -> None:
    """Close a context without leaving work on the server: its pages stop what they would send
    by themselves (polls; the composer's presence beacon on pagehide), what they sent is
    answered, and anything else is refused in the browser. So no request reaches the server
    once the test is over: on PostgreSQL one inside a transaction deadlocks with the flush's
    TRUNCATE (the next test then starts on a database that was not emptied), and one served
    after the test's settings are gone fails on its host name."""
    for page in context.pages:
        with contextlib.suppress(PlaywrightError):  # closed or navigating: sends nothing
            page.evaluate(_STOP_SENDING)
    settle(context)
    context.route("**/*", lambda route: route.abort())
    context.close()


def log_in(page, username: str, password: str = "pw"):  # noqa: S107 - test accounts
    """Log in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def drag_card(page, source, target, *, below: bool = False):
    """Drag the card `source` onto the upper edge of `target` (or its lower edge, `below`) with
    the mouse, in small steps, as a person does; returns the answer to the move's POST (what the
    user waits for: the page says where the entry went). Both cards must be in the window."""
    start = source.locator(".composer-entry__title").bounding_box()
    end = target.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    end_y = end["y"] + (end["height"] - 3 if below else 3)
    with page.expect_response(
        lambda response: "/move/" in response.url and response.request.method == "POST"
    ) as answer:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y - 8 if end_y < y else y + 8, steps=4)
        page.mouse.move(end["x"] + end["width"] / 2, end_y, steps=20)
        page.mouse.up()
    return answer.value
