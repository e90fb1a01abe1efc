"""Each person's daily rhythm: sleep window, work hours, and when conversations start."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MINUTES = 1440


@dataclass(frozen=True)
class Person:
    """One side of the chat: rhythm and texting style (drawn per history)."""

    name: str
    sleep_start: float  # hour of day, may exceed 24 (25.0 = 01:00)
    sleep_hours: float
    work_start: float
    work_end: float
    burst_extra: float  # mean number of extra messages in one burst (split sentences)
    latency_minutes: float  # median reply latency when things are normal

    @classmethod
    def draw(cls, rng: np.random.Generator, name: str, rate: float) -> Person:
        work_start = float(rng.uniform(7.5, 10.0))
        return cls(
            name=name,
            sleep_start=float(rng.uniform(22.0, 25.5)),
            sleep_hours=float(rng.uniform(6.0, 9.0)),
            work_start=work_start,
            work_end=work_start + float(rng.uniform(7.5, 9.5)),
            burst_extra=float(rng.uniform(0.3, 1.1) * (1 + rate / 500)),
            latency_minutes=float(max(0.25, rng.uniform(1.5, 6.0) * min(1.0, 40 / rate) ** 0.6)),
        )

    def asleep(self, hour: np.ndarray) -> np.ndarray:
        """Whether each hour of day (float, 0-24) falls in this person's sleep window."""
        return np.asarray(np.mod(hour - self.sleep_start, 24.0) < self.sleep_hours)

    def weights(self, *, weekend: bool) -> np.ndarray:
        """How likely a conversation with this person starts in each minute of the day."""
        hour = np.arange(MINUTES) / 60.0
        weight = np.ones(MINUTES)
        if not weekend:
            at_work = (hour >= self.work_start) & (hour < self.work_end)
            lunch = (hour >= 12.0) & (hour < 13.25)
            weight[at_work & ~lunch] = 0.35
        weight[(hour >= 19.0) & (hour < 23.0)] *= 1.4
        wake = np.mod(self.sleep_start + self.sleep_hours, 24.0)
        weight[np.mod(hour - wake, 24.0) < 1.0] *= 1.3
        weight[self.asleep(hour)] = 0.0
        return weight

    def to_json(self) -> dict[str, float | str]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def start_cdfs(her: Person, him: Person) -> np.ndarray:
    """Cumulative start-minute distributions, row 0 weekdays and row 1 weekends.

    A conversation starts when both are awake; the joint weight is the product.
    """
    rows = []
    for weekend in (False, True):
        joint = her.weights(weekend=weekend) * him.weights(weekend=weekend)
        if joint.sum() == 0:  # sleep windows that never overlap: fall back to either awake
            joint = her.weights(weekend=weekend) + him.weights(weekend=weekend)
        rows.append(np.cumsum(joint) / joint.sum())
    return np.vstack(rows)
