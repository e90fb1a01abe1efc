"""Her strategy in an episode: the label and the numbers behind it."""

from __future__ import annotations

from _chatgen import ME, analysed, make_chat
from pullaway.analysis import Settings, StrategyCounts, analyze
from pullaway.analysis.strategy import classify


def test_silent_partner_let_go_with_counts() -> None:
    episode = analysed("let_go").episodes[0]
    counts = episode.counts
    assert episode.strategy == "let_go"
    assert counts.pleading_or_checking == 0
    assert counts.max_unanswered_streak <= 2
    assert counts.longest_silence_hours >= 72
    assert counts.her_per_day <= 0.5 * counts.her_baseline_per_day


def test_double_texting_are_you_ok_is_chasing() -> None:
    episode = analysed("chased").episodes[0]
    counts = episode.counts
    assert episode.strategy == "chased"
    assert counts.max_unanswered_streak >= 3
    assert counts.pleading_or_checking >= 2
    assert counts.double_texts >= 4


def _counts(**changes: float) -> StrategyCounts:
    base: dict[str, float] = {
        "her_messages": 5,
        "her_per_day": 0.5,
        "her_baseline_per_day": 20.0,
        "her_initiations": 1,
        "max_unanswered_streak": 1,
        "double_texts": 0,
        "pleading_or_checking": 0,
        "longest_silence_hours": 100.0,
        "her_to_his_ratio": 1.0,
    }
    base.update(changes)
    return StrategyCounts(**base)  # type: ignore[arg-type]


def test_rules_at_their_thresholds() -> None:
    quiet = _counts()
    assert classify(quiet, "qqqqqqqq") == "let_go"
    assert classify(quiet, "qqqPqqqq") == "let_go"  # one pursuit day is not a chase
    assert classify(quiet, "qPqqPq") == "chased"  # two are (chase_days)
    assert classify(quiet, ".PPPPPPP") == "chased"
    assert classify(quiet, "PPPPPP..") == "chased"  # no held-back stretch after
    assert classify(quiet, "qqPPPPPP") == "chased"  # 2 quiet days before she noticed: no switch
    assert classify(quiet, "qqqqPPPPPP") == "mixed"  # held back 2 more days, then chased
    assert classify(quiet, "PqPPPPPP") == "chased"  # pursuit from the first day: nothing left out
    assert classify(quiet, "qqPPPPPP", settings=Settings(notice_days=0)) == "mixed"
    assert classify(quiet, "PPPPPPqq") == "mixed"  # chased, then held back
    assert classify(quiet, "qPPPPPPPPPPP") == "chased"  # one quiet day is not a stretch
    assert classify(_counts(her_per_day=12.0, longest_silence_hours=48.0), "........") == "mixed"
    assert classify(_counts(her_per_day=12.0), "........") == "let_go"  # a 100 h silence
    assert classify(_counts(longest_silence_hours=48.0), "qqqq") == "let_go"  # she wrote little


def test_a_chase_needs_a_share_of_the_days() -> None:
    busy = _counts(her_per_day=15.0, longest_silence_hours=30.0)
    month = "qqqqqqqqqqqqPqqqqqqqqqqqqqqPqq"  # two pleading days in a quiet month
    assert classify(busy, month) == "let_go"  # held back on most days
    assert classify(busy, month, settings=Settings(chase_min_share=0.0)) == "mixed"
    assert classify(busy, "..........P.........P.........") == "mixed"  # as usual otherwise


def test_mixed_needs_a_clear_switch_not_an_unbroken_run() -> None:
    quiet = _counts()
    assert classify(quiet, "PPPPq.qqq..q") == "mixed"  # chased, then mostly held back
    assert classify(quiet, "qq.qqqPPPPPP") == "mixed"  # held back with an ordinary day
    assert classify(quiet, "PPPPPPPPqPq.") == "chased"  # pursuit keeps coming back
    assert classify(quiet, "PPPPPPPP....") == "chased"  # carried on as usual after
    assert classify(quiet, "qPqPqPqPqPqP") == "chased"  # alternating is not a switch
    strict = Settings(mixed_stray_share=0.0)
    assert classify(quiet, "PPPPqqqqPqqq") == "mixed"
    assert classify(quiet, "PPPPqqqqPqqq", settings=strict) == "mixed"  # split after P
    assert classify(quiet, "PPPPqqPqqqPq", settings=strict) == "chased"
    assert classify(quiet, "PPPPq.q..q", settings=Settings(mixed_held_share=0.7)) == "chased"


def test_thresholds_are_settings() -> None:
    assert classify(_counts(), "qPqqPq", settings=Settings(chase_days=3)) == "let_go"
    assert classify(_counts(), "qPPPPPPP", settings=Settings(mixed_min_days=1)) == "chased"
    loose = Settings(mixed_min_days=1, mixed_share=0.1)
    assert classify(_counts(), "qPPPPPPP", settings=loose) == "mixed"


def test_chasing_then_holding_back_is_mixed() -> None:
    plan = [("normal", 60), ("chased", 5), ("let_go", 8), ("return", 30)]
    result = analyze(make_chat(plan, seed=3), me=ME)
    assert len(result.episodes) == 1
    episode = result.episodes[0]
    assert episode.strategy == "mixed"
    assert episode.counts.pleading_or_checking >= 2
