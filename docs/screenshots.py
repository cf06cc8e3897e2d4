"""`make screenshots`: take the screenshots in docs/ again: the composer, and the WeChat copy.

A throwaway SQLite database in a temporary folder gets the demo accounts (load_demo) and the
real issue 2024/32 from ../shared/samples/2024-32.md as a draft (or, without the sample, the demo
draft 2026/2). The development server serves it on a free loopback port, and Debian's Chromium
(through Playwright, as in the browser tests) logs in as the demo editor and photographs the
composer in the default interface language:

- desk: a 1280 × 900 CSS px window, what is on screen when the composer opens;
- phone: a 390 × 844 CSS px window at device scale 2 with touch, the first screen.

Then the issue's WeChat copy: its page on the desk, in the light and the dark colour scheme
(wechat-desk.png, wechat-desk-dark.png), and the copied HTML alone at WeChat's width, 375 CSS px
(wechat-phone.png, the whole article), and the same as WeChat's dark mode shows it, simulated by
inverting the page's lightness and keeping its hues (wechat-phone-dark.png).

The Chinese text needs a CJK font (Debian: fonts-noto-cjk); without one Chromium draws boxes, so
the script refuses to run. The project's own database (db.sqlite3) is never touched.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLE = ROOT.parent / "shared" / "samples" / "2024-32.md"
CHROMIUM = Path("/usr/bin/chromium")
DESK = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
EDITOR = ("editor", "digest-editor-demo")  # the demo account load_demo creates


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(fonts.stdout.strip())


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_serving(url: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the development server stopped; see its output above")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - the loopback server started above
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise SystemExit(f"the development server did not answer at {url}")


WECHAT_WIDTH = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2}
# WeChat's dark mode recolours an article for its dark page; inverting lightness while keeping
# hues is the closest a browser comes to it.
WECHAT_DARK = "html { background: #ffffff; filter: invert(1) hue-rotate(180deg); }"


def logged_in_page(browser, base_url: str, options: dict):
    context = browser.new_context(base_url=base_url, timezone_id="Asia/Shanghai", **options)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(EDITOR[0])
    page.locator("input[name=password]").fill(EDITOR[1])
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def save(page, name: str, *, full_page: bool = False) -> None:
    page.evaluate("document.fonts.ready")
    target = ROOT / "docs" / name
    page.screenshot(path=str(target), full_page=full_page)
    print(f"wrote {target.relative_to(ROOT)}")
    page.context.close()


def photograph(browser, base_url: str, composer: str, name: str, options: dict) -> None:
    page = logged_in_page(browser, base_url, options)
    page.goto(composer)
    page.locator(".composer-entry").first.wait_for()
    save(page, name)


def photograph_wechat(browser, base_url: str, issue: str) -> None:
    for scheme, name in (("light", "wechat-desk.png"), ("dark", "wechat-desk-dark.png")):
        page = logged_in_page(browser, base_url, {**DESK, "color_scheme": scheme})
        page.goto(issue + "wechat/")
        page.frame_locator("iframe").locator("h1").wait_for()
        save(page, name)
    for dark, name in ((False, "wechat-phone.png"), (True, "wechat-phone-dark.png")):
        page = logged_in_page(browser, base_url, WECHAT_WIDTH)
        page.goto(issue + "wechat.html")
        if dark:
            page.add_style_tag(content=WECHAT_DARK)
        save(page, name, full_page=True)


def main() -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    if not has_cjk_font():
        raise SystemExit("no font with Chinese characters (apt-get install fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="digest-screenshots-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_demo")
        if SAMPLE.exists():
            manage(env, "import_issue", "--draft", str(SAMPLE))
            composer = "/editorial/issues/2024/32/"
        else:
            composer = "/editorial/issues/2026/2/"
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_serving(f"{base_url}/accounts/login/", server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--headless=new", "--no-sandbox"]
                )
                photograph(browser, base_url, composer, "composer-desk.png", DESK)
                photograph(browser, base_url, composer, "composer-phone.png", PHONE)
                photograph_wechat(browser, base_url, composer)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
