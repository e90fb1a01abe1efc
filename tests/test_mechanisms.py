"""The nine mechanisms: verdicts with the numbers and the quoted messages they rest on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from _chatgen import RETURN_OPENING, RETURN_PLAN, THEM, analysed

if TYPE_CHECKING:
    from pullaway.analysis import MechanismResult


def _by_number(name: str) -> dict[int, MechanismResult]:
    return {m.number: m for m in analysed(name).episodes[0].mechanisms}


def _quoted(m: MechanismResult) -> list[str]:
    return [e.text for e in m.evidence]


@pytest.mark.parametrize("name", ["let_go", "chased"])
def test_return_mechanisms_are_consistent_with_his_words(name: str) -> None:
    found = _by_number(name)
    assert sorted(found) == list(range(1, 10))
    missed = "I missed you, sorry I've been distant"
    assert found[4].verdict == "consistent"
    assert missed in _quoted(found[4])
    assert found[9].verdict == "consistent"
    assert missed in _quoted(found[9])
    assert found[3].verdict == "consistent"
    assert set(_quoted(found[3])) & set(RETURN_OPENING)
    assert found[2].verdict == "consistent"
    assert all("love" in t or "❤️" in t or "😘" in t for t in _quoted(found[2]))
    assert all(
        e.sender == THEM for m in (found[2], found[3], found[4], found[9]) for e in m.evidence
    )


def test_summaries_carry_numbers_and_evidence_is_capped() -> None:
    for m in _by_number("let_go").values():
        assert any(ch.isdigit() for ch in m.summary), m
        assert len(m.evidence) <= 5


def test_space_and_reflection() -> None:
    found = _by_number("let_go")
    assert found[1].verdict == "consistent"  # "busy, talk later" then "I've been thinking"
    assert "I've been thinking about us" in _quoted(found[1])


def test_independence_only_from_his_acknowledgement() -> None:
    found = _by_number("let_go")
    assert found[5].verdict == "consistent"
    assert "you mean a lot to me, thank you for being patient" in _quoted(found[5])
    assert "0 checking or pleading" in found[5].summary


def test_her_restraint_and_its_association() -> None:
    assert _by_number("let_go")[7].verdict == "consistent"
    chased = _by_number("chased")[7]
    assert chased.verdict == "no_signal"
    assert chased.evidence
    assert all(e.sender == "Maya" for e in chased.evidence)


def test_pursuit_with_a_concrete_plan() -> None:
    found = _by_number("let_go")
    assert found[8].verdict == "consistent"
    assert RETURN_PLAN in _quoted(found[8])


def test_long_term_needs_sixty_days() -> None:
    found = _by_number("let_go")
    assert found[6].verdict == "not_observable"
    assert "60 days" in found[6].summary


def test_without_a_return_the_return_mechanisms_are_not_observable() -> None:
    found = _by_number("ongoing")
    for number in (2, 3, 6, 8, 9):
        assert found[number].verdict == "not_observable"
        assert "not come back" in found[number].summary
    assert found[4].verdict == "no_signal"
