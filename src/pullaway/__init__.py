"""pullaway: find every time he pulled away in your own chat history, and what happened next."""

from __future__ import annotations

from pullaway.errors import (
    NotEnoughData,
    ParseError,
    PullawayError,
    SchemaError,
    StoreError,
    UnknownFormatError,
)
from pullaway.model import KINDS, MESSAGE_SCHEMA, validate_messages

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "MESSAGE_SCHEMA",
    "NotEnoughData",
    "ParseError",
    "PullawayError",
    "SchemaError",
    "StoreError",
    "UnknownFormatError",
    "__version__",
    "validate_messages",
]
