"""The README's developer section tells the truth: its tree of editorial/ names every module
there is and none that is not, and every module path it mentions exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def tree_paths(root: str) -> set[str]:
    """The paths in the ```text block that starts with `root/`, from its indentation (two
    spaces a level; a name ending in / is a folder; a description follows the name)."""
    block = re.search(rf"```text\n({re.escape(root)}/\n.*?)```", README, re.S)
    assert block, f"README.md has no tree of {root}/"
    stack: list[str] = []
    paths = set()
    for line in block[1].splitlines()[1:]:
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        name = line.split()[0]
        stack = stack[:depth]
        paths.add("/".join([*stack, name]))
        if name.endswith("/"):
            stack.append(name.rstrip("/"))
    return paths


def code_modules(root: str) -> set[str]:
    """Every module under root/ but package __init__ files and migrations."""
    base = ROOT / root
    found = set()
    for path in base.rglob("*.py"):
        relative = path.relative_to(base).as_posix()
        if path.name != "__init__.py" and not relative.startswith("migrations/"):
            found.add(relative)
    return found


def test_the_tree_names_every_module_of_editorial():
    named = {path for path in tree_paths("editorial") if path.endswith(".py")}
    missing = code_modules("editorial") - named
    assert not missing, f"modules missing from README.md's tree: {sorted(missing)}"


def test_the_tree_names_nothing_that_does_not_exist():
    named = tree_paths("editorial")
    absent = sorted(path for path in named if not (ROOT / "editorial" / path).exists())
    assert not absent, f"README.md's tree names what editorial/ does not have: {absent}"


def test_every_module_the_readme_mentions_exists():
    """A `path/module.py` in backquotes is a file of the project: from its root, from
    editorial/ or tests/, or the end of one's path."""
    project = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]
    gone = []
    for mention in sorted(set(re.findall(r"`([\w./-]+\.py)`", README))):
        if any((ROOT / base / mention).exists() for base in ("", "editorial", "tests")):
            continue
        if not any(path.endswith("/" + mention) for path in project):
            gone.append(mention)
    assert not gone, f"README.md mentions modules that do not exist: {gone}"


def test_one_developer_section():
    assert README.count("\n## Development\n") == 1
    assert README.count("is the one Django app") == 1
