"""Every editorial form as its form class renders it: the limits of the models, a label for each
field, ids unique on a page with many forms, aria-describedby naming elements that exist, and
posts under the form's prefix (as the page sends them) or without it, through htmx and plain."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from editorial import services
from editorial.form_rendering import model_limit
from editorial.models import Comment, Entry, EntryStatus, IssueStatus, Section
from tests.support.factories import english_client, make_issue, make_user
from tests.support.htmx import HTMX

pytestmark = pytest.mark.django_db

FIELDS = ("input", "select", "textarea")


class Page(HTMLParser):
    """The ids, labels and form fields of an HTML page or fragment."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.fields: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_for.append(attrs["for"])
        if tag in FIELDS and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append({"tag": tag, **attrs})

    def named(self, suffix: str) -> list[dict]:
        return [field for field in self.fields if field.get("name", "").endswith(suffix)]


def _limits():
    """The stored limit of each field a form posts, by the end of its name and the form."""
    return {
        ("add-", "-title"): model_limit(Entry, "title"),
        ("add-", "-url"): model_limit(Entry, "url"),
        ("add-", "-summary"): model_limit(Entry, "summary"),
        ("edit-", "-title"): model_limit(Entry, "title"),
        ("edit-", "-url"): model_limit(Entry, "url"),
        ("edit-", "-summary"): model_limit(Entry, "summary"),
        ("rename-", "-title"): model_limit(Section, "title"),
        ("section-create-", "-title"): model_limit(Section, "title"),
    }


def assert_fields_are_labelled_and_described(page: Page) -> None:
    """Every field has an id, exactly one label for it, and its aria-describedby names ids
    of the page; no id is used twice."""
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    assert not duplicates, f"ids used more than once: {duplicates}"
    for field in page.fields:
        assert field.get("id"), field
        assert page.label_for.count(field["id"]) == 1, field
        for described in field.get("aria-describedby", "").split():
            assert described in page.ids, (field["id"], described)


@pytest.fixture
def busy_issue(editor):
    """A draft issue of three sections, three entries each: many forms of each kind."""
    sections = {
        title: [(f"{title} {i}", f"https://example.com/{s}/{i}", f"摘要 {i}") for i in range(3)]
        for s, title in enumerate(["甲", "乙", "丙"])
    }
    return make_issue(2024, 40, sections, author=editor)


@pytest.fixture
def editor_client(editor):
    client = english_client()
    client.force_login(editor)
    return client


def test_the_composer_page_has_one_form_of_each_kind_per_section_with_unique_ids(
    editor_client, busy_issue
):
    html = editor_client.get(reverse("editorial:composer", args=[2024, 40])).content.decode()
    page = Page(html)
    assert_fields_are_labelled_and_described(page)
    sections = list(busy_issue.sections.order_by("position"))
    forms = {f"rename-{section.pk}-form" for section in sections}
    assert forms <= set(page.ids)
    assert len(page.named("-title")) == len(sections) + 1  # a rename each, the new section
    # The add and quick-add forms are fetched when their panel opens, each under its prefix.
    for section in sections:
        for name, kind in (("entry_create", "add"), ("quick_add", "quick")):
            url = reverse(f"editorial:{name}", args=[section.pk])
            panel = Page(editor_client.get(url, headers={"HX-Request": "true"}).content.decode())
            assert_fields_are_labelled_and_described(panel)
            assert f"{kind}-{section.pk}-form" in panel.ids
        add = Page(
            editor_client.get(
                reverse("editorial:entry_create", args=[section.pk]),
                headers={"HX-Request": "true"},
            ).content.decode()
        )
        assert add.named(f"add-{section.pk}-url")[0]["id"] == f"add-{section.pk}-url"
        quick = Page(
            editor_client.get(
                reverse("editorial:quick_add", args=[section.pk]), headers={"HX-Request": "true"}
            ).content.decode()
        )
        assert quick.named(f"quick-{section.pk}-text")[0]["aria-describedby"] == (
            f"quick-{section.pk}-text_helptext"
        )


def test_every_text_field_has_the_limit_of_its_model(editor_client, busy_issue):
    entry = Entry.objects.filter(section__issue=busy_issue).first()
    sections = list(busy_issue.sections.all())
    urls = [
        reverse("editorial:composer", args=[2024, 40]),
        reverse("editorial:entry_edit", args=[entry.pk]),
        *(reverse("editorial:entry_create", args=[section.pk]) for section in sections),
    ]
    pages = [editor_client.get(url).content.decode() for url in urls]
    checked = 0
    for html in pages:
        page = Page(html)
        for (prefix, suffix), limit in _limits().items():
            for field in page.named(suffix):
                if field["name"].startswith(prefix):
                    assert field["maxlength"] == str(limit), field
                    checked += 1
    assert checked == 3 * 1 + 1 + 3 + 3 * 3  # rename per section, new section, edit, add


