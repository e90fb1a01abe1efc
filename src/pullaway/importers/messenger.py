"""Facebook Messenger JSON from Meta's "Download Your Information": a thread or a whole download.

The input may be one ``message_1.json`` (its sibling ``message_N.json`` files are read too),
a thread folder, or a folder or ``.zip`` of the whole download (one chat per thread; pick one
with ``chat``). Shared with Instagram, which has the same shape: see ``_meta``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pullaway.importers._base import DateOrder, Importer, ImportResult, Sample
from pullaway.importers._meta import parse_meta, sniff_meta

if TYPE_CHECKING:
    from pathlib import Path


def sniff(sample: Sample) -> float:
    """Sure for Meta's message JSON unless it carries Instagram's marks."""
    return sniff_meta(sample, "messenger")


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read Messenger messages; times in ``timezone`` (IANA name), default this computer's zone.

    ``date_order`` and ``encoding`` do not apply (JSON is UTF-8 with epoch times).
    """
    return parse_meta(path, chat=chat, timezone=timezone, platform="messenger")


IMPORTER = Importer(
    name="messenger",
    extensions=(".json", ".zip"),
    sniff=sniff,
    parse=parse,
    description="Facebook Messenger JSON (Download Your Information), a thread or a download",
)
