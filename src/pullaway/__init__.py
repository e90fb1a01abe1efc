"""pullaway: find every time he pulled away in your own chat history, and what happened next.

The Python API, for notebooks and research (every frame is a Polars DataFrame)::

    import pullaway

    importer, result = pullaway.parse_file(Path("WhatsApp Chat with Leo.txt"))
    analysis = pullaway.analyze(result.messages, me="Maya")
    analysis.daily            # his and her engagement per day
    analysis.to_json()        # what `pullaway analyze --json` prints

The analysis is a pure function of the message table, so it runs the same on one chat or,
per conversation, on a distributed engine. Heavy modules load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pullaway.errors import (
    NotEnoughData,
    ParseError,
    PullawayError,
    SchemaError,
    StoreError,
    UnknownFormatError,
)
from pullaway.model import KINDS, MESSAGE_SCHEMA, validate_messages

if TYPE_CHECKING:
    from pullaway.analysis import Analysis, Settings, analyze
    from pullaway.importers import ImportResult, registry
    from pullaway.ingest import import_file, parse_file
    from pullaway.simulate import simulate
    from pullaway.store import Store

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "MESSAGE_SCHEMA",
    "Analysis",
    "ImportResult",
    "NotEnoughData",
    "ParseError",
    "PullawayError",
    "SchemaError",
    "Settings",
    "Store",
    "StoreError",
    "UnknownFormatError",
    "__version__",
    "analyze",
    "import_file",
    "parse_file",
    "registry",
    "simulate",
    "validate_messages",
]

_LAZY = {
    "Analysis": "pullaway.analysis",
    "Settings": "pullaway.analysis",
    "analyze": "pullaway.analysis",
    "ImportResult": "pullaway.importers",
    "registry": "pullaway.importers",
    "import_file": "pullaway.ingest",
    "parse_file": "pullaway.ingest",
    "simulate": "pullaway.simulate",
    "Store": "pullaway.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    msg = f"module 'pullaway' has no attribute {name!r}"
    raise AttributeError(msg)
