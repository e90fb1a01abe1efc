"""A small, seeded generator of two-person chats for the analysis tests.

A chat is a plan of segments, each a kind of day repeated ``days`` times:

- ``normal``: both text through the day (about 45 messages), nobody writes 00:00-07:59.
- ``busy``: both write a third as often, in the same threads (a shared quiet week).
- ``holiday``: nobody writes.
- ``slow``: he writes a fifth of his usual, she carries on.
- ``let_go`` / ``chased``: he withdraws (a rare, short reply, never starts a thread); she
  either gives space (two messages in ten days) or double-texts "are you ok??" every day.
- ``return``: he comes back with "I missed you, sorry I've been distant", starts most
  threads and is warmer for the whole segment.
- ``ending``: he withdraws and on the second day writes "I want to break up"; she writes a few
  bids, he does not answer.
- ``ghost``: he writes nothing at all; she asks a question once a week.
- ``fade``: he writes nothing at all; she writes a little on the first day and "ok" on day 35.

``extra`` adds hand-written messages (day index, hour, sender "me" | "them", text).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache

import polars as pl

from pullaway.analysis import Analysis, analyze
from pullaway.model import MESSAGE_SCHEMA, with_message_ids

ME = "Maya"
THEM = "Sam"
START = date(2024, 1, 1)

NEUTRAL = (
    "just got home",
    "the bus was late again",
    "eating pasta now",
    "haha that is funny",
    "what are you up to?",
    "how was work?",
    "did you see the game?",
    "ok",
    "nice",
    "the weather is grey today",
    "reading a book on the sofa",
    "what did you have for lunch?",
    "my sister called",
    "lol",
    "the cat knocked over a plant",
    "finished the report finally",
    "that song is stuck in my head",
    "going for a run",
)
AFFECTION = ("love you ❤️", "kisses 😘", "night babe ❤️", "love you so much")
LET_GO_HER = {
    0: (
        (9, "morning! how did you sleep?"),
        (9.01, "I had the weirdest dream"),
        (12, "what are you up to?"),
        (18, "how was work?"),
        (18.01, "the cat says hi"),
    ),
    1: ((12, "hope today is calmer"), (12.01, "the bus was late again")),
    6: ((10, "hope your week is going ok"),),
}
CHASE_HER = (
    "are you ok??",
    "hello??",
    "did I do something?",
    "why aren't you answering",
    "are you ignoring me?",
    "please talk to me",
)
HIS_WITHDRAWN = ("busy", "talk later", "ok")
RETURN_OPENING = (
    "I missed you, sorry I've been distant",
    "I've been thinking about us",
    "you mean a lot to me, thank you for being patient",
)
RETURN_PLAN = "let's have dinner this Saturday at 8"
HER_REPLY_TO_RETURN = ("hey you", "I missed you too", "ok, let's talk")


def make_chat(
    plan: list[tuple[str, int]],
    *,
    seed: int = 1,
    start: date = START,
    extra: list[tuple[int, int, str, str]] | None = None,
) -> pl.DataFrame:
    """Generate the messages of ``plan`` as a frame with the message schema."""
    rng = random.Random(seed)
    rows: list[tuple[datetime, str, str]] = []
    day_index = 0
    for kind, days in plan:
        for offset in range(days):
            day = start + timedelta(days=day_index)
            rows.extend(_day(kind, offset, day, rng))
            day_index += 1
    for index, hour, who, text in extra or []:
        moment = datetime.combine(start + timedelta(days=index), datetime.min.time())
        rows.append((moment + timedelta(hours=hour, minutes=17), _name(who), text))
    return to_frame(rows)


def plan_days(plan: list[tuple[str, int]]) -> dict[str, list[date]]:
    """The first day of each segment kind, in order (for asserting onsets)."""
    starts: dict[str, list[date]] = {}
    index = 0
    for kind, days in plan:
        starts.setdefault(kind, []).append(START + timedelta(days=index))
        index += days
    return starts


def to_frame(rows: list[tuple[datetime, str, str]]) -> pl.DataFrame:
    rows = sorted(rows, key=lambda r: r[0])
    frame = pl.DataFrame(
        {
            "chat": [THEM] * len(rows),
            "message_id": [""] * len(rows),
            "timestamp": [r[0] for r in rows],
            "utc_offset": [None] * len(rows),
            "sender": [r[1] for r in rows],
            "kind": ["text"] * len(rows),
            "text": [r[2] for r in rows],
            "source_file": ["synthetic.txt"] * len(rows),
            "source_line": list(range(1, len(rows) + 1)),
        },
        schema=MESSAGE_SCHEMA,
    )
    return with_message_ids(frame)


def _name(who: str) -> str:
    return ME if who == "me" else THEM


def _day(kind: str, offset: int, day: date, rng: random.Random) -> list[tuple[datetime, str, str]]:
    midnight = datetime.combine(day, datetime.min.time())
    if kind == "holiday":
        return []
    if kind in ("ghost", "fade"):
        return _gone_day(kind, offset, midnight)
    if kind in ("let_go", "chased", "ending"):
        return _withdrawn_day(kind, offset, midnight, rng)
    threads = {"normal": 4, "busy": 1, "slow": 4, "return": 4}[kind]
    his_initiation = 0.75 if kind == "return" else 0.5
    affection = 0.25 if kind == "return" else 0.04
    rows: list[tuple[datetime, str, str]] = []
    hours = sorted(rng.sample(range(8, 23), threads + rng.randint(0, 1)))
    for number, hour in enumerate(hours):
        start = midnight + timedelta(hours=hour, minutes=rng.randint(0, 40))
        first = "them" if rng.random() < his_initiation else "me"
        if kind == "return" and offset == 0 and number == 0:
            rows.extend(_return_thread(start))
            continue
        rows.extend(
            _thread(
                start, first, rng, affection=affection, his_share=0.2 if kind == "slow" else 1.0
            )
        )
    return rows


def _thread(
    start: datetime, first: str, rng: random.Random, *, affection: float, his_share: float
) -> list[tuple[datetime, str, str]]:
    rows: list[tuple[datetime, str, str]] = []
    moment = start
    who = first
    for _ in range(rng.randint(5, 8)):
        if who == "them" and rng.random() > his_share:
            break
        for _ in range(rng.randint(1, 3)):
            text = rng.choice(AFFECTION) if rng.random() < affection else rng.choice(NEUTRAL)
            rows.append((moment, _name(who), text))
            moment += timedelta(seconds=rng.randint(15, 90))
        moment += timedelta(minutes=rng.randint(1, 8))
        who = "me" if who == "them" else "them"
    return rows


def _return_thread(start: datetime) -> list[tuple[datetime, str, str]]:
    rows = []
    moment = start
    for text in RETURN_OPENING:
        rows.append((moment, THEM, text))
        moment += timedelta(seconds=40)
    moment += timedelta(minutes=4)
    for text in HER_REPLY_TO_RETURN:
        rows.append((moment, ME, text))
        moment += timedelta(seconds=40)
    moment += timedelta(minutes=3)
    rows.append((moment, THEM, RETURN_PLAN))
    return rows


def _gone_day(kind: str, offset: int, midnight: datetime) -> list[tuple[datetime, str, str]]:
    """He writes nothing at all; she asks now and then (ghost) or just stops (fade)."""
    if kind == "ghost" and offset % 7 == 0:
        return [(midnight + timedelta(hours=12), ME, "are we still on for the weekend?")]
    if kind == "fade" and offset == 0:
        texts = ("the bus was late again", "reading a book on the sofa", "going for a run")
        return [(midnight + timedelta(hours=9 + 3 * i), ME, t) for i, t in enumerate(texts)]
    if kind == "fade" and offset == 34:
        return [(midnight + timedelta(hours=12), ME, "ok")]
    return []


def _withdrawn_day(
    kind: str, offset: int, midnight: datetime, rng: random.Random
) -> list[tuple[datetime, str, str]]:
    rows: list[tuple[datetime, str, str]] = []
    if kind == "chased":
        for hour in (9, 13, 18, 21):
            moment = midnight + timedelta(hours=hour, minutes=rng.randint(0, 20))
            rows.append((moment, ME, rng.choice(CHASE_HER)))
    elif kind == "ending" and offset == 0:
        for hour, text in LET_GO_HER[0]:
            rows.append((midnight + timedelta(hours=hour), ME, text))
    elif kind == "let_go" and offset in (0, 1, 6):
        for hour, text in LET_GO_HER[offset]:
            rows.append((midnight + timedelta(hours=hour), ME, text))
    elif kind == "ending" and offset in (3, 5, 8):
        rows.append((midnight + timedelta(hours=12), ME, "can we talk about it?"))
    if kind == "ending":
        if offset == 0:
            rows.append((midnight + timedelta(hours=13), THEM, "busy, talk later"))
        if offset == 1:
            rows.append((midnight + timedelta(hours=20), THEM, "I want to break up"))
        return rows
    if offset == 0:
        rows.append((midnight + timedelta(hours=13), THEM, "busy, talk later"))
    elif offset % 3 == 2:
        rows.append((midnight + timedelta(hours=19, minutes=30), THEM, rng.choice(HIS_WITHDRAWN)))
    return rows


SCENARIOS: dict[str, tuple[list[tuple[str, int]], list[tuple[int, int, str, str]]]] = {
    "let_go": ([("normal", 60), ("let_go", 10), ("return", 30)], []),
    "chased": ([("normal", 60), ("chased", 10), ("return", 30)], []),
    "busy": ([("normal", 60), ("busy", 7), ("normal", 30)], []),
    "holiday": ([("normal", 60), ("holiday", 5), ("normal", 30)], []),
    "slow": ([("normal", 60), ("slow", 1), ("normal", 30)], []),
    "ongoing": ([("normal", 60), ("let_go", 8)], []),
    "ending": ([("normal", 60), ("ending", 12)], []),
    "ghost": ([("normal", 60), ("ghost", 29)], []),
    "fade": ([("normal", 60), ("fade", 35)], []),
    "control": (
        [("normal", 60), ("let_go", 10), ("return", 30)],
        [(20, 21, "them", "give me your password"), (64, 22, "them", "if you leave I'll hurt you")],
    ),
    "self_harm": (
        [("normal", 60), ("let_go", 10), ("return", 30)],
        [(66, 23, "me", "some nights I want to end it all")],
    ),
}
"""Named chats shared by the test modules (built once per session)."""


@cache
def scenario(name: str, seed: int = 7) -> pl.DataFrame:
    plan, extra = SCENARIOS[name]
    return make_chat(plan, seed=seed, extra=extra)


@cache
def analysed(name: str, seed: int = 7) -> Analysis:
    return analyze(scenario(name, seed), me=ME)


def onset_of(name: str, kind: str) -> date:
    """The planned first day of the first segment of ``kind`` in a scenario."""
    return plan_days(SCENARIOS[name][0])[kind][0]
