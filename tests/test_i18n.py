"""The Simplified Chinese catalogue: complete, compiled, placeholders kept, and used by default;
English after the visitor switches: reader pages by their URL (/en/…), the other pages with the
language cookie."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.factories import make_published_issue, make_user
from tests.support.missing import missing

ROOT = Path(settings.BASE_DIR)
MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text)


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: fields (msgid, msgid_plural, msgstr, msgstr[0]...) and flags."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry and "msgid" in entry["fields"]:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry or {"fields": {}, "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _FIELD.match(line):
            field = match.group(1)
            entry["fields"][field] = _unquote(match.group(2))
        elif line.startswith('"') and field:
            entry["fields"][field] += _unquote(line.strip()[1:-1])
        else:
            raise AssertionError(f"{path}: cannot read the line {line!r}")
    return entries


def messages() -> list[dict]:
    """The translatable entries (no header, no obsolete ones)."""
    return [e for e in parse_po(PO) if e["fields"]["msgid"] and not e["obsolete"]]


def translations(entry: dict) -> list[str]:
    fields = entry["fields"]
    return [value for key, value in fields.items() if key.startswith("msgstr")]


def gettext_tool(name: str) -> str:
    """The path of a GNU gettext program: missing fails under CI=true, skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} (GNU gettext) is not installed"
        missing(message)
    return path


# (a) complete and compiled -------------------------------------------------------------------


