"""The import benchmark has a floor and pullaway's contenders for every format the simulator
writes, and each runs (in its own process, as the benchmark runs it) on a small export."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import load_bench
from pullaway.simulate import simulate
from pullaway.simulate.writers import EXPORT_FORMATS, write_export


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_every_format_has_a_floor_that_counts_its_export(
    export_format: str, tmp_path: Path
) -> None:
    bench = load_bench("import_speed")
    contenders = bench.CONTENDERS[export_format.split("_")[0]]
    floor_name = next(iter(contenders))
    assert {"pullaway parse", "pullaway import"} <= set(contenders)
    sim = simulate(seed=3, days=60, rate=4.0)
    path = bench.measured_file(write_export(sim, tmp_path, format=export_format))
    floor = bench.measure(Path(sys.executable), contenders[floor_name], path)
    assert isinstance(floor, bench.Timing), floor
    assert floor.messages >= sim.messages.height
    if export_format in ("discord", "imessage"):  # the formats this stop added
        parsed = bench.measure(Path(sys.executable), contenders["pullaway parse"], path)
        imported = bench.measure(Path(sys.executable), contenders["pullaway import"], path)
        assert isinstance(parsed, bench.Timing), parsed
        assert isinstance(imported, bench.Timing), imported
        assert parsed.messages == imported.messages == floor.messages == sim.messages.height


def test_the_us_whatsapp_layout_is_month_first_12_hour_and_read_whole(tmp_path: Path) -> None:
    bench = load_bench("import_speed")
    export_format, date_order, clock = bench.LAYOUTS["whatsapp_us"]
    sim = simulate(seed=3, days=60, rate=4.0)
    path = write_export(sim, tmp_path, format=export_format, date_order=date_order, clock=clock)
    first = path.read_text(encoding="utf-8").splitlines()[1]
    assert re.match(r"\d{1,2}/\d{1,2}/\d\d, \d{1,2}:\d\d\u202f[AP]M - ", first), first
    contenders = bench.CONTENDERS["whatsapp"]
    floor = bench.measure(Path(sys.executable), contenders["read+splitlines"], path)
    parsed = bench.measure(Path(sys.executable), contenders["pullaway parse"], path)
    assert isinstance(floor, bench.Timing), floor
    assert isinstance(parsed, bench.Timing), parsed
    assert parsed.messages == sim.messages.height + 1  # and the encryption notice


def test_the_export_is_as_long_per_message_as_real_chats(tmp_path: Path) -> None:
    """Public sample exports have a median of 62 bytes a message line (names of ~10 bytes,
    texts of ~5 words); the phrase banks alone give 45, which made the floor too easy."""
    bench = load_bench("import_speed")
    me, them = bench.NAMES
    sim = simulate(
        seed=3, days=120, rate=40.0, me=me, them=them, second_phrase_share=bench.SECOND_PHRASE_SHARE
    )
    export_format, date_order, clock = bench.LAYOUTS["whatsapp_android"]
    path = write_export(sim, tmp_path, format=export_format, date_order=date_order, clock=clock)
    per_message = path.stat().st_size / sim.messages.height
    assert 54 < per_message < 66, per_message
    plain = simulate(seed=3, days=120, rate=40.0)
    path = write_export(plain, tmp_path / "plain", format=export_format, date_order=date_order)
    assert path.stat().st_size / plain.messages.height < 50
