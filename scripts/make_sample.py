"""Write the bundled sample chat and its truth (samples/sample_truth.json).

A WhatsApp Android export in English between Maya (the user) and Leo, about 16 months long,
with pull-aways of both strategies and one still ongoing at the end. Seeded: running this
again writes the same files.

    .venv/bin/python scripts/make_sample.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from pullaway.simulate import Strategy, simulate
from pullaway.simulate.writers import write_export

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_NAME = "WhatsApp Chat with Leo.txt"
SAMPLES = ROOT / "samples"
SEED = 2024
STRATEGIES: tuple[Strategy, ...] = ("chased", "let_go", "chased", "let_go", "chased", "let_go")


def main() -> int:
    chat = simulate(
        seed=SEED,
        days=490,
        language="en",
        me="Maya",
        them="Leo",
        rate=36.0,
        strategies=STRATEGIES,
        let_go_effect=0.4,
        ongoing=True,
        start=date(2024, 11, 4),
    )
    episodes = chat.truth["episodes"]
    placed = tuple(ep["strategy"] for ep in episodes)
    if placed != STRATEGIES or episodes[-1]["outcome"] != "ongoing":
        print(f"seed {SEED} placed {placed}; pick another seed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        export = write_export(chat, Path(tmp), format="whatsapp_android")
        SAMPLES.mkdir(exist_ok=True)
        (SAMPLES / SAMPLE_NAME).write_bytes(export.read_bytes())
    truth = json.dumps(chat.truth, ensure_ascii=False, indent=1)
    (SAMPLES / "sample_truth.json").write_text(truth + "\n", encoding="utf-8")
    size = (SAMPLES / SAMPLE_NAME).stat().st_size
    print(f"wrote samples/{SAMPLE_NAME} ({chat.messages.height} messages, {size:,} bytes)")
    for ep in episodes:
        print(f"  {ep['onset']} -> {ep['end'] or 'ongoing':10}  {ep['strategy']:7} {ep['outcome']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
