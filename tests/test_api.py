"""The public Python API: a checked __all__, and the notebook path end to end."""

from __future__ import annotations

import pytest

import pullaway
from conftest import ROOT


def test_all_is_sorted_and_complete() -> None:
    assert pullaway.__all__ == sorted(pullaway.__all__, key=lambda n: (not n.isupper(), n))
    for name in pullaway.__all__:
        assert getattr(pullaway, name) is not None, name


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="nothing_here"):
        pullaway.nothing_here  # noqa: B018


def test_parse_then_analyze() -> None:
    importer, result = pullaway.parse_file(ROOT / "samples" / "WhatsApp Chat with Leo.txt")
    assert importer.name == "whatsapp"
    analysis = pullaway.analyze(result.messages, me="Maya")
    assert analysis.chat.them == "Leo"
    assert set(analysis.daily["person"].unique()) == {"me", "them"}
