"""Every importer against its golden fixtures, and the fixture folders as a sniffing corpus.

One small realistic export per variant lives in tests/fixtures/<format>/ next to its
``.expected.json``; ``pytest --update-golden`` rewrites the expected files for review.
"""

from __future__ import annotations

import shutil
import zipfile
from typing import TYPE_CHECKING, Any

import pytest

from conftest import FIXTURES
from pullaway.errors import UnknownFormatError
from pullaway.importers import registry, sniff
from pullaway.testing import (
    assert_lines_accounted,
    assert_result_equal,
    fixture_inputs,
    fixture_stem,
    golden_files,
    input_for,
    read_golden,
    write_golden,
)

if TYPE_CHECKING:
    from pathlib import Path

# One folder per importer; others (store/: stores an earlier pullaway wrote) are not exports.
FORMATS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name in registry())
GOLDEN = [g for f in FORMATS for g in golden_files(FIXTURES / f)]
INPUTS = [i for f in FORMATS for i in fixture_inputs(FIXTURES / f)]
# Inputs that exist to fail, so they have no golden file.
ERROR_CASES = {"whatsapp/ambiguous.txt"}
# SMS backups hold UTC instants: the zone each fixture's phone was in when its golden was written.
SMS_ZONES = {"drafts_failed": "Europe/London", "surrogate_pairs": "Europe/Berlin"}
SMS_DEFAULT_ZONE = "America/New_York"


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{fixture_stem(path)}"


def parse_options(expected: Path) -> dict[str, Any]:
    if expected.parent.name == "sms_xml":
        return {"timezone": SMS_ZONES.get(fixture_stem(expected), SMS_DEFAULT_ZONE)}
    return {}


@pytest.fixture(autouse=True)
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources in UTC without --timezone use the computer's zone: UTC when goldens were made."""
    monkeypatch.setenv("TZ", "UTC")


@pytest.mark.parametrize("expected", GOLDEN, ids=case_id)
def test_import_matches_golden(expected: Path, update_golden: bool) -> None:
    result = registry()[expected.parent.name].parse(input_for(expected), **parse_options(expected))
    assert_lines_accounted(result)
    if update_golden:
        write_golden(expected, result)
    assert_result_equal(result, read_golden(expected))


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sniff_names_the_folder(source: Path) -> None:
    assert sniff(source).name == source.parent.name


def test_a_folder_of_several_exports_is_refused_with_their_names(tmp_path: Path) -> None:
    """A downloads folder, say: a note on top, exports of two apps in folders below."""
    (tmp_path / "notes.txt").write_text("milk, eggs\n", encoding="utf-8")
    for source in (
        FIXTURES / "whatsapp" / "android_dmy_24h.txt",
        FIXTURES / "csv" / "pullaway.csv",
    ):
        (tmp_path / source.parent.name).mkdir()
        shutil.copy(source, tmp_path / source.parent.name / source.name)
    with pytest.raises(UnknownFormatError) as caught:
        sniff(tmp_path)
    assert str(caught.value).endswith(
        "it holds 2 files that pullaway can read "
        "(csv/pullaway.csv (csv), whatsapp/android_dmy_24h.txt (whatsapp)); import them by name"
    )


def test_a_zip_of_zips_says_to_unzip_it(tmp_path: Path) -> None:
    """A download zipped again: the export inside a zip is not looked into."""
    outer = tmp_path / "exports.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(FIXTURES / "whatsapp" / "android_zip.zip", "WhatsApp Chat with Ana.zip")
        archive.writestr("readme.txt", "my exports\n")
    with pytest.raises(UnknownFormatError) as caught:
        sniff(outer)
    assert str(caught.value).endswith(
        "it holds 1 zip file (WhatsApp Chat with Ana.zip); unzip it and import what is inside"
    )


def test_a_folder_with_no_export_in_it_gets_the_usual_hint(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("milk, eggs\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="see `pullaway formats`"):
        sniff(tmp_path)


@pytest.mark.parametrize("name", FORMATS)
def test_every_input_has_a_golden_file_or_is_an_error_case(name: str) -> None:
    inputs = {f"{name}/{p.name}" for p in fixture_inputs(FIXTURES / name)}
    described = {f"{name}/{input_for(g).name}" for g in golden_files(FIXTURES / name)}
    assert inputs - described == {c for c in ERROR_CASES if c.startswith(f"{name}/")}
    assert len(described) >= 2
