"""Language signals: cue lexicons per language, matched as whole regexes over a column.

The lexicons are project-authored data files shipped in ``pullaway/lexicons/`` (one TOML
file per language; see docs/lexicons.md). Each category's cues are compiled once into one
alternation regex and applied with Polars ``str.contains`` on a normalised copy of the text:
casefolded, accents dropped (NFKD without combining marks), curly apostrophes made straight.
Runs of repeated letters ("sooo", "pleeease") match because every letter of a cue matches a
run of itself. Negations ("I don't miss you", "not busy") are a second regex per category; a
message is tagged when it has a cue and no negated cue.

>>> matches("I miss youuu 😘", "missing")
True
>>> matches("I don't miss you", "missing")
False
>>> matches("¿Dónde estás?", "question", languages=["es"])
True
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from pullaway.errors import LexiconError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "CATEGORIES",
    "EXTRA_COLUMNS",
    "LANGUAGES",
    "LexiconError",
    "any_cue_regex",
    "category_regex",
    "cue_regex",
    "detect_language",
    "lexicon",
    "matches",
    "mostly_repeated",
    "normalise",
    "normalised",
    "per_distinct",
    "signal_expr",
    "tag_signals",
    "tag_texts",
]

CATEGORIES: Final = (
    "affection",
    "missing",
    "apology",
    "appreciation",
    "plans",
    "question",
    "checking",
    "pleading",
    "withdrawal",
    "ending",
    "control",
    "reflective",
    "accountability",
    "self_harm",
)
"""The categories every lexicon file defines, in the order of the tagged columns."""

EXTRA_COLUMNS: Final = ("plans_concrete", "support")
"""Columns tag_signals adds after the categories: a plan with a day, time or place; and a
request for support ("I had an awful day", "can you call me"), used for bids."""

LANGUAGES: Final = ("en", "es", "pt", "de", "fr")

_SECTIONS: Final = (*CATEGORIES, "concrete", "support")
_FIELDS: Final = ("cues", "openers", "emoji", "patterns", "negations", "negation_patterns")
_NEVER: Final = r"[^\s\S]"  # a regex that matches nothing
_WORD_EDGE: Final = r"(?-u:\b)"  # ASCII word boundary: keeps the regex on the fast DFA engine
# An optional any-character in front of an alternation changes nothing it matches, but stops
# the regex engine from picking a literal prefilter: on chat text ("you", "so", "te" everywhere)
# the prefilter fires constantly and is 2-3 times slower than the plain DFA scan.
_NO_PREFILTER: Final = r"(?:[\s\S])?"


# --- normalisation -----------------------------------------------------------------------


def _fold_table() -> dict[str, str]:
    """Lowercase Latin letters with diacritics -> their NFKD base without combining marks."""
    table: dict[str, str] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code).lower()
        if len(char) != 1:
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
        if base != char:
            table[char] = base
    marks = {chr(c): "" for c in range(0x300, 0x370)}  # text that arrives decomposed
    extra = {"ß": "ss", "œ": "oe", "æ": "ae", "\ufe0f": "", "\ufe0e": ""}
    apostrophes = dict.fromkeys("’‘ʼ`´′", "'")
    return table | marks | extra | apostrophes


_FOLD: Final = _fold_table()
_FOLD_KEYS: Final = list(_FOLD)
_FOLD_VALUES: Final = [_FOLD[k] for k in _FOLD_KEYS]
_TRANSLATE: Final = str.maketrans(_FOLD)


def normalise(text: str) -> str:
    """The matching copy of ``text``: lowercase, without accents, straight apostrophes.

    Accents are removed with a table built from Unicode NFKD decomposition of the Latin
    letters (no third-party transliteration); emoji variation selectors are dropped.

    >>> normalise("Ça VA, CŒUR? Straße ’ok’ ❤️")
    "ca va, coeur? strasse 'ok' ❤"
    """
    return text.lower().translate(_TRANSLATE)


def normalised(expr: pl.Expr) -> pl.Expr:
    """The same normalisation as :func:`normalise`, as a Polars expression (null -> "")."""
    return expr.fill_null("").str.to_lowercase().str.replace_many(_FOLD_KEYS, _FOLD_VALUES)


# --- each distinct text once ------------------------------------------------------------


def per_distinct(
    values: pl.Series,
    compute: Callable[[pl.DataFrame], pl.DataFrame],
    *,
    max_distinct_share: float = 0.2,
    sample_size: int = 20_000,
) -> pl.DataFrame:
    """``compute`` over ``values``, run once per distinct value when the values repeat.

    ``compute`` gets a one-column frame (column ``values.name``) and must return a frame of
    the same height whose rows depend only on the matching input row (normalising, regex
    tests, counts). When at most ``max_distinct_share`` of an evenly spaced sample of
    ``sample_size`` values is distinct, ``compute`` runs on the distinct values (null
    included) and the rows are gathered back; otherwise it runs on ``values`` directly (the
    lookup would cost more than it saves). The result is the same either way.

    >>> texts = pl.Series("t", ["ok", "lol", None, "ok"] * 10)
    >>> per_distinct(texts, lambda f: f.select(pl.col("t").str.len_chars())).rows()[:4]
    [(2,), (3,), (None,), (2,)]
    """
    codes = _distinct_codes(values, max_distinct_share=max_distinct_share, sample_size=sample_size)
    if codes is None:
        return compute(values.to_frame())
    distinct, code = codes
    return compute(distinct.to_frame()).select(pl.all().gather(code))


def mostly_repeated(
    values: pl.Series, *, max_distinct_share: float = 0.2, sample_size: int = 20_000
) -> bool:
    """Whether at most ``max_distinct_share`` of an evenly spaced sample of ``values`` is distinct.

    Chats repeat "ok", "lol" and "haha" thousands of times, but most longer texts are unique:
    the sample says whether working on the distinct values can pay for finding them.

    >>> mostly_repeated(pl.Series(["ok", "lol"] * 50)), mostly_repeated(pl.Series(["a", "b"]))
    (True, False)
    """
    if values.dtype != pl.String or values.len() == 0:
        return False
    sample = values.gather_every(max(1, values.len() // sample_size))
    return sample.n_unique() <= max_distinct_share * sample.len()


def _distinct_codes(
    values: pl.Series, *, max_distinct_share: float, sample_size: int
) -> tuple[pl.Series, pl.Series] | None:
    """(distinct values with null last, each row's index into them), or None if not worth it."""
    if not mostly_repeated(values, max_distinct_share=max_distinct_share, sample_size=sample_size):
        return None
    distinct = values.drop_nulls().unique()
    # An Enum over exactly the distinct values maps each text to its index: exact, no hashes
    # to verify; null (no category) goes to the extra slot at the end.
    code = values.cast(pl.Enum(distinct)).to_physical().cast(pl.UInt32)
    code = code.fill_null(distinct.len())
    return distinct.extend(pl.Series(values.name, [None], dtype=pl.String)), code


# --- lexicon files -----------------------------------------------------------------------


@cache
def lexicon(language: str) -> dict[str, dict[str, list[str]]]:
    """The parsed lexicon of one language: section -> field -> list of entries."""
    if language not in LANGUAGES:
        msg = f"no lexicon for language {language!r}; available: {', '.join(LANGUAGES)}"
        raise LexiconError(msg)
    source = resources.files("pullaway.lexicons").joinpath(f"{language}.toml")
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        msg = f"lexicon {language}.toml is not valid TOML: {exc}"
        raise LexiconError(msg) from exc
    return _checked(language, data)


def _checked(language: str, data: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    for name in _SECTIONS:
        raw = data.get(name)
        if not isinstance(raw, dict):
            msg = f"lexicon {language}.toml has no [{name}] table; every category needs one"
            raise LexiconError(msg)
        unknown = sorted(set(raw) - set(_FIELDS))
        if unknown:
            msg = f"lexicon {language}.toml [{name}] has unknown keys {unknown}; use {_FIELDS}"
            raise LexiconError(msg)
        sections[name] = {field: [str(x) for x in raw.get(field, [])] for field in _FIELDS}
    stop = data.get("stopwords", [])
    sections["stopwords"] = {"cues": [str(x) for x in stop]}
    return sections


# --- cue syntax -> regex -----------------------------------------------------------------


def cue_regex(cue: str) -> str:
    r"""The regex for one cue, on normalised text.

    Letters match runs of themselves, a space matches whitespace or commas, ``'`` is optional,
    ``*`` is any word ending, ``[...]`` is optional, ``(a|b)`` is a choice; anything else is
    literal. Word boundaries are added where the cue starts or ends with a word character.

    >>> cue_regex("don't [really ]miss*")
    "(?-u:\\b)d+o+n+'?t+[\\s,]+(?:r+e+a+l+l+y+[\\s,]+)?m+i+s+s+(?-u:\\w)*(?-u:\\b)"
    """
    text = normalise(cue.strip())
    parts = [_cue_char(c) for c in text]
    body = "".join(parts)
    head = _WORD_EDGE if text[:1].isalnum() or text[:1] in "([" else ""
    tail = _WORD_EDGE if text[-1:].isalnum() or text[-1:] in "*)]" else ""
    return head + body + tail


def _cue_char(char: str) -> str:
    special = {" ": r"[\s,]+", "'": "'?", "*": r"(?-u:\w)*", "[": "(?:", "]": ")?", "(": "(?:"}
    if char in special:
        return special[char]
    if char in ")|":
        return char
    if char.isalpha():
        return re.escape(char) + "+"
    return re.escape(char)


def _emoji_regex(emoji: str) -> str:
    return re.escape(normalise(emoji))


def _opener_regex(opener: str) -> str:
    return r"(?m:^[\s¿¡\"'(]*)" + cue_regex(opener)


def _raw(pattern: str) -> str:
    """A raw lexicon regex; its ``\\b`` is the ASCII word boundary (fast DFA engine)."""
    return pattern.replace(r"\b", _WORD_EDGE)


def _alternation(parts: Iterable[str]) -> str:
    unique = list(dict.fromkeys(p for p in parts if p))
    return _NO_PREFILTER + "(?:" + "|".join(unique) + ")" if unique else _NEVER


def _positive_parts(section: dict[str, list[str]]) -> list[str]:
    return (
        [cue_regex(c) for c in section["cues"]]
        + [_opener_regex(c) for c in section["openers"]]
        + [_emoji_regex(c) for c in section["emoji"]]
        + [_raw(p) for p in section["patterns"]]
    )


def _languages(languages: Sequence[str] | None) -> tuple[str, ...]:
    if languages is None:
        return LANGUAGES
    chosen = tuple(dict.fromkeys(languages))
    for language in chosen:
        lexicon(language)  # raises LexiconError for an unknown language
    return chosen


@cache
def category_regex(category: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, str]:
    """(cue regex, negation regex) of one section over the given languages."""
    if category not in _SECTIONS:
        msg = f"unknown signal category {category!r}; known: {', '.join(_SECTIONS)}"
        raise LexiconError(msg)
    positive: list[str] = []
    negative: list[str] = []
    for language in languages:
        section = lexicon(language)[category]
        positive += _positive_parts(section)
        negative += [cue_regex(c) for c in section["negations"]]
        negative += [_raw(p) for p in section["negation_patterns"]]
    return _alternation(positive), _alternation(negative)


def any_cue_regex(
    categories: Sequence[str], *, languages: Sequence[str] | None = None, extra: str = ""
) -> str:
    """One regex for the cues of several sections (negations ignored), plus ``extra``.

    One pass over the text instead of one per category: structure() uses it for bids.
    """
    chosen = _languages(languages)
    parts = [category_regex(c, chosen)[0] for c in categories]
    return _alternation([p for p in parts if p != _NEVER] + ([extra] if extra else []))


# --- tagging -----------------------------------------------------------------------------


def signal_expr(category: str, norm: pl.Expr, *, languages: Sequence[str] | None = None) -> pl.Expr:
    """Boolean expression: ``norm`` (a normalised text expression) carries the category."""
    positive, negative = category_regex(category, _languages(languages))
    hit = norm.str.contains(positive)
    if negative != _NEVER:
        hit = hit & ~norm.str.contains(negative)
    return hit.fill_null(False)


def tag_signals(
    messages: pl.DataFrame,
    *,
    text_column: str = "text",
    languages: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return ``messages`` with one Boolean column per category, then the extra columns.

    >>> frame = pl.DataFrame({"text": ["miss u sooo much ❤️", "I'm busy, talk later", None]})
    >>> tagged = tag_signals(frame, languages=["en"])
    >>> tagged.select("missing", "affection", "withdrawal").rows()
    [(True, True, False), (False, False, True), (False, False, False)]
    """
    chosen = _languages(languages)
    sections = {c: c for c in CATEGORIES} | {"plans_concrete": "concrete", "support": "support"}
    regexes = {column: category_regex(section, chosen) for column, section in sections.items()}
    norm = pl.col("__pullaway_norm")
    frame = messages.with_columns(normalised(pl.col(text_column)).alias(norm.meta.output_name()))
    tagged = frame.with_columns(
        norm.str.contains(positive).alias(column) for column, (positive, _) in regexes.items()
    )
    tagged = _apply_negations(tagged, norm, regexes)
    concrete = (pl.col("plans") & pl.col("plans_concrete")).alias("plans_concrete")
    return tagged.with_columns(concrete).drop(norm.meta.output_name())


def tag_texts(
    texts: pl.Series,
    categories: Sequence[str],
    *,
    languages: Sequence[str] | None = None,
) -> pl.DataFrame:
    """One Boolean column per category (or "concrete"/"support" section), aligned with ``texts``.

    The same answer as :func:`signal_expr` on the normalised text, with null texts False, but
    each distinct text is matched once when texts repeat (see :func:`per_distinct`), and a
    negation is tested only on the texts that carry a cue of its category. No join back: the
    columns line up with ``texts`` row for row.

    >>> tag_texts(pl.Series(["miss u", "I don't miss you", None]), ["missing"]).rows()
    [(True,), (False,), (False,)]
    """
    chosen = _languages(languages)
    regexes = {c: category_regex(c, chosen) for c in dict.fromkeys(categories)}
    name = "__pullaway_text"

    def tag(frame: pl.DataFrame) -> pl.DataFrame:
        norm = pl.col("__pullaway_norm")
        normed = frame.select(
            pl.col(name).is_not_null().alias("__pullaway_present"),
            normalised(pl.col(name)).alias(norm.meta.output_name()),
        )
        tagged = normed.with_columns(
            (norm.str.contains(positive) & pl.col("__pullaway_present")).alias(column)
            for column, (positive, _) in regexes.items()
        )
        return _apply_negations(tagged, norm, regexes).select(list(regexes))

    return per_distinct(texts.rename(name), tag)


def _apply_negations(
    tagged: pl.DataFrame, norm: pl.Expr, regexes: dict[str, tuple[str, str]]
) -> pl.DataFrame:
    """Clear a column where a negated cue occurs, testing only the rows that carry a cue."""
    negated = [column for column, (_, negative) in regexes.items() if negative != _NEVER]
    if not negated:
        return tagged
    rows = tagged.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).filter(pl.any_horizontal(negated)).alias("i")
    ).to_series()
    if rows.len() == 0:
        return tagged
    subset = tagged[rows].select(
        norm.str.contains(regexes[column][1]).alias(column) for column in negated
    )
    cleared = [
        tagged[column] & ~pl.repeat(False, tagged.height, eager=True).scatter(rows, subset[column])
        for column in negated
    ]
    return tagged.with_columns(cleared)


def matches(text: str, category: str, *, languages: Sequence[str] | None = None) -> bool:
    """Whether one text carries a category or extra column (same regexes as tag_signals).

    >>> matches("we should get dinner on Friday at 8", "plans_concrete")
    True
    """
    known = (*CATEGORIES, *EXTRA_COLUMNS)
    if category not in known:
        msg = f"unknown signal category {category!r}; known: {', '.join(known)}"
        raise LexiconError(msg)
    norm = pl.select(normalised(pl.lit(text, dtype=pl.String)).alias("t"))
    if category == "plans_concrete":
        wanted = [signal_expr(c, pl.col("t"), languages=languages) for c in ("plans", "concrete")]
    else:
        wanted = [signal_expr(category, pl.col("t"), languages=languages)]
    return bool(norm.select(pl.all_horizontal(wanted)).item())


def detect_language(texts: pl.Series) -> str:
    """The language whose stopwords occur most often in ``texts`` ("en" when none do).

    >>> detect_language(pl.Series(["ich weiß nicht, was du meinst", "und dann?"]))
    'de'
    """
    sample = pl.DataFrame({"t": texts.head(50_000)}).select(normalised(pl.col("t")))
    counts = sample.select(
        [
            pl.col("t").str.count_matches(_stopword_regex(lang)).sum().alias(lang)
            for lang in LANGUAGES
        ]
    ).row(0)
    best = max(range(len(LANGUAGES)), key=lambda i: (counts[i] or 0, -i))
    return LANGUAGES[best] if counts[best] else "en"


@cache
def _stopword_regex(language: str) -> str:
    words = [re.escape(normalise(w)) for w in lexicon(language)["stopwords"]["cues"]]
    return r"\b(?:" + "|".join(words) + r")\b" if words else _NEVER
