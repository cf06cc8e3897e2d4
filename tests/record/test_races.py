"""Races for real: two editors against gunicorn (several worker processes, each with threads)
on a database of its own (PostgreSQL when the suite runs on it), fired at the same moment,
round after round, bounded in rounds and time; and three import_issue processes of one new
issue at once.

Editor A removes a section it saw empty while editor B adds an entry to it, quick-adds to it,
renames or moves it. Whatever the interleaving: no 5xx, no entry B was told "added" is lost, a
section is removed only while empty (else A gets the confirmation that counts its entries),
B's refusal is a 409 naming who removed the section, and every change has its audit row.
"""

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support.soak import ROOT, Session, gunicorn, run_python, server_env, soak_database

ROUNDS = 12  # per kind of race
DEADLINE_S = 120
KINDS = ("add", "quick_add", "rename", "move")
HX = {"HX-Request": "true"}

SEED = """
import json
from pathlib import Path
import django
django.setup()
from django.conf import settings
from editorial.canonical import EntryData, IssueData, SectionData, issue_to_markdown
from editorial.models import Section
from tests.support.factories import make_issue, make_user

make_user("editor", username="race-a")
make_user("editor", username="race-b")
issue = make_issue(2026, 70)
folder = Path(__import__("sys").argv[1])
for number in (81, 82, 83):
    data = IssueData(
        publication=settings.DIGEST_PUBLICATION, year=2026, number=number,
        sections=(SectionData(title="栏目", entries=(
            EntryData(title=f"导入 {number}", url=f"https://example.com/{number}", summary="摘要"),
        )),),
    )
    (folder / f"{number}.md").write_text(issue_to_markdown(data), encoding="utf-8")
print(json.dumps({"year": issue.year, "number": issue.number}))
"""

CHECK = """
import json, sys
import django
django.setup()
from editorial.models import AuditEvent, Entry, Issue, Section
rounds = json.loads(open(sys.argv[1]).read())
out = []
def rows(action, pk):
    return AuditEvent.objects.filter(action=action, data__section=pk).count()
for r in rounds:
    pk = r["section"]
    titles = Entry.objects.filter(title__startswith=r["tag"]).values_list("title", flat=True)
    out.append({
        "exists": Section.objects.filter(pk=pk).exists(),
        "title": Section.objects.filter(pk=pk).values_list("title", flat=True).first(),
        "entries": sorted(titles),
        "deleted_rows": rows("section_delete", pk),
        "renamed_rows": rows("section_rename", pk),
        "moved_rows": rows("section_move", pk),
    })
unaudited = [
    e.pk for e in Entry.objects.all()
    if not AuditEvent.objects.filter(entry=e, action="entry_create").exists()
    and e.section.issue.number == 70 and e.title.startswith("B")
]
imported = {n: Issue.objects.filter(year=2026, number=n).count() for n in (81, 82, 83)}
print(json.dumps({"rounds": out, "unaudited": unaudited, "imported": imported}))
"""