def test_header_declares_language_charset_and_one_plural_form():
    header = parse_po(PO)[0]["fields"]
    assert header["msgid"] == ""
    assert "Language: zh_Hans\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"]
    assert "fuzzy" not in parse_po(PO)[0]["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = messages()
    assert len(entries) > 300, "the catalogue looks truncated"
    fuzzy = [e["fields"]["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["fields"]["msgid"] for e in entries if not all(translations(e))]
    assert fuzzy == [], f"fuzzy entries are ignored by Django: {fuzzy}"
    assert empty == [], f"untranslated: {empty}"
    plural = [e for e in entries if "msgid_plural" in e["fields"]]
    assert plural, "the catalogue has no plural entry"
    for entry in plural:
        assert [k for k in entry["fields"] if k.startswith("msgstr")] == ["msgstr[0]"], entry


def test_every_url_refusal_names_the_field_the_same_way():
    """The form calls the field 链接: every "URL: …" refusal starts with that word in Chinese."""
    refusals = [e for e in messages() if e["fields"]["msgid"].startswith("URL: ")]
    assert len(refusals) >= 6
    odd = [
        e["fields"]["msgstr"] for e in refusals if not e["fields"]["msgstr"].startswith("链接：")
    ]
    assert odd == []


def test_msgfmt_accepts_the_catalogue_with_nothing_untranslated_or_fuzzy(tmp_path):
    msgfmt = gettext_tool("msgfmt")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


def test_committed_mo_matches_the_po():
    """The .mo is committed (nothing compiles it at install time): it must not lag the .po."""
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.info()["language"] == "zh_Hans"
    for entry in messages():
        fields = entry["fields"]
        if "msgid_plural" in fields:
            for n in (1, 2, 5):
                got = catalog.ngettext(fields["msgid"], fields["msgid_plural"], n)
                assert got == fields["msgstr[0]"], f"stale .mo for {fields['msgid']!r}"
        else:
            assert catalog.gettext(fields["msgid"]) == fields["msgstr"], (
                f"stale .mo for {fields['msgid']!r}: run compilemessages"
            )


def test_every_interface_string_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the code finds no msgid that the catalogue lacks."""
    gettext_tool("xgettext")
    for name in ("digest", "editorial", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "digest.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    fresh = parse_po(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    found = {e["fields"]["msgid"] for e in fresh if e["fields"]["msgid"]}
    known = {e["fields"]["msgid"] for e in messages()}
    assert sorted(found - known) == [], "new strings: run makemessages and translate them"
    missing = [
        e["fields"]["msgid"] for e in fresh if e["fields"]["msgid"] and not all(translations(e))
    ]
    assert missing == [], f"untranslated after makemessages: {missing}"


# (d) placeholders and markup kept ------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\{[A-Za-z_0-9]*\}"
)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))


def test_placeholder_pattern_finds_each_kind():
    found = placeholders("%(name)s %(count)d %s %d {} {title} %% 100%")
    assert found == sorted(["%(name)s", "%(count)d", "%s", "%d", "{}", "{title}"])


def test_every_translation_keeps_the_placeholders_and_markup():
    """With one plural form, msgstr[0] serves every count, so it follows msgid_plural."""
    wrong = []
    for entry in messages():
        fields = entry["fields"]
        source = fields.get("msgid_plural", fields["msgid"])
        for translated in translations(entry):
            if placeholders(translated) != placeholders(source):
                wrong.append((source, translated))
            if tags(translated) != tags(source):
                wrong.append((source, translated))
    assert wrong == []


def test_translations_use_full_width_punctuation_in_chinese_sentences():
    """A half-width comma, colon, etc. directly after a Chinese character is a typo here; text
    in quotation marks is literal (the markdown's own “**摘要:**” label) and is left out."""
    wrong = []
    for entry in messages():
        for translated in translations(entry):
            if re.search(r"[\u4e00-\u9fff][,.:;?!]", re.sub(r"“[^”]*”", "", translated)):
                wrong.append(translated)
            if re.search(r"[\u4e00-\u9fff] [，。：；？！（）]|[，。：；？！] ", translated):
                wrong.append(translated)
    assert wrong == []


# (b) and (c): the pages in each language ------------------------------------------------------

# name: (url, logged in as an editor, Chinese words shown, their English msgids)
PAGES = {
    "archive": (
        "/issues/",
        False,
        ["往期", "搜索", "订阅", "跳到正文", "登录", "个条目"],
        ["Archive", "Search", "Subscribe", "Skip to content", "Log in", "entries"],
    ),
    "login": (
        "/accounts/login/",
        False,
        ["登录", "用户名", "密码", "读者无需账号"],
        ["Log in", "User name", "Password", "Readers need no account"],
    ),
    "dashboard": (
        "/editorial/",
        True,
        ["编辑部", "新建一期", "草稿", "审核中", "定时发布", "全部往期", "退出"],
        ["Editorial", "New issue", "Draft", "In review", "Scheduled", "All published", "Log out"],
    ),
}


READER_PAGES = {"archive"}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def html_lang(html: str) -> str:
    match = re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", html)
    assert match, "no lang on <html>"
    return match.group(1).lower()


@pytest.fixture
def site(client, db):
    """A published issue and an editor; the client has no language preference yet."""
    make_published_issue(2024, 32)
    client.editor = make_user("editor", username="editor-i18n")
    return client


def fetch(client, name: str) -> str:
    """The page, as an editor or anonymously; the language cookie survives logging in and out.
    A reader page is fetched at its URL in the language last chosen with switch()."""
    url, logged_in, _, _ = PAGES[name]
    if logged_in:
        client.force_login(client.editor)
    else:  # anonymous; Client.logout() would also drop the language cookie
        client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    if getattr(client, "chosen", None) == "en" and name in READER_PAGES:
        url = f"/en{url}"
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_in_chinese_by_default(site, name):
    html = fetch(site, name)
    assert html_lang(html) == "zh-hans"
    text = visible_text(html)
    _, _, chinese, english = PAGES[name]
    assert [word for word in chinese if word not in text] == []
    assert [word for word in english if word in text] == []


def switch(client, language: str):
    """The old form (set_language) still works: it sets the cookie and sends a reader page to
    its URL in the chosen language."""
    response = client.post("/i18n/setlang/", {"language": language, "next": "/issues/"})
    assert response.status_code == 302
    assert response.headers["Location"] == ("/en/issues/" if language == "en" else "/issues/")
    client.chosen = language


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_in_english_after_switching(site, name):
    fetch(site, name)  # the Chinese page first: nothing cached for it may leak into English
    switch(site, "en")
    html = fetch(site, name)
    assert html_lang(html) == "en"
    text = visible_text(html)
    _, _, chinese, english = PAGES[name]
    assert [word for word in english if word not in text] == []
    assert [word for word in chinese if word in text] == []


def test_switching_back_restores_chinese(site):
    switch(site, "en")
    assert "Archive" in visible_text(fetch(site, "archive"))
    switch(site, "zh-hans")
    text = visible_text(fetch(site, "archive"))
    assert "往期" in text and "Archive" not in text


def test_a_chinese_issue_page_is_not_revalidated_for_english(site):
    """The page's ETag carries the language: after switching, the old one must not give a 304."""
    first = site.get("/issues/2024/32/")
    etag = first.headers.get("ETag")
    assert first.status_code == 200 and etag
    assert site.get("/issues/2024/32/", headers={"if-none-match": etag}).status_code == 304
    switch(site, "en")
    again = site.get("/en/issues/2024/32/", headers={"if-none-match": etag})
    assert again.status_code == 200
    assert "Download as Markdown" in visible_text(again.content.decode())


def test_messages_from_python_code_are_translated(site):
    """A string from a view (gettext in Python), not only from a template."""
    site.force_login(site.editor)
    response = site.post("/editorial/issues/new/", {"year": "2024", "number": "32"})
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "2024 年第 32 期已存在：请打开它，或换一个期号。" in text
    assert "already exists" not in text
