"""Importers: one module per export format, behind a registry with content sniffing.

Built-in importers and third-party ones (entry point group ``pullaway.importers``) are
loaded the same way.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from pullaway.errors import (
    DuplicateImporterError,
    ParseError,
    PullawayError,
    UnknownFormatError,
)
from pullaway.importers._base import (
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    progress_to,
    report_progress,
    report_stage,
)
from pullaway.wording import counted

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "BUILTIN",
    "ChatMeta",
    "DateOrder",
    "ImportResult",
    "Importer",
    "Sample",
    "Skipped",
    "counted",
    "progress_to",
    "registry",
    "report_progress",
    "report_stage",
    "sniff",
]

BUILTIN = (
    "whatsapp",
    "telegram",
    "messenger",
    "instagram",
    "sms_xml",
    "imessage",
    "csv",
    "signal",
    "discord",
)

MIN_SCORE = 0.5


@cache
def registry() -> dict[str, Importer]:
    """Every importer by name: the built-in ones, then plugins."""
    found: dict[str, Importer] = {}
    loaded = [import_module(f"pullaway.importers.{n}").IMPORTER for n in BUILTIN]
    loaded += [ep.load() for ep in entry_points(group="pullaway.importers")]
    for imp in loaded:
        if imp.name in found:
            raise DuplicateImporterError(imp.name)
        found[imp.name] = imp
    return found


FOLDER_SNIFF_FILES = 200
"""At most this many files of a folder that is no export are sniffed one by one, to say which
of them are exports."""


def sniff(path: Path) -> Importer:
    """The importer whose sniffer is most confident about ``path``'s content.

    A folder that is no export itself, but holds some, is refused with their names.
    """
    try:
        sample = Sample.read(path)
    except PermissionError as exc:
        raise ParseError(_not_permitted(path), path=path) from exc
    found = _most_confident(sample)
    if found is None:
        hint = _exports_inside(path, sample.members) if path.is_dir() else ""
        hint = hint or _zips_inside(sample.members)
        raise UnknownFormatError(path, tried=sorted(registry()), hint=hint)
    return found


def _not_permitted(path: Path) -> str:
    """Why ``path`` cannot be read, and what to do: Messages' ``chat.db`` needs Full Disk
    Access on a Mac.

    >>> from pathlib import Path
    >>> _not_permitted(Path("notes.txt"))
    'cannot read it (permission denied); check that your user may read it'
    """
    reason = "cannot read it (permission denied)"
    if path.name.lower().startswith("chat.db") or "Messages" in path.parts:
        from pullaway.importers.imessage import FULL_DISK_ACCESS  # imports this package

        return f"{reason}; {FULL_DISK_ACCESS}"
    return f"{reason}; check that your user may read it"


def _zips_inside(members: tuple[str, ...]) -> str:
    """A hint naming the zip files inside a zip or folder that is no export ("" if none):
    a download zipped again, say.

    >>> _zips_inside(("a/b.zip", "c.txt"))
    'it holds 1 zip file (a/b.zip); unzip it and import what is inside'
    """
    zips = [m for m in members if m.lower().endswith(".zip")]
    if not zips:
        return ""
    return (
        f"it holds {counted(len(zips), 'zip file')} ({_first_five(zips)}); "
        "unzip it and import what is inside"
    )


def _most_confident(sample: Sample) -> Importer | None:
    scored = sorted(((imp.sniff(sample), name) for name, imp in registry().items()), reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    return registry()[scored[0][1]]


def _exports_inside(folder: Path, members: tuple[str, ...]) -> str:
    """A hint naming the files of ``folder`` that are exports on their own ("" if none)."""
    extensions = tuple({ext for imp in registry().values() for ext in imp.extensions})
    found = []
    for name in [m for m in members if m.lower().endswith(extensions)][:FOLDER_SNIFF_FILES]:
        try:
            importer = _most_confident(Sample.read(folder / name))
        except (OSError, PullawayError):
            continue  # unreadable here: the user will hear of it when importing it by name
        if importer is not None:
            found.append(f"{name} ({importer.name})")
    if not found:
        return ""
    return (
        f"it holds {counted(len(found), 'file')} that pullaway can read ({_first_five(found)}); "
        "import them by name"
    )


def _first_five(names: list[str]) -> str:
    """The first five of ``names``, then "…" if there are more.

    >>> _first_five(list("abcdef"))
    'a, b, c, d, e, …'
    """
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
