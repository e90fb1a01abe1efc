"""The thread gap: the silence that starts a new conversation, fixed or learned.

Texting gaps are bimodal, short inside conversations and long between them (science notes
section 2; docs/analysis-structure.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

__all__ = ["ThreadGap", "thread_gap"]


@dataclass(frozen=True)
class ThreadGap:
    """The silence that starts a new thread, and how it was chosen.

    ``method`` is "learned" (density minimum between the two modes of log10 gap),
    "fallback" (too few gaps or no clear bimodality: 2 h) or "fixed" (given by the caller).
    """

    gap: timedelta
    method: str


def thread_gap(
    gap_seconds: np.ndarray,
    *,
    min_gaps: int = 200,
    fallback: timedelta = timedelta(hours=2),
    lower: timedelta = timedelta(minutes=30),
    upper: timedelta = timedelta(hours=6),
    max_dip_ratio: float = 0.5,
) -> ThreadGap:
    """Learn the thread gap from the silences between consecutive messages.

    Fits a two-component Gaussian mixture to log10(gap seconds) (binned, 0.05 decade) and
    takes the density minimum between the two means, clamped to [``lower``, ``upper``].
    With fewer than ``min_gaps`` gaps, or no clear dip (the density at the minimum is above
    ``max_dip_ratio`` times the lower of the two peaks), returns ``fallback``.

    >>> rng = np.random.default_rng(1)
    >>> gaps = np.concatenate([10 ** rng.normal(1.8, 0.4, 900), 10 ** rng.normal(4.4, 0.3, 300)])
    >>> found = thread_gap(gaps)
    >>> found.method, timedelta(minutes=30) <= found.gap <= timedelta(hours=6)
    ('learned', True)
    >>> thread_gap(gaps[:50]).method
    'fallback'
    """
    values = np.log10(np.maximum(np.asarray(gap_seconds, dtype=float), 1.0))
    if values.size < min_gaps:
        return ThreadGap(fallback, "fallback")
    cut = _mixture_dip(values, max_dip_ratio=max_dip_ratio)
    if cut is None:
        return ThreadGap(fallback, "fallback")
    seconds = float(np.clip(10**cut, lower.total_seconds(), upper.total_seconds()))
    return ThreadGap(timedelta(seconds=round(seconds)), "learned")


def _mixture_dip(values: np.ndarray, *, max_dip_ratio: float) -> float | None:
    top = max(float(values.max()), 0.1)
    counts, edges = np.histogram(values, bins=np.arange(0.0, top + 0.1, 0.05))
    x = (edges[:-1] + edges[1:]) / 2
    w = counts / counts.sum()
    mu = np.quantile(values, [0.25, 0.9])
    sd = np.array([0.5, 0.5])
    pi = np.array([0.5, 0.5])
    for _ in range(200):
        dens = pi * _normal(x[:, None], mu, sd)
        resp = dens / np.maximum(dens.sum(axis=1, keepdims=True), 1e-300)
        nk = np.maximum((w[:, None] * resp).sum(axis=0), 1e-12)
        pi = nk
        mu = (w[:, None] * resp * x[:, None]).sum(axis=0) / nk
        sd = np.sqrt((w[:, None] * resp * (x[:, None] - mu) ** 2).sum(axis=0) / nk)
        sd = np.maximum(sd, 0.05)
    lo, hi = sorted(mu)
    if pi.min() < 0.02 or hi - lo < 0.3:
        return None
    grid = np.linspace(lo, hi, 200)
    density = (pi * _normal(grid[:, None], mu, sd)).sum(axis=1)
    i = int(np.argmin(density))
    if i in (0, grid.size - 1) or density[i] > max_dip_ratio * min(density[0], density[-1]):
        return None
    return float(grid[i])


def _normal(x: np.ndarray, mu: np.ndarray, sd: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    return result
