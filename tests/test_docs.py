"""Meta-tests: additions that arrive without tests or docs fail here."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from pullaway.importers import registry

IMPORTERS = sorted(registry())


@pytest.mark.parametrize("name", IMPORTERS)
def test_every_importer_has_a_docs_page(name: str) -> None:
    page = ROOT / "docs" / "formats" / f"{name}.md"
    assert page.exists(), f"{page} is missing"
    text = page.read_text(encoding="utf-8")
    assert "export" in text.lower(), f"{page} does not say how to export"


@pytest.mark.parametrize("name", IMPORTERS)
def test_every_importer_has_golden_fixtures(name: str) -> None:
    assert sorted((FIXTURES / name).glob("*.expected.json")), f"no golden fixtures for {name}"


@pytest.mark.parametrize("name", IMPORTERS)
def test_every_importer_is_described(name: str) -> None:
    assert registry()[name].description, f"importer {name} has no description"


def test_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if target.startswith(("http://", "https://")):
            continue
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_readme_first_screen_has_the_two_commands() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:25])
    assert "make demo" in first_screen
    assert "make test" in first_screen


def test_cli_reference_is_current() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