def test_the_review_forms_have_the_comment_limit_and_their_own_ids(busy_issue, editor):
    busy_issue.status = IssueStatus.IN_REVIEW
    busy_issue.save()
    Entry.objects.filter(section__issue=busy_issue).update(status=EntryStatus.SUBMITTED)
    entry = Entry.objects.filter(section__issue=busy_issue).first()
    for body in ("一", "二"):
        Comment.objects.create(entry=entry, author=editor, body=body)
    reviewer = make_user("reviewer", username="rita")
    client = english_client()
    client.force_login(reviewer)
    review = client.get(reverse("editorial:review_issue", args=[2024, 40])).content.decode()
    page = Page(review)
    assert_fields_are_labelled_and_described(page)
    limit = str(model_limit(Comment, "body"))
    comments = page.named("comment") + page.named("body")
    assert len(comments) >= 4  # request changes, a reply per comment, a new comment
    assert all(field["maxlength"] == limit for field in comments)
    block = client.get(reverse("editorial:entry_review", args=[entry.pk]), **HTMX)
    assert_fields_are_labelled_and_described(Page(block.content.decode()))


def test_the_move_and_new_issue_forms_are_labelled(editor_client, busy_issue):
    entry = Entry.objects.filter(section__issue=busy_issue).first()
    move_url = reverse("editorial:entry_move", args=[entry.pk])
    assert_fields_are_labelled_and_described(Page(editor_client.get(move_url).content.decode()))
    move = Page(editor_client.get(move_url, **HTMX).content.decode())
    assert_fields_are_labelled_and_described(move)
    assert {field["name"] for field in move.fields} == {"section", "position"}
    assert move.named("section")[0]["id"] == f"move-{entry.pk}-section"
    new = Page(editor_client.get(reverse("editorial:issue_create")).content.decode())
    assert_fields_are_labelled_and_described(new)
    number = new.named("number")[0]
    assert number["aria-describedby"] == "id_number_helptext"
    assert number["data-suggested"] == "#id_number_helptext"


def test_an_invalid_field_is_marked_and_described_by_its_error(editor_client, busy_issue):
    section = busy_issue.sections.first()
    url = reverse("editorial:entry_create", args=[section.pk])
    prefix = f"add-{section.pk}"
    response = editor_client.post(
        url, {f"{prefix}-title": "好标题", f"{prefix}-url": "ftp://x.org/", f"{prefix}-summary": ""}
    )
    html = response.content.decode()
    page = Page(html)
    assert_fields_are_labelled_and_described(page)
    field = page.named(f"{prefix}-url")[0]
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"] == f"{prefix}-url-check {prefix}-url_error"
    assert f'<p class="field__error" id="{prefix}-url_error">URL: only absolute' in html
    assert 'class="form-errors" role="alert"' in html and f'href="#{prefix}-url"' in html
    assert page.named(f"{prefix}-title")[0].get("aria-invalid") is None
    htmx = editor_client.post(url, {f"{prefix}-title": "", f"{prefix}-url": ""}, **HTMX)
    assert htmx.status_code == 422
    assert not Entry.objects.filter(section=section, title="好标题").exists()


@pytest.mark.parametrize("prefixed", [True, False], ids=["prefixed", "plain-names"])
@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_composer_forms_take_their_prefixed_names(editor_client, busy_issue, prefixed, mode):
    """Each form posts its fields under its prefix; a post with the plain names (a script, a
    page drawn before the prefixes) is read the same."""
    headers = HTMX if mode == "htmx" else {}
    section = busy_issue.sections.order_by("position").first()
    entry = section.entries.order_by("position").first()

    def named(prefix, **fields):
        return {(f"{prefix}-{k}" if prefixed else k): v for k, v in fields.items()}

    def post(url, data):
        response = editor_client.post(url, data, **headers)
        assert response.status_code == (200 if mode == "htmx" else 302), response.content
        return response

    post(
        reverse("editorial:entry_create", args=[section.pk]),
        named(f"add-{section.pk}", title="新条目", url="https://example.org/new", summary="新"),
    )
    assert section.entries.filter(title="新条目", url="https://example.org/new").exists()
    post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        named(
            f"edit-{entry.pk}",
            title="改过",
            url=entry.url,
            summary=entry.summary,
            version=entry.version,
        ),
    )
    entry.refresh_from_db()
    assert (entry.title, entry.version) == ("改过", 2)
    post(
        reverse("editorial:quick_add", args=[section.pk]),
        named(
            f"quick-{section.pk}",
            text="快一\nhttps://example.org/q1\n\n快二\nhttps://example.org/q2\n",
        ),
    )
    assert section.entries.filter(title__in=["快一", "快二"]).count() == 2
    post(
        reverse("editorial:section_rename", args=[section.pk]),
        named(f"rename-{section.pk}", title="新名字"),
    )
    section.refresh_from_db()
    assert section.title == "新名字"
    post(
        reverse("editorial:section_create", args=[2024, 40]),
        named("section-create", title="新栏目"),
    )
    assert busy_issue.sections.filter(title="新栏目").exists()


