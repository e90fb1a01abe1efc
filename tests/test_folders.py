"""Folders given to pullaway: the files found in them, and a folder's hash."""

from __future__ import annotations

import hashlib
import os
import shutil
from typing import TYPE_CHECKING

import pytest

from conftest import FIXTURES
from pullaway.importers import progress_to
from pullaway.importers._base import files_under, listings_kept
from pullaway.ingest import file_hash, import_file
from pullaway.store import Store

if TYPE_CHECKING:
    from pathlib import Path


def _tree(root: Path) -> None:
    for name in ("a/b.txt", "a-b/c.txt", "A.txt", "a/deep/er/d.json", "z.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")


def test_files_are_listed_relative_and_sorted(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "empty").mkdir()
    assert files_under(tmp_path) == ("A.txt", "a-b/c.txt", "a/b.txt", "a/deep/er/d.json", "z.md")


def test_files_are_what_rglob_finds(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "link.txt").symlink_to(tmp_path / "z.md")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone")
    expected = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
    )
    assert list(files_under(tmp_path)) == expected
    assert "link.txt" in expected
    assert "broken.txt" not in expected


def test_links_to_folders_and_pipes_are_not_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(tmp_path / "_chat.txt")  # opening it would wait for a writer
    assert files_under(tmp_path) == ("A.txt", "a-b/c.txt", "a/b.txt", "a/deep/er/d.json", "z.md")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_a_folder_that_cannot_be_listed_is_passed_over(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "a").chmod(0)
    try:
        assert files_under(tmp_path) == ("A.txt", "a-b/c.txt", "z.md")
    finally:
        (tmp_path / "a").chmod(0o755)


def test_a_folders_hash_is_as_it_always_was(tmp_path: Path) -> None:
    """Names and contents in path order (``a/b`` before ``a-b/c``, which plain string order
    puts the other way): the hash a store recorded for a folder of exports still matches it."""
    _tree(tmp_path)
    assert file_hash(tmp_path) == _hash_as_before(tmp_path)
    folder = FIXTURES / "messenger" / "thread_split"
    assert file_hash(folder) == _hash_as_before(folder)


def test_a_folders_photos_and_videos_count_by_name_and_size(tmp_path: Path) -> None:
    """A download's media (gigabytes, beside megabytes of messages) are not read to hash it:
    the same folder is still known, and a changed export or media list is a new one."""
    folder = tmp_path / "ChatExport"
    shutil.copytree(FIXTURES / "telegram" / "ChatExport_2024-05-02", folder)
    photo = next((folder / "photos").iterdir())
    first = file_hash(folder)
    photo.write_bytes(bytes(len(photo.read_bytes())))  # other bytes, the same size
    assert file_hash(folder) == first
    photo.write_bytes(photo.read_bytes() + b"x")
    grown = file_hash(folder)
    assert grown != first
    photo.rename(photo.with_name("other.jpg"))
    assert file_hash(folder) not in {first, grown}
    result = folder / "result.json"
    result.write_bytes(result.read_bytes() + b"\n")
    assert file_hash(folder) not in {first, grown}


def test_a_folder_read_again_after_its_photos_were_opened_is_known(tmp_path: Path) -> None:
    folder = tmp_path / "ChatExport"
    shutil.copytree(FIXTURES / "telegram" / "ChatExport_2024-05-02", folder)
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, folder)
        photo = next((folder / "photos").iterdir())
        photo.write_bytes(bytes(len(photo.read_bytes())))
        again = import_file(store, folder).chats[0]
    assert (again.already_imported, again.added) == (True, 0)


def _hash_as_before(folder: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(folder)).encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


# Reports come every 10,000 files; every 10 here, so the folders stay small (creating ten
# thousand files takes seconds on some disks).
FEW = 10


@pytest.fixture
def reports_every_few_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pullaway.importers._base.SCAN_REPORT_FILES", FEW)


@pytest.mark.usefixtures("reports_every_few_files")
def test_a_big_folder_reports_its_count_as_it_is_looked_through(tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        for number in range(FEW // 2 + 1):
            (tmp_path / folder / f"{number}.jpg").touch()
    seen: list[str] = []
    with progress_to(print, stage=seen.append):
        found = files_under(tmp_path)
    assert len(found) == 3 * (FEW // 2 + 1)
    name = tmp_path.name
    # A report once the count passes the next multiple (after the second folder), then back
    # to reading once all are found.
    assert seen == [f"looking through {name}: {2 * (FEW // 2 + 1)} files so far", f"reading {name}"]


def test_a_small_folder_says_nothing(tmp_path: Path) -> None:
    _tree(tmp_path)
    seen: list[str] = []
    with progress_to(print, stage=seen.append):
        files_under(tmp_path)
    assert seen == []


def test_within_listings_kept_a_folder_is_looked_through_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    with listings_kept():
        first = files_under(tmp_path)
        (tmp_path / "new.txt").touch()
        assert files_under(tmp_path) == first
    assert "new.txt" in files_under(tmp_path)


@pytest.mark.usefixtures("reports_every_few_files")
def test_an_import_looks_through_a_big_folder_once(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "media").mkdir(parents=True)
    for number in range(FEW):
        (folder / "media" / f"{number}.jpg").touch()
    chat = FIXTURES / "whatsapp" / "android_dmy_24h.txt"
    (folder / "_chat.txt").write_bytes(chat.read_bytes())
    seen: list[str] = []
    with Store.open(tmp_path / "store.db") as store, progress_to(print, stage=seen.append):
        done = import_file(store, folder)
    assert done.importer == "whatsapp"
    assert [s for s in seen if s.startswith("looking through")] == [
        f"looking through export: {FEW + 1} files so far"
    ]
