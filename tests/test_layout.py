"""Tests share through tests/support/ only: no test imports a conftest.py or another test module,
and every folder of editorial/ that is a door has its folder of tests."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_tests_import_only_the_support_package():
    wrong = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if module.startswith("tests.") and not (
                    module.startswith("tests.support") or module == "tests.settings"
                ):
                    wrong.append(f"{path.relative_to(TESTS)}: {module}")
    assert not wrong, wrong


def test_every_door_has_its_tests():
    for door in ("compose", "reader", "inbox", "accounts", "wechat", "subscribers"):
        assert (TESTS / door).is_dir(), door