def test_a_refused_post_answers_with_the_form_under_its_prefix(editor_client, busy_issue):
    """A form answered with its errors keeps the ids of the page it goes back into, whichever
    names the post used."""
    section = busy_issue.sections.first()
    url = reverse("editorial:section_rename", args=[section.pk])
    other = busy_issue.sections.exclude(pk=section.pk).first()
    for data in ({"title": other.title}, {f"rename-{section.pk}-title": other.title}):
        response = editor_client.post(url, data, **HTMX)
        assert response.status_code == 422
        page = Page(response.content.decode())
        title = page.named(f"rename-{section.pk}-title")[0]
        assert title["id"] == f"rename-{section.pk}-title" and title["aria-invalid"] == "true"
        assert title["value"] == other.title and "data-focus" in title


def test_the_url_check_reads_the_field_under_its_prefixed_name(editor_client, busy_issue):
    """The URL field sends its value under its own name (htmx) and names it in ?field=."""
    section = busy_issue.sections.first()
    used = section.entries.first().url
    add_panel = reverse("editorial:entry_create", args=[section.pk])
    page = Page(editor_client.get(add_panel, headers={"HX-Request": "true"}).content.decode())
    field = page.named(f"add-{section.pk}-url")[0]
    assert f'"field": "add-{section.pk}-url"' in field["data-hx-vals"]
    check = reverse("editorial:check_url")
    found = editor_client.get(
        check, {"field": f"add-{section.pk}-url", field["name"]: used}, **HTMX
    )
    assert "This link is already used once" in found.content.decode()
    plain = editor_client.get(check, {"url": used}, **HTMX)  # the check page's own field
    assert "This link is already used once" in plain.content.decode()
    odd = editor_client.get(check, {"field": "<x>", "url": used}, **HTMX)
    assert "This link is already used once" in odd.content.decode()


def test_the_url_check_page_field_is_labelled_limited_and_described(editor_client, busy_issue):
    html = editor_client.get(reverse("editorial:check_url"), {"url": "https://x.org/"})
    page = Page(html.content.decode())
    assert_fields_are_labelled_and_described(page)
    field = page.named("url")[0]
    assert (field["id"], field["aria-describedby"]) == ("check-url", "check-url-result")
    assert field["maxlength"] == str(model_limit(Entry, "url"))
    assert field["value"] == "https://x.org/"


def test_a_save_to_a_deleted_entry_offers_the_text_to_the_sections_add_form(
    editor_client, busy_issue, editor
):
    """The edit form's post (prefixed) to an entry deleted meanwhile: 409 with the text kept,
    and its "add my text as a new entry" posts it as that section's add form does."""
    entry = Entry.objects.filter(section__issue=busy_issue).first()
    section = entry.section
    form = Page(
        editor_client.get(reverse("editorial:entry_edit", args=[entry.pk])).content.decode()
    )
    typed = {field["name"]: field.get("value", "") for field in form.fields if "name" in field}
    typed.update({f"edit-{entry.pk}-title": "我的标题", f"edit-{entry.pk}-summary": "我的摘要"})
    typed[f"edit-{entry.pk}-version"] = str(entry.version)
    services.entry_delete(entry, by=make_user("editor", username="other"))
    response = editor_client.post(reverse("editorial:entry_edit", args=[entry.pk]), typed)
    assert response.status_code == 409
    html = response.content.decode()
    kept = re.findall(rf'<input type="hidden" name="(add-{section.pk}-\w+)" value="([^"]*)"', html)
    assert dict(kept) == {
        f"add-{section.pk}-title": "我的标题",
        f"add-{section.pk}-url": entry.url,
        f"add-{section.pk}-summary": "我的摘要",
    }
    added = editor_client.post(reverse("editorial:entry_create", args=[section.pk]), dict(kept))
    assert added.status_code == 302
    assert section.entries.filter(title="我的标题", summary="我的摘要").exists()
