"""The inbox page's poll: requests per minute from one open tab with 100 links being fetched.

Run by bench/run.py in its own process with the production settings on a throwaway SQLite
database, served by gunicorn. The page is the real one in Chromium (Playwright, /usr/bin/chromium,
as the browser tests), its clock Playwright's: paused, then moved on a second at a time for
SIMULATED_MINUTES, each question the page asks answered by the server before the clock moves
again. So the count is exactly what the page's script (static/js/inbox-poll.js) sends over that
period, whatever the speed of the machine; nothing is fetched meanwhile (no worker runs), so
the page sees no change, which is when it asks least often, then stops.
"""

import argparse
import datetime
import os
import re
from pathlib import Path

from bench.common import emit, migrate, setup_django
from bench.server import gunicorn

PENDING = 100
SIMULATED_MINUTES = 5
POLL = re.compile(r"/editorial/inbox/changes/")
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
# The schedule the page followed before: every card being fetched asked for itself every 2 s.
PER_CARD_EVERY_S = 2


def session_cookie(user) -> tuple[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def count_requests(port: int, cookie: tuple[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    base = f"http://127.0.0.1:{port}"
    polls, others, asked, statuses = [], [], [], set()

    def answered(response):
        if POLL.search(response.url):
            statuses.add(response.status)

    def seen(request):
        if POLL.search(request.url):
            polls.append(request.url)
            asked.append((request.post_data or "").count("item="))
        elif request.url.startswith(base):
            others.append(request.url)

    per_minute = [0] * SIMULATED_MINUTES
    other = [0] * SIMULATED_MINUTES
    stopped_after_s = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base)
        name, value = cookie
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        page.clock.install(time=START)
        page.clock.pause_at(START + datetime.timedelta(seconds=1))
        page.goto("/editorial/inbox/")
        assert page.locator("[data-inbox-pending]").count() == PENDING
        page.on("request", seen)
        page.on("response", answered)
        state = "() => document.getElementById('inbox-live').dataset.poll"
        for second in range(SIMULATED_MINUTES * 60):
            before = len(polls), len(others)
            page.clock.run_for(1000)
            # Answered before the clock moves on (so its request event has been seen too).
            page.wait_for_function(f"{state} !== 'asking'")
            per_minute[second // 60] += len(polls) - before[0]
            other[second // 60] += len(others) - before[1]
            if stopped_after_s is None and page.evaluate(state) == "stopped":
                stopped_after_s = second + 1
        browser.close()
    # Every question was answered "nothing changed" (a refusal would stop the page asking).
    assert statuses == {204}, statuses
    return {
        "poll_requests_per_minute": per_minute,
        "other_requests_per_minute": other,
        "items_per_request": sorted(set(asked)),
        "stopped_after_s": stopped_after_s,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    setup_django()
    migrate()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    from editorial.links import url_key
    from editorial.models import InboxItem
    from tests.support.factories import make_user

    user = make_user("editor", username="bench-editor")
    InboxItem.objects.bulk_create(
        InboxItem(url=url, url_key=url_key(url))
        for url in (f"https://example.com/pending/{n}" for n in range(PENDING))
    )
    with gunicorn(dict(os.environ), log=Path(args.log)) as port:
        result = count_requests(port, session_cookie(user))
    result.update(
        pending=PENDING,
        simulated_minutes=SIMULATED_MINUTES,
        per_card_before_per_minute=PENDING * 60 // PER_CARD_EVERY_S,
    )
    emit(result)


if __name__ == "__main__":
    main()
