"""Reader pages: the latest issue, the archive, one issue and its earlier revisions, markdown
downloads, search, the Atom feed, and the editors' preview of an issue's current content.

Readers see frozen revisions (selectors.reader explains which). HTML pages send an ETag and
Last-Modified and keep their visitor-independent part in Django's cache (editorial.reader.caching).
Cache-Control is set by editorial.reader.cache: public for anonymous visitors, whose whole
responses it also keeps, private for logged-in ones.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from editorial.canonical import to_chinese_numeral
from editorial.models import Issue
from editorial.reader import cache as reader_cache
from editorial.reader import caching, selectors
from editorial.reader.feeds import LatestIssuesFeed
from editorial.reader.selectors import IssuePage
from editorial.roles import is_editor
from editorial.store import issue_to_data, with_source_names

SEARCH_PAGE_SIZE = 20
DESCRIPTION_CHARS = 200
MARKDOWN_MAX_AGE = 0  # the current .md can change with a correction: the reader policy
REVISION_MARKDOWN_MAX_AGE = 86400  # a numbered revision never changes


_now = reader_cache.reader_now
_memo = reader_cache.reader_memo


def _issue_page(request, year, number, revision=None) -> IssuePage | None:
    return _memo(
        request,
        ("issue", year, number, revision),
        lambda: selectors.issue_page(year, number, _now(request), revision),
    )


def _latest_page(request) -> IssuePage | None:
    return _memo(request, ("latest",), lambda: selectors.newest_issue_page(_now(request)))


def _validated_by(load_page, kind: str):
    """condition() with an ETag and Last-Modified taken from the page's revisions: the one
    shown, and the latest (an older revision's page lists the newer ones)."""

    def etag(request, *args, **kwargs):
        page = load_page(request, *args, **kwargs)
        if page is None:
            return None
        current = page.current
        return caching.page_etag(request, kind, current.checksum[:16], current.pk, page.latest.pk)

    def last_modified(request, *args, **kwargs):
        page = load_page(request, *args, **kwargs)
        return caching.revision_last_modified(page.latest) if page else None

    return condition(etag_func=etag, last_modified_func=last_modified)


# Issue pages.


def _heading(publication: str, year: int, number: int) -> str:
    return f"{publication} {year} 年第{to_chinese_numeral(number)}期"


def _description(data) -> str:
    if data is None:
        return ""
    titles = [entry.title for section in data.sections for entry in section.entries]
    return Truncator(" · ".join(titles)).chars(DESCRIPTION_CHARS)


def _article_context(issue, data, **extra) -> dict:
    entry_count = sum(len(s.entries) for s in data.sections) if data else 0
    return {
        "issue_data": data,
        "year": issue.year,
        "number": issue.number,
        "heading": _heading(
            data.publication if data else settings.DIGEST_PUBLICATION, issue.year, issue.number
        ),
        "entry_count": entry_count,
        "issue_url": reverse("reader:issue", args=[issue.year, issue.number]),
        **extra,
    }


def _revision_contents(revision) -> dict:
    """The table of contents and the entries of a published revision, rendered in the current
    language, and what the <head> needs of them. A revision never changes, so this is rendered
    once and kept DIGEST_REVISION_CACHE_SECONDS, whatever is published or corrected after it."""

    def render():
        markdown, source_names = selectors.revision_markdown_and_sources(revision.pk)
        data = selectors.revision_issue_data(markdown)
        html = ""
        if data is not None:
            data = with_source_names(data, source_names)
            context = {"issue_data": data}
            html = render_to_string("reader/_issue_toc.html", context) + render_to_string(
                "reader/_issue_body.html", context
            )
        return {
            "html": html,
            "raw_markdown": markdown if data is None else "",
            "publication": data.publication if data else settings.DIGEST_PUBLICATION,
            "entry_count": sum(len(s.entries) for s in data.sections) if data else 0,
            "description": _description(data),
        }

    key = caching.fragment_key("revision", revision.pk, revision.checksum[:16])
    return caching.cached_fragment(key, render, settings.DIGEST_REVISION_CACHE_SECONDS)


def _render_article(page: IssuePage, mode: str) -> dict:
    """The visitor-independent part of an issue page, and what the <head> needs of it."""
    contents = _revision_contents(page.current)
    issue = page.issue
    heading = _heading(contents["publication"], issue.year, issue.number)
    context = {
        "contents_html": mark_safe(contents["html"]),  # noqa: S308 - our own templates
        "raw_markdown": contents["raw_markdown"],
        "year": issue.year,
        "number": issue.number,
        "heading": heading,
        "entry_count": contents["entry_count"],
        "issue_url": reverse("reader:issue", args=[issue.year, issue.number]),
        "mode": mode,
        "current": page.current,
        "latest": page.latest,
        "revisions": page.revisions,
        "first_published": page.revisions[-1].published_at,
        "markdown_url": _markdown_url(page),
        "markdown_filename": _markdown_filename(
            page.issue.year, page.issue.number, None if page.is_current else page.current.number
        ),
    }
    return {
        "html": render_to_string("reader/_issue_article.html", context),
        "heading": heading,
        "description": contents["description"],
    }


def _markdown_filename(year: int, number: int, revision: int | None = None) -> str:
    """The name a markdown file is saved as: 2024-32.md, or 2024-32-r2.md for a revision."""
    return f"{year}-{number}-r{revision}.md" if revision else f"{year}-{number}.md"


def _markdown_url(page: IssuePage) -> str:
    issue = page.issue
    if page.is_current:
        return reverse("reader:issue_markdown", args=[issue.year, issue.number])
    return reverse("reader:revision_markdown", args=[issue.year, issue.number, page.current.number])


def _editor_tools(request, issue) -> dict | None:
    if not (request.user.is_authenticated and is_editor(request.user)):
        return None
    return {
        "preview_url": reverse("reader:issue_preview", args=[issue.year, issue.number]),
        "composer_url": issue.get_composer_url(),
    }


def _render_issue(request, page: IssuePage, mode: str) -> HttpResponse:
    fragment = caching.cached_fragment(
        caching.fragment_key("article", mode, page.current.pk, page.latest.pk),
        lambda: _render_article(page, mode),
    )
    issue = page.issue
    if mode == "latest":
        canonical = reverse("reader:latest")
    elif page.is_current:
        canonical = issue.get_absolute_url()
    else:
        canonical = reverse("reader:revision", args=[issue.year, issue.number, page.current.number])
    title = fragment["heading"]
    if not page.is_current:
        title = _("%(heading)s, revision %(number)s") % {
            "heading": title,
            "number": page.current.number,
        }
    context = {
        "article": mark_safe(fragment["html"]),  # noqa: S308 - rendered by our own template
        "page_title": title,
        "description": fragment["description"],
        "canonical_url": request.build_absolute_uri(canonical),
        "markdown_url": _markdown_url(page),
        "noindex": not page.is_current,
        "editor_tools": _editor_tools(request, issue),
    }
    return render(request, "reader/issue.html", context)


def _not_visible(request, year, number):
    """Unknown to readers: 404, or for an editor the preview of an issue that exists."""
    if (
        request.user.is_authenticated
        and is_editor(request.user)
        and selectors.is_valid_issue_number(year, number)
        and Issue.objects.filter(year=year, number=number).exists()
    ):
        return redirect("reader:issue_preview", year, number)
    raise Http404(_("No published issue has this number."))


@require_safe
@_validated_by(_latest_page, "latest")
def latest(request):
    """The newest visible issue, or a friendly word when there is none yet."""
    page = _latest_page(request)
    if page is None:
        return render(request, "reader/latest_empty.html")
    return _render_issue(request, page, "latest")


@require_safe
@_validated_by(_issue_page, "issue")
def issue_detail(request, year, number):
    """One issue as readers see it: its latest visible revision."""
    page = _issue_page(request, year, number)
    if page is None:
        return _not_visible(request, year, number)
    return _render_issue(request, page, "issue")


@require_safe
@_validated_by(_issue_page, "revision")
def revision_detail(request, year, number, revision):
    """One numbered revision of an issue, as it was published."""
    page = _issue_page(request, year, number, revision)
    if page is None:
        raise Http404(_("This issue has no published revision with this number."))
    return _render_issue(request, page, "revision")


@require_safe
def issue_preview(request, year, number):
    """The issue's current content, published or not, for editors and reviewers only."""
    if not is_editor(request.user) or not selectors.is_valid_issue_number(year, number):
        raise Http404(_("No issue has this number."))
    issue = Issue.objects.filter(year=year, number=number).first()
    if issue is None:
        raise Http404(_("No issue has this number."))
    data = issue_to_data(issue)
    context = _article_context(issue, data, mode="preview", revisions=[])
    response = render(
        request,
        "reader/issue.html",
        {
            "article": mark_safe(render_to_string("reader/_issue_article.html", context)),  # noqa: S308
            "page_title": _("Preview: %(heading)s") % {"heading": context["heading"]},
            "description": _description(data),
            "canonical_url": request.build_absolute_uri(issue.get_absolute_url()),
            "noindex": True,
            "preview": {"status": issue.get_status_display()},
            "editor_tools": {"composer_url": issue.get_composer_url()},
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Markdown downloads.


def _markdown_revision(request, year, number, revision=None):
    return _memo(
        request,
        ("markdown", year, number, revision),
        lambda: selectors.visible_revision(year, number, _now(request), revision),
    )


def _markdown_etag(request, year, number, revision=None):
    found = _markdown_revision(request, year, number, revision)
    return caching.file_etag("md", found.checksum[:32], found.number) if found else None


def _markdown_last_modified(request, year, number, revision=None):
    found = _markdown_revision(request, year, number, revision)
    return caching.revision_last_modified(found) if found else None


def _markdown_response(found, filename: str, max_age: int) -> HttpResponse:
    if found is None:
        raise Http404(_("No published issue has this number."))
    response = HttpResponse(
        found.markdown.encode("utf-8"), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if max_age:  # the same bytes for everyone, for good
        patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
@condition(etag_func=_markdown_etag, last_modified_func=_markdown_last_modified)
def issue_markdown(request, year, number):
    """The canonical markdown of the issue as readers see it, byte for byte."""
    found = _markdown_revision(request, year, number)
    return _markdown_response(found, _markdown_filename(year, number), MARKDOWN_MAX_AGE)


@require_safe
@condition(etag_func=_markdown_etag, last_modified_func=_markdown_last_modified)
def revision_markdown(request, year, number, revision):
    """The markdown of one numbered revision, byte for byte."""
    found = _markdown_revision(request, year, number, revision)
    return _markdown_response(
        found, _markdown_filename(year, number, revision), REVISION_MARKDOWN_MAX_AGE
    )


# Archive, feed, search.


_publication_state = reader_cache.publication_state


def _archive_years(issues):
    years: dict[int, list] = {}
    for issue in issues:  # already newest first
        years.setdefault(issue.year, []).append(issue)
    return list(years.items())


def _archive_etag(request):
    state = _publication_state(request)
    return caching.page_etag(request, "archive", state.key)


def _archive_last_modified(request):
    return _publication_state(request).last_at


@require_safe
@condition(etag_func=_archive_etag, last_modified_func=_archive_last_modified)
def archive(request):
    """Every visible issue, by year, newest first."""
    state = _publication_state(request)
    html = caching.cached_fragment(
        caching.fragment_key("archive", state.key),
        lambda: render_to_string(
            "reader/_archive_list.html",
            {"years": _archive_years(selectors.archive_issues(_now(request)))},
        ),
    )
    context = {
        "archive": mark_safe(html),  # noqa: S308 - rendered by our own template
        "canonical_url": request.build_absolute_uri(reverse("reader:archive")),
    }
    return render(request, "reader/archive.html", context)


def _feed_etag(request):
    state = _publication_state(request)
    return caching.file_etag("feed", state.key, caching.FRAGMENT_VERSION)


def _feed_last_modified(request):
    return _publication_state(request).last_at


@require_safe
@condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)
def feed(request):
    """The Atom feed of the latest issues, in the site's language whatever the visitor's (one
    document per URL, so shared caches and feed readers all see the same)."""
    state = _publication_state(request)

    def render_feed():
        response = LatestIssuesFeed(now=_now(request))(request)
        return {"content_type": response["Content-Type"], "content": response.content}

    with translation.override(settings.LANGUAGE_CODE):
        # Its links and ids come from DIGEST_SITE_URL, never from the request: one feed.
        cached = caching.cached_fragment(caching.fragment_key("feed", state.key), render_feed)
    response = HttpResponse(cached["content"], content_type=cached["content_type"])
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


@require_safe
def search(request):
    """Titles and summaries of visible issues containing the query, highlighted and paginated;
    an htmx request gets only the results."""
    query, shortened = selectors.clean_search_query(request.GET.get("q", ""))
    hits = selectors.search_entries(query, _now(request)) if query else []
    limit = selectors.SEARCH_MAX_RESULTS
    page_obj = None
    if query:
        page_obj = Paginator(hits[:limit], SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    notice = ""
    if shortened:
        notice = _("Your search was shortened to its first %(max)d characters.") % {
            "max": selectors.SEARCH_QUERY_MAX
        }
    context = {
        "q": query,
        "notice": notice,
        "page_obj": page_obj,
        "more_than_limit": len(hits) > limit,
        "limit": limit,
    }
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    template = "reader/search.html#results" if fragment else "reader/search.html"
    response = render(request, template, {**context, "fragment": fragment})
    patch_vary_headers(response, ["HX-Request"])
    return response
