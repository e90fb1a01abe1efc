"""Shared fixtures: the golden-file switch, paths to fixtures and to the shared corpora."""

from __future__ import annotations

import errno
import importlib.util
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, settings

from pullaway.importers import _lines

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPORA = ROOT.parent / "shared" / "corpora"


def fixed_cases(count: int) -> settings:
    """Hypothesis settings for the importers' damaged-input tests: ``count`` examples, the same
    on every run (no database), no deadline, slow inputs and per-test fixtures allowed."""
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def mapping_refused() -> AbstractContextManager[object]:
    """Inside the block no file can be mapped (``_lines.mapped``), as on a file system without
    mmap, so the importers read its bytes instead."""
    refusal = OSError(errno.ENODEV, "No such device")
    return patch.object(_lines.mmap, "mmap", side_effect=refusal)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/fixtures/**/*.expected.json from the current importers",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that Python's temporary files and folders go into during the test, to
    see what an importer makes there and that it leaves nothing behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def load_bench(name: str) -> ModuleType:
    """The benchmark script ``bench/<name>.py`` as a module (the bench folder is no package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def records_left_after_let_go(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[int]:
    """How many records each ``let_go`` call of ``module`` left (filled in as the module
    reads): a read that lets go of every file's records gives zeros, one per call."""
    real = module.let_go
    left: list[int] = []

    def let_go(records: Any) -> None:
        real(records)
        left.append(len(records))

    monkeypatch.setattr(module, "let_go", let_go)
    return left