def fire_together(*calls):
    """Run the calls in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert all(r is not None for r in results), "a request did not come back"
    return results


def new_section(session: Session, issue: dict, title: str) -> int:
    status, headers, _ = session.post(
        f"/editorial/issues/{issue['year']}/{issue['number']}/sections/new/", {"title": title}
    )
    assert status == 302, status
    return int(headers["Location"].rsplit("#section-", 1)[1])


def b_request(kind: str, section: int, tag: str):
    if kind == "add":
        path = f"/editorial/sections/{section}/entries/new/"
        return path, {"title": f"{tag} 条目", "url": f"https://example.com/{tag}", "summary": "s"}
    if kind == "quick_add":
        path = f"/editorial/sections/{section}/quick-add/"
        text = f"{tag} 甲\nhttps://example.com/{tag}/1\n\n{tag} 乙\nhttps://example.com/{tag}/2"
        return path, {"text": text}
    if kind == "rename":
        return f"/editorial/sections/{section}/rename/", {"title": f"{tag} 新名"}
    return f"/editorial/sections/{section}/move/", {"direction": "up"}


def run_rounds(port: int, issue: dict, deadline: float) -> list[dict]:
    a, b = Session(port), Session(port)
    a.log_in("race-a")
    b.log_in("race-b")
    rounds = []
    for number in range(ROUNDS):
        for kind in KINDS:
            if time.monotonic() > deadline:
                return rounds
            tag = f"B{number}{kind}"
            section = new_section(a, issue, f"栏目 {tag}")
            path, data = b_request(kind, section, tag)
            (a_status, _, a_body), (b_status, _, b_body) = fire_together(
                lambda s=section: a.post(f"/editorial/sections/{s}/delete/", {}, HX),
                lambda p=path, d=data: b.post(p, d, HX),
            )
            rounds.append(
                {
                    "kind": kind,
                    "tag": tag,
                    "section": section,
                    "a": a_status,
                    "a_confirm": b'name="confirm_entries"' in a_body,
                    "b": b_status,
                    "b_body": b_body.decode("utf-8", "replace")[:3000],
                }
            )
    return rounds


def import_race(env: dict, folder: Path) -> list[list[tuple[int, str]]]:
    results = []
    for number in (81, 82, 83):
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "import_issue", str(folder / f"{number}.md")],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcome = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            outcome.append((process.returncode, out + err))
        results.append(outcome)
    return results


def test_races_against_gunicorn_lose_nothing_and_answer_no_500():
    with tempfile.TemporaryDirectory(prefix="digest-races-") as folder:
        folder = Path(folder)
        with soak_database(folder) as database_url:
            env = server_env(database_url)
            env["AXES_FAILURE_LIMIT"] = "1000"
            run_python(["manage.py", "migrate", "--noinput"], env)
            issue = json.loads(run_python(["-c", SEED, str(folder)], env).splitlines()[-1])
            log = folder / "gunicorn.log"
            deadline = time.monotonic() + DEADLINE_S
            with gunicorn(env, log) as port:
                rounds = run_rounds(port, issue, deadline)
            imports = import_race(env, folder)
            (folder / "rounds.json").write_text(json.dumps(rounds), encoding="utf-8")
            state = json.loads(
                run_python(["-c", CHECK, str(folder / "rounds.json")], env).splitlines()[-1]
            )
            server_log = log.read_text()

    assert len(rounds) >= 4 * len(KINDS), f"only {len(rounds)} rounds before the deadline"
    assert "Traceback" not in server_log, server_log[-5000:]
    outcomes = {"b_first": 0, "a_first": 0}
    for r, found in zip(rounds, state["rounds"], strict=True):
        where = f"{r['kind']} round {r['tag']}: A {r['a']}, B {r['b']}"
        assert r["a"] < 500 and r["b"] < 500, where
        assert r["a"] == 200, where  # removed, or the confirmation that counts the entries
        assert r["b"] in (200, 409), where + r["b_body"]
        if found["exists"]:
            outcomes["b_first"] += 1
            assert found["deleted_rows"] == 0, where
        else:
            outcomes["a_first"] += 1
            assert found["deleted_rows"] == 1, where  # the removal has its audit row
            if r["b"] == 409:
                assert "race-a removed it at" in r["b_body"], where
            else:  # B renamed or moved the section before A removed it: a legal order
                assert r["kind"] in ("rename", "move"), where  # never told "added" for nothing
                if r["kind"] == "rename":
                    assert found["renamed_rows"] == 1, where
        if r["kind"] in ("add", "quick_add"):
            wanted = 1 if r["kind"] == "add" else 2
            if r["b"] == 200:
                assert len(found["entries"]) == wanted, where  # no entry lost
                assert found["exists"] and r["a_confirm"], where
            else:
                assert found["entries"] == [], where
        if r["kind"] == "rename" and r["b"] == 200 and found["exists"]:
            assert found["renamed_rows"] == 1 and found["title"] == f"{r['tag']} 新名", where
    assert state["unaudited"] == []
    # Both orders happened at least once over the run (the race was real).
    print(f"{len(rounds)} rounds, {outcomes}")
    assert outcomes["a_first"] and outcomes["b_first"], outcomes

    for outcome in imports:
        codes = sorted(code for code, _ in outcome)
        assert codes == [0, 1, 1], outcome
        for code, text in outcome:
            assert "Traceback" not in text and "IntegrityError" not in text, text
            if code:
                assert "already exists (use --replace)" in text, text
    assert state["imported"] == {"81": 1, "82": 1, "83": 1}
