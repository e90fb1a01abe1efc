"""Importers: one module per export format, behind a registry with content sniffing.

Built-in importers and third-party ones (entry point group ``pullaway.importers``) are
loaded the same way.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from pullaway.errors import DuplicateImporterError, UnknownFormatError
from pullaway.importers._base import (
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    counted,
    progress_to,
    report_progress,
    report_stage,
)

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

BUILTIN = ("whatsapp", "telegram", "messenger", "instagram", "sms_xml", "csv", "signal")

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


def sniff(path: Path) -> Importer:
    """The importer whose sniffer is most confident about ``path``'s content."""
    sample = Sample.read(path)
    scored = sorted(((imp.sniff(sample), name) for name, imp in registry().items()), reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        raise UnknownFormatError(path, tried=sorted(registry()))
    return registry()[scored[0][1]]
