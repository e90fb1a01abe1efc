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

from pullaway.errors import PullawayError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

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


class LexiconError(PullawayError):
    """A lexicon data file is missing, malformed, or names an unknown category."""


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
    return "(?:" + "|".join(unique) + ")" if unique else _NEVER


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
    norm = "__pullaway_norm"
    frame = messages.with_columns(normalised(pl.col(text_column)).alias(norm))
    tagged = frame.with_columns(
        *[signal_expr(c, pl.col(norm), languages=languages).alias(c) for c in CATEGORIES],
        signal_expr("concrete", pl.col(norm), languages=languages).alias("plans_concrete"),
        signal_expr("support", pl.col(norm), languages=languages).alias("support"),
    )
    concrete = (pl.col("plans") & pl.col("plans_concrete")).alias("plans_concrete")
    return tagged.with_columns(concrete).drop(norm)


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
