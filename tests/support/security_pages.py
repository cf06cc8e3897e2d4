"""Every page and fragment that shows what editors wrote, walked and parsed."""

from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from tests.support import security_checks as checks
from tests.support.factories import english_client
from tests.support.payloads import HOSTILE_HTTP_URLS, REFUSED_URLS, TEXT_PAYLOADS


def client_for(user=None) -> Client:
    client = english_client()
    if user is not None:
        client.force_login(user)
    return client


def pages(world) -> list[tuple[str, str, dict, bool]]:
    """(who, url, extra request headers, whether it must show payloads) for every page and
    fragment that shows what editors wrote."""
    published, in_review, flagged = world["published"], world["in_review"], world["flagged"]
    p, r = (published.year, published.number), (in_review.year, in_review.number)
    entry = flagged.pk
    section = flagged.section_id
    htmx = {"HTTP_HX_REQUEST": "true"}
    search = reverse("reader:search") + "?" + urlencode({"q": "XSS"})
    hostile_search = reverse("reader:search") + "?" + urlencode({"q": TEXT_PAYLOADS[0]})
    check_url = reverse("editorial:check_url") + "?"
    return [
        ("reader", reverse("reader:latest"), {}, True),
        ("reader", reverse("reader:archive"), {}, False),
        ("reader", reverse("reader:issue", args=p), {}, True),
        ("reader", reverse("reader:revision", args=[*p, 1]), {}, True),
        ("reader", search, {}, True),
        ("reader", search, htmx, True),
        ("reader", hostile_search, {}, False),
        ("editor", reverse("reader:issue_preview", args=r), {}, True),
        ("editor", reverse("editorial:dashboard"), {}, False),
        ("editor", reverse("editorial:composer", args=r), {}, True),
        ("editor", reverse("editorial:composer", args=r), htmx, True),
        ("editor", reverse("editorial:composer", args=p), {}, True),
        ("editor", reverse("editorial:preview", args=r), {}, True),
        ("editor", reverse("editorial:preview", args=r), htmx, True),
        ("editor", reverse("editorial:history", args=p), {}, True),
        ("editor", reverse("editorial:history", args=r), {}, True),
        ("editor", reverse("editorial:entry", args=[entry]), {}, True),
        ("editor", reverse("editorial:entry", args=[entry]), htmx, True),
        ("editor", reverse("editorial:entry_edit", args=[entry]), {}, True),
        ("editor", reverse("editorial:entry_edit", args=[entry]), htmx, True),
        ("editor", reverse("editorial:entry_move", args=[entry]), {}, False),
        ("editor", reverse("editorial:entry_delete", args=[entry]), {}, False),
        ("editor", reverse("editorial:section_rename", args=[section]), {}, False),
        ("editor", reverse("editorial:section_delete", args=[section]), {}, False),
        ("editor", check_url + urlencode({"url": HOSTILE_HTTP_URLS[0]}), {}, False),
        ("editor", check_url + urlencode({"url": REFUSED_URLS[0]}), htmx, False),
        ("editor", reverse("editorial:wechat", args=r), {}, False),
        ("editor", reverse("editorial:wechat", args=r), htmx, False),
        ("editor", reverse("editorial:wechat", args=p), {}, False),
        ("editor", reverse("editorial:wechat_html", args=r), {}, True),
        ("editor", reverse("editorial:wechat_html", args=p), {}, True),
        ("reviewer", reverse("editorial:review_list"), {}, False),
        ("reviewer", reverse("editorial:review_issue", args=r), {}, True),
        ("reviewer", reverse("editorial:review_issue", args=r), htmx, True),
        ("reviewer", reverse("editorial:review_issue", args=p), {}, True),
        ("admin", reverse("admin:editorial_entry_changelist"), {}, True),
        ("admin", reverse("admin:editorial_entry_change", args=[entry]), {}, False),
        ("admin", reverse("admin:editorial_auditevent_changelist"), {}, True),
    ]


def with_further_pages(listed, clients):
    """The pages, and for each paginated one (history, search) every further page reachable
    through its page links."""
    for who, url, headers, must_show in listed:
        yield who, url, headers, must_show
        if headers or not ("history" in url or "search" in url):
            continue
        base = url.split("?", 1)[0]
        seen, queue = {url}, [url]
        while queue:
            root = checks.parse_html(clients[who].get(queue.pop()).content)
            for a in root.iter("a"):
                href = a.get("href") or ""
                if "page=" in href:
                    further = base + href[href.index("?") :]
                    if further not in seen:
                        seen.add(further)
                        queue.append(further)
                        yield who, further, {}, False


def assert_pages_carry_nothing_executable(world, people) -> set[str]:
    """Fetch every page of `world` as the right person, parse it, assert nothing in it is
    executable and that the pages meant to show content show payloads; the markers seen."""
    clients = {
        "reader": client_for(),
        "editor": client_for(people["editor"]),
        "reviewer": client_for(people["reviewer"]),
        "admin": client_for(people["admin"]),
    }
    found = {}
    shown = set()
    for who, url, headers, must_show in with_further_pages(pages(world), clients):
        response = clients[who].get(url, **headers)
        assert response.status_code == 200, (who, url, response.status_code)
        # The WeChat copy is inline styles by design (its own CSP allows those and nothing else).
        styled = url.endswith("/wechat.html")
        problems, markers = checks.html_problems(
            response.content, admin=who == "admin", inline_styles=styled
        )
        if problems:
            found[(who, url, bool(headers))] = problems
        shown |= markers
        if must_show:
            assert markers, f"no payload reached {url}: the check would prove nothing there"
    assert found == {}, found
    return shown
