"""Real-browser tests: Playwright for Python driving Debian's Chromium against live_server.

Never downloads a browser: /usr/bin/chromium must be installed (.ci/run installs it). Every page
is watched for console errors, uncaught exceptions and Content-Security-Policy violations; a
test fails on any of them.
"""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from playwright.sync_api import Error as PlaywrightError

from tests.support.missing import missing

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


# What a page would still send by itself: its polls (every few seconds; the inbox's, whose
# script stops once its element is gone) and the presence element, whose leave URL the
# composer's pagehide beacon reads.
_STOP_SENDING = """() => document.querySelectorAll(
  '[data-hx-trigger*="every"], #presence, #inbox-live').forEach((node) => node.remove())"""


def _served_by_live_server(sender) -> bool:
    """Whether a request signal came from the live server's handler (WSGIHandler, which the
    static-files handler extends), not the test client's: the client sends request_finished
    only once a streamed answer (a static file) is read to its end, so its unread answers
    would count as work the live server never ends."""
    return isinstance(sender, type) and issubclass(sender, WSGIHandler)


class _ServerWork:
    """How many requests the live server (this process) is serving now. A request the browser
    gave up on (its page closed, its context refused it) goes on in the server: the test must
    not empty the database under it (on PostgreSQL the flush's TRUNCATE deadlocks with it; on
    any database it would fail once the test's database access is gone)."""

    def __init__(self):
        self.serving = 0
        self.changed = threading.Condition()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, sender, **kwargs):
        if not _served_by_live_server(sender):
            return
        with self.changed:
            self.serving += 1

    def finished(self, sender, **kwargs):
        if not _served_by_live_server(sender):
            return
        with self.changed:
            self.serving -= 1
            self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Wait until nothing is being served; fail after `timeout` seconds. A failure is
        reported once: the count starts again from zero, so the tests after it do not each
        wait their full timeout for the same stuck request (which would turn one failure into
        a run over CI's time)."""
        with self.changed:
            idle = self.changed.wait_for(lambda: self.serving <= 0, timeout=timeout)
            serving, self.serving = self.serving, 0
        assert idle, f"the live server still serves {serving} request(s) after {timeout} s"


SERVER_WORK = _ServerWork()


def stop_sending(page) -> None:
    """The page stops what it would send by itself: its polls, and the presence beacon its
    pagehide sends (a beacon from a page that closes is not seen by settle, and reaching the
    server after the test would meet the database being emptied)."""
    page.evaluate(_STOP_SENDING)


def close_quietly(context) -> None:
    """Close a context without leaving work on the server: its pages stop what they would send
    by themselves (polls; the composer's presence beacon on pagehide), what they sent is
    answered, and anything else is refused in the browser. So no request reaches the server
    once the test is over: on PostgreSQL one inside a transaction deadlocks with the flush's
    TRUNCATE (the next test then starts on a database that was not emptied), and one served
    after the test's settings are gone fails on its host name. Last, it waits until the live
    server has finished what it was serving: a request whose page was closed runs on."""
    for page in context.pages:
        with contextlib.suppress(PlaywrightError):  # closed or navigating: sends nothing
            stop_sending(page)
    settle(context)
    context.route("**/*", lambda route: route.abort())
    context.close()
    SERVER_WORK.wait_until_idle()  # what a closed page had sent may still be served


def log_in(page, username: str, password: str = "pw"):  # noqa: S107 - test accounts
    """Log in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# Where the held card's placeholder (the dashed outline the editor watches) stands beside
# `target`, once the page has stood still for two frames: {placed: true} when it is right before
# the target (right after, `below`); otherwise the point to hold the card over next. SortableJS
# moves the placeholder past the card under the pointer (a card it was just moved past: past the
# half the pointer is in), so each step crosses one card towards the place; "the fallback" is
# the copy of the card that follows the pointer, not a place in the list.
_PLACEHOLDER = """([target, below]) => new Promise((done) => {
  const y = window.scrollY;
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const ghost = document.querySelector(".composer-entry--ghost");
    const cards = [...target.parentElement.children].filter((node) =>
      node.matches("li.composer-entry") && !node.classList.contains("sortable-fallback"));
    const at = cards.indexOf(ghost), goal = cards.indexOf(target);
    const still = window.scrollY === y;
    if (still && (below ? at === goal + 1 : at === goal - 1) && at >= 0) {
      return done({placed: true});
    }
    const chosen = document.querySelector(".composer-entry--chosen");
    const state = {at, goal, still, held: chosen ? chosen.id : null,
                   fallback: !!document.querySelector(".sortable-fallback")};
    let over = target, after = below;  // from another list: over the target itself
    if (at >= 0 && at < goal) [over, after] = [below ? target : cards[goal - 1], true];
    if (at > goal) [over, after] = [below ? cards[goal + 1] : target, false];
    const box = over.getBoundingClientRect();
    const x = box.left + box.width / 2, y2 = box.top + box.height * (after ? 0.75 : 0.25);
    const under = document.elementFromPoint(x, y2);
    state.under = under ? (under.closest("[id]") || under).id || under.tagName : null;
    done({placed: false, x, y: y2, state});
  }));
})"""

PLACING_STEPS = 80  # pointer moves allowed to bring the placeholder to its place


def hold_over(page, target, *, below: bool = False) -> None:
    """With a card held (the mouse button down), move the pointer until the card's placeholder
    stands right before `target` (right after it, `below`) and the page stands still: what a
    person watches before letting go. Raises AssertionError if it never gets there."""
    handle = target.element_handle()
    seen = []
    for step in range(PLACING_STEPS):
        where = page.evaluate(_PLACEHOLDER, [handle, below])
        if where["placed"]:
            return
        seen.append(where["state"])
        # A pixel aside every other step: a pointer that does not move reports nothing.
        page.mouse.move(where["x"] + step % 2, where["y"])
    raise AssertionError(
        f"the held card's placeholder never reached its place: first {seen[:3]}, last {seen[-3:]}"
    )


def pick_up(page, source) -> None:
    """Press the mouse on the card `source` (on its title) and move it a little: the card is
    held. The card must be in the window."""
    held = source.element_handle()  # the card itself: once held, its copy matches too
    # A card still sliding into its place (SortableJS's `animated`, for its 120 ms) ignores a
    # press, as it moves under the finger: wait until it stands.
    page.wait_for_function("(card) => !card.animated", arg=held)
    start = source.locator(".composer-entry__title").bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 8, steps=4)
    # Held: SortableJS marks the card and makes the copy that follows the pointer.
    page.wait_for_function(
        "(card) => card.classList.contains('composer-entry--chosen')"
        " && !!document.querySelector('.sortable-fallback')",
        arg=held,
    )


def drag_card(page, source, target, *, below: bool = False):
    """Drag the card `source` to just before `target` (or just after it, `below`) with the
    mouse, as a person does: pick it up, carry it until its placeholder stands there, let go.
    Returns the answer to the move's POST (what the user waits for: the page says where the
    entry went). Both cards must be in the window."""
    held = source.element_handle()  # the card itself: once held, its copy matches too
    with page.expect_response(
        lambda response: "/move/" in response.url and response.request.method == "POST"
    ) as answer:
        pick_up(page, source)
        hold_over(page, target, below=below)
        page.mouse.up()
    # The answer is in once the page has read it (htmx takes its class off the card then): the
    # next drag must not start while the page still puts this one's card in its place.
    page.wait_for_function("(card) => !card.classList.contains('htmx-request')", arg=held)
    return answer.value


# --- holding requests, so that a test forces the order in which racing answers arrive ---------

HELD_WAIT = 20_000  # ms: how long to wait for a request to be held; a loaded machine is slow


class Held(list):
    """The routes of the requests a test holds, in the order the page sent them."""

    def __init__(self, page, pattern, method):
        super().__init__()
        self.page = page
        self.matches = lambda request: (
            bool(pattern.search(request.url)) and (request.method == method)
        )
        self.sent = 0  # such requests the page has sent (their route may come a moment later)
        page.on("request", self._count)

    def _count(self, request):
        if self.matches(request):
            self.sent += 1

    def first(self):
        """The first held route, once the page has sent the request: waits for the request
        itself, then lets Playwright hand its route to the handler (its event follows the
        request's, and a round trip to the page lets it be dispatched)."""
        if not self.sent:
            self.page.wait_for_event("request", self.matches, timeout=HELD_WAIT)
        for _ in range(10):
            if self:
                return self[0]
            self.page.evaluate("0")
        raise AssertionError("the request was sent but its route never reached the test")


@contextlib.contextmanager
def holding(page, pattern, method="GET"):
    """Hold the page's requests to `pattern` (of `method`; others pass) in the Held yielded,
    for the test to fetch and fulfil; on leaving, the rest go on as sent (and none is left
    hanging when the test fails)."""
    held = Held(page, pattern, method)

    def hold(route):
        if held.matches(route.request):
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, hold)
    try:
        yield held
    finally:
        page.remove_listener("request", held._count)
        page.unroute(pattern, hold)
        for route in held:
            with contextlib.suppress(PlaywrightError):  # fulfilled by the test already
                route.continue_()


AXE = (
    Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe-core" / "axe.min.js"
).read_text(encoding="utf-8")


RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


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


def _log_in(page, username: str) -> None:
    """Log in whatever the interface language (the shared helper reads English labels)."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
