"""Score an analysis against a simulated truth: episode matching, F1, errors, accuracies.

Both sides are dicts in the shape of ``pullaway analyze --json``. An episode found by the
analysis matches a true one when their onsets are at most ``tolerance_days`` apart; each
side is matched at most once, closest pairs first.

>>> truth = {"episodes": [{"onset": "2025-03-01"}, {"onset": "2025-06-01"}]}
>>> found = {"episodes": [{"onset": "2025-03-03"}, {"onset": "2025-09-01"}]}
>>> score = score_history(truth, found, years=1.0)
>>> (score.true_positives, score.false_positives, score.false_negatives)
(1, 1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import Any

DEFAULT_TOLERANCE_DAYS = 3


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def match_episodes(
    truth: list[dict[str, Any]],
    found: list[dict[str, Any]],
    *,
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS,
) -> list[tuple[int, int]]:
    """Pairs (truth index, found index) whose onsets are within the tolerance, closest first.

    >>> match_episodes([{"onset": "2025-01-10"}], [{"onset": "2025-01-14"}], tolerance_days=3)
    []
    >>> match_episodes([{"onset": "2025-01-10"}], [{"onset": "2025-01-13"}])
    [(0, 0)]
    """
    candidates = []
    for i, t in enumerate(truth):
        for j, f in enumerate(found):
            t_onset, f_onset = _day(t["onset"]), _day(f["onset"])
            if t_onset is None or f_onset is None:
                continue
            distance = abs((t_onset - f_onset).days)
            if distance <= tolerance_days:
                candidates.append((distance, i, j))
    used_t: set[int] = set()
    used_f: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_t and j not in used_f:
            pairs.append((i, j))
            used_t.add(i)
            used_f.add(j)
    return sorted(pairs)


@dataclass(frozen=True)
class HistoryScore:
    """What one analysed history contributes to the benchmark totals."""

    true_positives: int
    false_positives: int
    false_negatives: int
    onset_errors: tuple[int, ...] = ()
    return_errors: tuple[int, ...] = ()  # |end found - end true|, pairs where both returned
    strategy_hits: tuple[bool, ...] = ()
    outcome_hits: tuple[bool, ...] = ()
    years: float = 0.0
    phase_hit: bool | None = None

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        return f1(self.true_positives, self.false_positives, self.false_negatives)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def f1(true_positives: int, false_positives: int, false_negatives: int) -> float:
    """Harmonic mean of precision and recall; 1.0 when there was nothing to find or find.

    >>> f1(9, 1, 1)
    0.9
    >>> f1(0, 0, 0)
    1.0
    """
    denominator = 2 * true_positives + false_positives + false_negatives
    return 2 * true_positives / denominator if denominator else 1.0


def score_history(
    truth: dict[str, Any],
    found: dict[str, Any],
    *,
    years: float,
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS,
) -> HistoryScore:
    """Compare one analysis with its truth."""
    t_eps: list[dict[str, Any]] = truth.get("episodes", [])
    f_eps: list[dict[str, Any]] = found.get("episodes", [])
    pairs = match_episodes(t_eps, f_eps, tolerance_days=tolerance_days)
    onset_errors, return_errors, strategy_hits, outcome_hits = [], [], [], []
    for i, j in pairs:
        t, f = t_eps[i], f_eps[j]
        t_onset, f_onset = _day(t["onset"]), _day(f["onset"])
        if t_onset is not None and f_onset is not None:
            onset_errors.append(abs((t_onset - f_onset).days))
        t_end, f_end = _day(t.get("end")), _day(f.get("end"))
        if t_end is not None and f_end is not None:
            return_errors.append(abs((t_end - f_end).days))
        strategy_hits.append(t.get("strategy") == f.get("strategy"))
        outcome_hits.append(t.get("outcome") == f.get("outcome"))
    t_phase = truth.get("now", {}).get("phase")
    f_phase = found.get("now", {}).get("phase")
    return HistoryScore(
        true_positives=len(pairs),
        false_positives=len(f_eps) - len(pairs),
        false_negatives=len(t_eps) - len(pairs),
        onset_errors=tuple(onset_errors),
        return_errors=tuple(return_errors),
        strategy_hits=tuple(strategy_hits),
        outcome_hits=tuple(outcome_hits),
        years=years,
        phase_hit=None if t_phase is None or f_phase is None else t_phase == f_phase,
    )


@dataclass(frozen=True)
class Totals:
    """Scores summed over many histories."""

    histories: int
    precision: float
    recall: float
    f1: float
    onset_median_error: float | None
    return_median_error: float | None
    strategy_accuracy: float | None
    outcome_accuracy: float | None
    phase_accuracy: float | None
    matched: int
    extra: dict[str, Any] = field(default_factory=dict)


def _mean(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def total(scores: list[HistoryScore]) -> Totals:
    """Pool the episode counts and errors of many histories (micro averages).

    >>> a = HistoryScore(2, 0, 1, onset_errors=(0, 2), strategy_hits=(True, False))
    >>> b = HistoryScore(1, 1, 0, onset_errors=(1,), strategy_hits=(True,))
    >>> t = total([a, b])
    >>> (t.precision, t.recall, t.onset_median_error, round(t.strategy_accuracy, 3))
    (0.75, 0.75, 1, 0.667)
    """
    tp = sum(s.true_positives for s in scores)
    fp = sum(s.false_positives for s in scores)
    fn = sum(s.false_negatives for s in scores)
    onsets = [e for s in scores for e in s.onset_errors]
    returns = [e for s in scores for e in s.return_errors]
    phases = [s.phase_hit for s in scores if s.phase_hit is not None]
    return Totals(
        histories=len(scores),
        precision=_ratio(tp, tp + fp),
        recall=_ratio(tp, tp + fn),
        f1=f1(tp, fp, fn),
        onset_median_error=median(onsets) if onsets else None,
        return_median_error=median(returns) if returns else None,
        strategy_accuracy=_mean([h for s in scores for h in s.strategy_hits]),
        outcome_accuracy=_mean([h for s in scores for h in s.outcome_hits]),
        phase_accuracy=_mean(phases),
        matched=tp,
    )


def false_episodes_per_year(scores: list[HistoryScore]) -> float | None:
    """Episodes found per simulated year, over histories whose truth has none.

    >>> quiet = HistoryScore(0, 0, 0, years=2.0)
    >>> false_episodes_per_year([HistoryScore(0, 2, 0, years=2.0), quiet])
    0.5
    """
    years = sum(s.years for s in scores)
    return sum(s.false_positives for s in scores) / years if years else None


def km_median(durations: list[float], observed: list[bool]) -> float | None:
    """Kaplan-Meier median time to event, or None if the curve never reaches one half.

    >>> km_median([2, 4, 6], [True, True, True])
    4
    >>> km_median([2, 3, 10], [True, False, False]) is None
    True
    """
    at_risk = len(durations)
    survival = 1.0
    for time_, event in sorted(
        zip(durations, observed, strict=True), key=lambda p: (p[0], not p[1])
    ):
        if event:
            survival *= 1 - 1 / at_risk
            if survival <= 0.5:
                return time_
        at_risk -= 1
    return None


def effect_sign(comparison: dict[str, Any]) -> int | None:
    """+1 when let-go episodes ended sooner than chased ones (median days), -1 when later.

    None when either median is missing or they are equal.

    >>> effect_sign({"let_go": {"median_days_to_return": 5},
    ...              "chased": {"median_days_to_return": 9}})
    1
    """
    let_go = (comparison.get("let_go") or {}).get("median_days_to_return")
    chased = (comparison.get("chased") or {}).get("median_days_to_return")
    if let_go is None or chased is None or let_go == chased:
        return None
    return 1 if let_go < chased else -1
