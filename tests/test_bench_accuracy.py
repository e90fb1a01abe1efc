"""The accuracy benchmark reads back every export format the simulator writes.

A history that fails to import or analyse scores zero, so a format the benchmark cannot read
back (Signal and SMS name their owner "Me") would pull every figure down without an error.
"""

from __future__ import annotations

import pytest

from conftest import load_bench
from pullaway.simulate.writers import EXPORT_FORMATS


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_every_format_is_read_back_and_analysed(export_format: str) -> None:
    accuracy = load_bench("accuracy")
    case = accuracy.Case(
        index=0,
        seed=11,
        language="es",
        format=export_format,
        date_order="dmy",
        clock="24h",
        rate=40.0,
        days=300,
        return_median_days=10.0,
        let_go_effect=0.0,
        quiet=False,
        ongoing=False,
    )
    result = accuracy.run_case(case)
    assert result["error"] is None, result.get("traceback")
    assert result["truth_episodes"]
    assert any(episode["found"] for episode in result["truth_episodes"])
