"""The Settings page's form: every field of ``pullaway.analysis.Settings``, with its default.

Saved values are plain JSON (durations in hours) and turned back into a Settings object
for ``analyze``. Fields are read from the dataclass, so a new threshold shows up by itself.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from datetime import timedelta
from typing import Any

from pullaway.errors import PullawayError

Kind = typing.Literal["int", "float", "bool", "hours", "text", "list"]


def _settings_class() -> type[Any] | None:
    try:
        from pullaway.analysis.settings import Settings
    except ImportError:  # pragma: no cover - the analysis package always has its settings
        return None
    return Settings


def _kind(default: Any) -> Kind:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, timedelta):
        return "hours"
    if isinstance(default, tuple | list | frozenset | set):
        return "list"
    return "text"


def _plain(value: Any) -> Any:
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 3600, 4)
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(str(v) for v in value)
    return value


def _defaults() -> dict[str, Any]:
    cls = _settings_class()
    if cls is None:
        return {}
    instance = cls()
    return {f.name: getattr(instance, f.name) for f in dataclasses.fields(cls)}


def _docs() -> dict[str, str]:
    cls = _settings_class()
    describe = getattr(cls, "describe", None)
    return dict(describe()) if describe is not None else {}


def settings_fields(saved: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per setting: name, label, kind, default and current value (both plain)."""
    docs = _docs()
    rows = []
    for name, default in _defaults().items():
        kind = _kind(default)
        plain_default = _plain(default)
        rows.append(
            {
                "name": name,
                "label": name.replace("_", " ").capitalize()
                + (" (hours)" if kind == "hours" else ""),
                "kind": kind,
                "default": plain_default,
                "value": saved.get(name, plain_default),
                "changed": name in saved and saved[name] != plain_default,
                "doc": docs.get(name, ""),
            }
        )
    return rows


def parse_settings_form(form: typing.Mapping[str, str]) -> dict[str, Any]:
    """The submitted values that differ from the defaults, as plain JSON values."""
    out: dict[str, Any] = {}
    for name, default in _defaults().items():
        kind = _kind(default)
        raw = form.get(name)
        if kind == "bool":
            value: Any = raw in ("on", "true", "1")
        elif raw is None or raw.strip() == "":
            continue
        elif kind == "list" and _numbers(default):
            value = _plain(_parse_numbers(name, raw))
        else:
            value = _parse(name, kind, raw.strip())
        if value != _plain(default):
            out[name] = value
    return out


def _numbers(default: Any) -> bool:
    """A list setting of numbers (``withdrawn_levels``), not of words."""
    return bool(default) and all(isinstance(v, float | int) for v in default)


def _parse_numbers(name: str, raw: str) -> tuple[float, ...]:
    """``"0.1, 0.3"`` -> ``(0.1, 0.3)``; a one-line error for anything else."""
    msg = f"setting {name!r}: {raw!r} is not a list of numbers; enter e.g. 0.1, 0.3, 0.5"
    try:
        numbers = tuple(float(item) for item in raw.split(",") if item.strip())
    except ValueError as exc:
        raise PullawayError(msg) from exc
    if not numbers or not all(map(math.isfinite, numbers)):
        raise PullawayError(msg)
    return numbers


def _parse(name: str, kind: Kind, raw: str) -> Any:
    try:
        if kind == "int":
            return int(raw)
        if kind in ("float", "hours"):
            number = float(raw)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(raw)
            return number
    except ValueError as exc:
        msg = f"setting {name!r}: {raw!r} is not a number; enter a number like 3 or 2.5"
        raise PullawayError(msg) from exc
    return raw


def settings_object(saved: dict[str, Any]) -> Any:
    """A Settings built from the saved plain values (defaults for the rest); None if none."""
    cls = _settings_class()
    if cls is None:
        return None
    defaults = _defaults()
    kwargs: dict[str, Any] = {}
    for name, value in saved.items():
        if name not in defaults:
            continue
        default = defaults[name]
        kwargs[name] = _revive(default, value)
    return cls(**kwargs)


def _revive(default: Any, value: Any) -> Any:
    if isinstance(default, timedelta):
        return timedelta(hours=float(value))
    if isinstance(default, tuple | list | frozenset | set) and isinstance(value, str):
        if _numbers(default):
            return type(default)(_parse_numbers("list", value))
        items = [v.strip() for v in value.split(",") if v.strip()]
        return type(default)(items)
    if isinstance(default, bool):
        return bool(value)
    if isinstance(default, int) and not isinstance(default, bool):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value
