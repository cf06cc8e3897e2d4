"""Templates use only attributes HTML allows: htmx's as data-hx-*, machine times without
microseconds (HTML validators reject both hx-* and a six-digit fraction)."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_htmx_attributes_are_data_attributes(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w-])hx-[a-z]", text), "write data-hx-… instead of hx-…"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_machine_readable_times_have_no_microseconds(template):
    assert "date:'c'" not in template.read_text(encoding="utf-8")
