"""Now, the ending gate and the concern gate."""

from __future__ import annotations

from dataclasses import replace

from _chatgen import analysed
from pullaway.analysis.now import history_sentence
from pullaway.analysis.safety import helplines, resources_for

PROMISES = ("he will come back", "he'll come back", "will return", "make him")


def _guidance_text(name: str) -> str:
    return " ".join(g.text for g in analysed(name).now.guidance).lower()


def test_ongoing_episode_is_pulling_away_now() -> None:
    result = analysed("ongoing")
    now = result.now
    assert now.phase == "pulling_away"
    assert now.since == result.episodes[0].onset
    assert now.days == (result.chat.last.date() - now.since).days
    assert now.strategy == "let_go"
    assert now.earlier_episodes == 0
    assert "first pull-away" in now.history
    assert now.guidance
    text = _guidance_text("ongoing")
    assert not any(p in text for p in PROMISES)
    assert "nobody can tell whether he returns" in text


def test_connected_after_a_return() -> None:
    result = analysed("let_go")
    assert result.now.phase == "connected"
    assert result.now.since == result.episodes[0].end
    assert result.now.history == "In 1 of 1 earlier episode he came back; after 10 days."
    assert result.now.curve["survival"].to_list() == [1.0, 0.0]


def test_history_counts_in_words_that_agree() -> None:
    faded = replace(analysed("let_go").episodes[0], outcome="faded")
    assert history_sentence([faded]) == (
        "In the one earlier episode he did not come back within the time the chat shows."
    )
    assert history_sentence([faded, faded]) == (
        "In none of 2 earlier episodes did he come back within the time the chat shows."
    )


def test_break_up_is_an_ending() -> None:
    result = analysed("ending")
    assert result.safety.ending
    assert not result.safety.concern
    assert result.now.phase == "ended"
    assert result.now.history == ""
    assert result.now.curve.height == 0  # no return forecast
    assert "I want to break up" in [e.text for e in result.safety.evidence]
    assert "ending" in _guidance_text("ending")
    assert not any(p in _guidance_text("ending") for p in PROMISES)


def test_control_and_threats_raise_a_concern_with_resources() -> None:
    result = analysed("control")
    safety = result.safety
    assert safety.concern
    assert not safety.crisis
    quoted = [e.text for e in safety.evidence]
    assert "give me your password" in quoted
    assert "if you leave I'll hurt you" in quoted
    assert safety.resources
    assert all(r.kind == "abuse" for r in safety.resources)
    assert any("1-800-799-7233" in r.contact for r in safety.resources)
    for m in result.episodes[0].mechanisms:
        assert m.verdict == "not_observable"
        assert "support resources" in m.summary
    assert [g.mechanism for g in result.now.guidance] == [0]


def test_self_harm_puts_crisis_lines_first() -> None:
    safety = analysed("self_harm").safety
    assert safety.crisis
    assert safety.concern
    assert safety.resources[0].kind == "crisis"
    assert "988" in safety.resources[0].contact


def test_plain_chats_raise_nothing() -> None:
    safety = analysed("let_go").safety
    assert (safety.ending, safety.concern, safety.crisis) == (False, False, False)
    assert safety.resources == ()


def test_helplines_are_marked_for_reverification() -> None:
    lines = helplines()
    assert {h.status for h in lines} <= {"re-verify", "not verified"}
    assert {"US", "UK", "ES", "FR", "DE", "PT", "BR", "AU"} <= {h.country for h in lines}
    german = resources_for(crisis=False, abuse=True, country="DE")
    assert german[0].country == "DE"


def test_three_weeks_of_silence_after_her_bids_is_an_ending() -> None:
    result = analysed("ghost")
    assert result.episodes[0].outcome == "ended"
    assert result.safety.ending
    assert "written nothing for 21+ days" in result.safety.reasons[0]
    assert result.now.phase == "ended"


def test_no_return_and_a_long_silence_without_bids_fades() -> None:
    result = analysed("fade")
    assert result.episodes[0].outcome == "faded"
    assert not result.safety.ending  # no earlier return to measure "far beyond" against
    assert result.now.phase == "pulling_away"
