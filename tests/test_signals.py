"""Every category, in every language, with messages that must and must not match.

All examples of one language are tagged in one tag_signals call (the regexes compile once),
then each (language, category, text) pair is its own test case.
"""

from __future__ import annotations

from functools import cache

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pullaway.analysis.signals import (
    CATEGORIES,
    EXTRA_COLUMNS,
    LANGUAGES,
    LexiconError,
    cue_regex,
    detect_language,
    lexicon,
    matches,
    mostly_repeated,
    normalise,
    normalised,
    per_distinct,
    signal_expr,
    tag_signals,
    tag_texts,
)

# language -> category -> (texts that match, texts that must not)
Examples = dict[str, dict[str, tuple[list[str], list[str]]]]

EXAMPLES: Examples = {
    "en": {
        "affection": (
            ["I love you so much", "ily babe", "goodnight 😘", "love u moreee"],
            ["I don't love you anymore", "I love pizza"],
        ),
        "missing": (
            ["I miss youuu", "missed you today", "wish you were here 🥺"],
            ["I don't miss you", "I missed the bus"],
        ),
        "apology": (
            ["Sorry I was late", "I apologise for yesterday", "my bad, forgot to call"],
            ["I'm not sorry", "don't be sorry!"],
        ),
        "appreciation": (
            ["thank you for being patient", "you mean a lot to me", "I really appreciate you"],
            ["thanks for nothing", "no thanks"],
        ),
        "plans": (
            ["let's get dinner friday", "when can I see you?", "are you free tonight"],
            ["let's not", "I'm not free this week"],
        ),
        "question": (
            ["where are you?", "How was your day", "do you want tea"],
            ["I know what you mean", "What a day!"],
        ),
        "checking": (
            ["why aren't you answering", "hello??", "are you ignoring me", "???"],
            ["I'm not ignoring you", "hello! how's it going"],
        ),
        "pleading": (
            ["please talk to me", "I need you", "do you still love me?"],
            ["I need you to pick up milk", "please pass the salt"],
        ),
        "withdrawal": (
            ["I need some space", "I'm so busy today", "talk later"],
            ["I'm not busy", "are you busy?"],
        ),
        "ending": (
            ["I want to break up", "it’s over between us", "I'm done with us"],
            ["I don't want to break up", "I'm done with work"],
        ),
        "control": (
            [
                "who are you with",
                "give me your password",
                "if you leave me I'll ...",
                "I'll kill you",
            ],
            ["I would never hurt you", "where is the remote"],
        ),
        "reflective": (
            ["I've been thinking about us", "I realised I was unfair", "looking back, I get it"],
            ["I was thinking of pizza", "I think so"],
        ),
        "accountability": (
            ["it was my fault", "I shouldn't have said that", "I've been distant lately"],
            ["it's not my fault", "I'm not wrong"],
        ),
        "self_harm": (
            [
                "I want to die",
                "I'm thinking about killing myself",
                "they'd be better off without me",
            ],
            ["this heat is killing me", "I died laughing 😂"],
        ),
    },
    "es": {
        "affection": (
            ["te quiero muchooo", "te amo mi amor", "besos 😘"],
            ["ya no te quiero", "quiero pizza"],
        ),
        "missing": (
            ["te extraño", "te echo de menos", "te extrano mucho"],
            ["no te extraño", "extraño el verano"],
        ),
        "apology": (
            ["perdón por lo de ayer", "lo siento mucho", "perdona, llegué tarde"],
            ["no lo siento", "no tienes que disculparte"],
        ),
        "appreciation": (
            ["gracias por tu paciencia", "significas mucho para mí", "te lo agradezco"],
            ["gracias por nada", "gracias"],
        ),
        "plans": (
            ["¿cuándo nos vemos?", "vamos a cenar el viernes", "¿quieres salir mañana?"],
            ["no puedo quedar hoy", "mejor no"],
        ),
        "question": (
            ["¿dónde estás?", "como estas", "qué haces"],
            ["estoy en casa", "que te vaya bien"],
        ),
        "checking": (
            ["¿por qué no contestas?", "hola??", "me estás ignorando"],
            ["no te estoy ignorando", "hola, ¿qué tal?"],
        ),
        "pleading": (
            ["por favor háblame", "no me dejes", "te necesito"],
            ["ya no te necesito", "te necesito para firmar los papeles"],
        ),
        "withdrawal": (
            ["necesito espacio", "necesito un poco de espacio", "estoy muy ocupada", "ahora no"],
            ["no estoy ocupada", "¿estás ocupado?"],
        ),
        "ending": (
            ["quiero terminar contigo", "esto se acabó", "ya no quiero estar contigo"],
            ["no quiero terminar", "se acabó la leche"],
        ),
        "control": (
            ["¿con quién estás?", "dame tu contraseña", "te voy a matar"],
            ["nunca te haría daño", "¿dónde está el mando?"],
        ),
        "reflective": (
            ["he estado pensando en nosotros", "me di cuenta de que", "ahora entiendo"],
            ["estoy pensando qué cenar", "no entiendo"],
        ),
        "accountability": (
            ["fue mi culpa", "no debí decir eso", "he estado distante"],
            ["no fue mi culpa", "no es culpa mía"],
        ),
        "self_harm": (
            ["me quiero morir", "quiero suicidarme", "no quiero vivir más"],
            ["me muero de risa", "me mata el calor"],
        ),
    },
    "pt": {
        "affection": (
            ["te amooo", "meu amor", "beijos 😘"],
            ["não te amo mais", "amo pizza"],
        ),
        "missing": (
            ["que saudade", "sinto sua falta", "tô com saudades de você"],
            ["não sinto sua falta", "não tenho saudade"],
        ),
        "apology": (
            ["desculpa", "me desculpe pelo atraso", "foi mal"],
            ["não vou pedir desculpas", "não precisa se desculpar"],
        ),
        "appreciation": (
            ["obrigada pela paciência", "muito obrigado", "você significa muito pra mim"],
            ["obrigado por nada", "valeu"],
        ),
        "plans": (
            ["vamos jantar sexta?", "quando a gente se vê?", "quer sair amanhã?"],
            ["não posso sair hoje", "vamos ver"],
        ),
        "question": (
            ["onde você está?", "como foi seu dia", "o que você quer"],
            ["tô em casa", "como sempre"],
        ),
        "checking": (
            ["por que você não responde?", "oi??", "tá me ignorando"],
            ["não tô te ignorando", "oi, tudo bem?"],
        ),
        "pleading": (
            ["por favor fala comigo", "não me deixa", "preciso de você"],
            ["não preciso de você", "preciso de você pra buscar as crianças"],
        ),
        "withdrawal": (
            ["preciso de espaço", "preciso de um pouco de espaço", "tô muito ocupada", "agora não"],
            ["não tô ocupada", "você tá ocupado?"],
        ),
        "ending": (
            ["quero terminar", "acabou entre nós", "não quero mais isso"],
            ["não quero terminar", "a aula acabou"],
        ),
        "control": (
            ["com quem você está?", "me passa sua senha", "vou te matar"],
            ["nunca vou te machucar", "onde fica o banheiro?"],
        ),
        "reflective": (
            ["andei pensando em nós", "percebi que errei", "agora entendo"],
            ["penso que sim", "não entendi"],
        ),
        "accountability": (
            ["foi culpa minha", "eu errei", "fiquei distante"],
            ["não foi culpa minha", "não errei"],
        ),
        "self_harm": (
            ["quero morrer", "vou me matar", "não quero mais viver"],
            ["morrendo de rir", "tô morto de cansaço"],
        ),
    },
    "de": {
        "affection": (
            ["ich liebe dich", "hdl schatz", "gute Nacht 😘"],
            ["ich liebe dich nicht mehr", "ich liebe Pizza"],
        ),
        "missing": (
            ["ich vermisse dich", "du fehlst mir", "vermiss dich sooo"],
            ["ich vermisse dich nicht", "ich vermisse meinen Schlüssel"],
        ),
        "apology": (
            ["tut mir leid", "entschuldige bitte", "sorry, mein Fehler"],
            ["tut mir nicht leid", "das ist nicht meine Schuld"],
        ),
        "appreciation": (
            ["danke für deine Geduld", "du bedeutest mir so viel", "vielen Dank"],
            ["danke für nichts", "danke"],
        ),
        "plans": (
            ["lass uns am Samstag essen gehen", "wann sehen wir uns?", "hast du morgen Zeit?"],
            ["ich kann nicht kommen", "keine Lust"],
        ),
        "question": (
            ["wo bist du?", "wie geht's dir", "hast du Hunger"],
            ["ich bin zu Hause", "wie gesagt, morgen"],
        ),
        "checking": (
            ["warum antwortest du nicht?", "hallo??", "ignorierst du mich"],
            ["ich ignoriere das einfach", "hallo, wie war's"],
        ),
        "pleading": (
            ["bitte rede mit mir", "verlass mich nicht", "ich brauche dich"],
            ["ich brauche dich nicht", "ich brauche dich morgen zum Umzug"],
        ),
        "withdrawal": (
            [
                "ich brauche Abstand",
                "ich brauche gerade Abstand",
                "bin gerade beschäftigt",
                "nicht jetzt",
            ],
            ["ich bin nicht beschäftigt", "bist du beschäftigt?"],
        ),
        "ending": (
            ["ich will Schluss machen", "es ist vorbei", "wir sollten uns trennen"],
            ["ich will nicht Schluss machen", "der Film ist vorbei"],
        ),
        "control": (
            ["mit wem bist du?", "gib mir dein Passwort", "ich bring dich um"],
            ["ich würde dir nie weh tun", "wo ist die Fernbedienung"],
        ),
        "reflective": (
            ["ich habe viel nachgedacht", "mir ist klar geworden, dass", "ich verstehe jetzt"],
            ["ich denke schon", "ich verstehe nicht"],
        ),
        "accountability": (
            ["das war meine Schuld", "ich hätte das nicht sagen sollen", "ich war so distanziert"],
            ["nicht meine Schuld", "ich lag nicht falsch"],
        ),
        "self_harm": (
            ["ich will sterben", "ich will mich umbringen", "ich will nicht mehr leben"],
            ["ich sterbe vor Hunger", "das bringt mich um den Verstand"],
        ),
    },
    "fr": {
        "affection": (
            ["je t'aime", "bisous mon cœur", "je t’aime fort", "jtm"],
            ["je ne t'aime plus", "j'aime les pâtes"],
        ),
        "missing": (
            ["tu me manques", "tu m'as manqué", "je pense à toi"],
            ["tu ne me manques pas", "il me manque un euro"],
        ),
        "apology": (
            ["désolée pour hier", "pardon", "je m'excuse"],
            ["je ne suis pas désolé", "c'est pas ma faute"],
        ),
        "appreciation": (
            ["merci pour ta patience", "tu comptes beaucoup pour moi", "merci d'être là"],
            ["merci pour rien", "non merci"],
        ),
        "plans": (
            ["on se voit quand ?", "ça te dit un resto demain ?", "tu veux sortir ce soir ?"],
            ["je peux pas venir ce soir", "on verra"],
        ),
        "question": (
            ["où es-tu ?", "comment ça va", "tu viens ce soir"],
            ["je suis à la maison", "quand même"],
        ),
        "checking": (
            ["pourquoi tu réponds pas ?", "allô??", "tu m'ignores"],
            ["je t'ignore pas", "coucou, ça va ?"],
        ),
        "pleading": (
            ["s'il te plaît parle-moi", "ne me quitte pas", "j'ai besoin de toi"],
            ["j'ai besoin de toi pour signer", "je n'ai pas besoin de toi"],
        ),
        "withdrawal": (
            [
                "j'ai besoin d'espace",
                "j'ai besoin d'un peu d'espace",
                "je suis débordée",
                "pas maintenant",
            ],
            ["je ne suis pas occupée", "t'es occupé ?"],
        ),
        "ending": (
            ["je veux rompre", "c'est fini entre nous", "je te quitte"],
            ["je ne veux pas rompre", "c'est fini pour aujourd'hui"],
        ),
        "control": (
            ["t'es où ?", "avec qui tu es ?", "donne-moi ton mot de passe"],
            ["je ne te ferai jamais de mal", "où est la télécommande ?"],
        ),
        "reflective": (
            ["j'ai beaucoup réfléchi", "je me suis rendu compte que", "avec du recul"],
            ["je réfléchirai", "je comprends pas"],
        ),
        "accountability": (
            ["c'est ma faute", "je n'aurais pas dû dire ça", "j'ai été distant"],
            ["c'est pas ma faute", "j'ai pas eu tort"],
        ),
        "self_harm": (
            ["j'ai envie de mourir", "je veux me suicider", "je veux en finir"],
            ["je meurs de faim", "mort de rire"],
        ),
    },
}

CONCRETE: dict[str, tuple[str, str]] = {  # language -> (concrete plan, vague plan)
    "en": ("let's have dinner on friday at 8", "we should hang out sometime"),
    "es": ("vamos a cenar el viernes a las 9", "deberíamos quedar algún día"),
    "pt": ("vamos jantar sexta às 8", "a gente devia sair qualquer dia"),
    "de": ("lass uns morgen um 19 Uhr essen", "wir sollten mal was machen"),
    "fr": ("on se voit demain à 20h ?", "on pourrait se voir un de ces jours"),
}


def _cases() -> list[tuple[str, str, str, bool]]:
    cases = []
    for language, categories in EXAMPLES.items():
        for category, (yes, no) in categories.items():
            cases += [(language, category, text, True) for text in yes]
            cases += [(language, category, text, False) for text in no]
    return cases


CASES = _cases()


@cache
def _tagged(language: str, everything: bool = False) -> dict[str, dict[str, bool]]:
    """text -> column -> flag, for every example of one language, in one call."""
    mine = {text for lang, _, text, _ in CASES if lang == language}
    texts = sorted(mine | set(CONCRETE[language]))
    frame = tag_signals(pl.DataFrame({"text": texts}), languages=None if everything else [language])
    return {row["text"]: row for row in frame.to_dicts()}


def _case_id(case: tuple[str, str, str, bool]) -> str:
    language, category, text, expected = case
    return f"{language}-{category}-{'yes' if expected else 'no'}-{text[:24]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_category_examples(case: tuple[str, str, str, bool]) -> None:
    language, category, text, expected = case
    assert _tagged(language)[text][category] is expected, (language, category, text)


def test_every_category_has_enough_examples_in_every_language() -> None:
    assert set(EXAMPLES) == set(LANGUAGES)
    for language, categories in EXAMPLES.items():
        assert set(categories) == set(CATEGORIES), language
        for category, (yes, no) in categories.items():
            assert len(yes) >= 3, (language, category)
            assert len(no) >= 2, (language, category)


@pytest.mark.parametrize("language", LANGUAGES)
def test_matches_still_hold_with_all_languages_loaded(language: str) -> None:
    tagged = _tagged(language, everything=True)
    for lang, category, text, expected in CASES:
        if lang == language and expected:
            assert tagged[text][category], (language, category, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plans_concrete_needs_a_day_time_or_place(language: str) -> None:
    concrete, vague = CONCRETE[language]
    tagged = _tagged(language)
    assert tagged[concrete]["plans"]
    assert tagged[concrete]["plans_concrete"]
    assert tagged[vague]["plans"]
    assert not tagged[vague]["plans_concrete"]


def test_tag_signals_keeps_columns_and_adds_one_boolean_per_category() -> None:
    frame = pl.DataFrame({"id": [1, 2, 3], "body": ["miss you", None, ""]})
    tagged = tag_signals(frame, text_column="body", languages=["en"])
    assert tagged.columns == ["id", "body", *CATEGORIES, *EXTRA_COLUMNS]
    assert all(tagged.schema[c] == pl.Boolean for c in (*CATEGORIES, *EXTRA_COLUMNS))
    assert tagged["missing"].to_list() == [True, False, False]


def test_matches_convenience_and_unknown_names() -> None:
    assert matches("Te extraño 🥺", "missing")
    assert matches("Te extraño", "missing", languages=["es"])
    assert not matches("Te extraño", "missing", languages=["en"])
    assert matches("I had an awful day, can you call me", "support", languages=["en"])
    with pytest.raises(LexiconError, match="unknown signal category 'love'"):
        matches("hi", "love")
    with pytest.raises(LexiconError, match="no lexicon for language 'it'"):
        tag_signals(pl.DataFrame({"text": ["ciao"]}), languages=["it"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ça VA, CŒUR?", "ca va, coeur?"),
        ("Straße", "strasse"),
        ("don’t", "don't"),
        ("❤️", "❤"),
        ("NIÑO Ação Müde", "nino acao mude"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
    assert pl.select(normalised(pl.lit(raw))).item() == expected


def test_repeated_letters_and_missing_accents_match() -> None:
    assert matches("I missss youuuu", "missing", languages=["en"])
    assert matches("pleeease talk to meee", "pleading", languages=["en"])
    assert matches("te extrañooo", "missing", languages=["es"])
    assert matches("tu me manques", "missing", languages=["fr"])
    assert matches("TU ME MANQUES", "missing", languages=["fr"])
    assert matches("ich vermisse dich", "missing", languages=["de"])
    assert matches("ICH VERMIẞE DICH", "missing", languages=["de"])  # capital ẞ folds to ss


def test_cue_syntax() -> None:
    assert cue_regex("ily") == "(?-u:\\b)i+l+y+(?-u:\\b)"
    assert cue_regex("??") == "\\?\\?"


@pytest.mark.parametrize(
    ("texts", "language"),
    [
        (["hey how are you", "I was just thinking about that"], "en"),
        (["hola, ¿qué tal?", "pues nada, aquí estoy"], "es"),
        (["oi, tudo bem?", "não sei, você que sabe"], "pt"),
        (["ich weiß nicht", "bist du schon zu Hause?"], "de"),
        (["je suis à la maison", "c'est pas grave"], "fr"),
        (["😂😂", "👍"], "en"),
    ],
)
def test_detect_language(texts: list[str], language: str) -> None:
    assert detect_language(pl.Series(texts)) == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_lexicon_files_have_every_section_and_a_licence_header(language: str) -> None:
    from importlib import resources

    text = resources.files("pullaway.lexicons").joinpath(f"{language}.toml").read_text("utf-8")
    assert text.startswith("# pullaway cue lexicon")
    assert "licence MIT" in text
    assert "version = 1" in text
    sections = lexicon(language)
    assert set(CATEGORIES) <= set(sections)
    assert sections["stopwords"]["cues"]


# --- each distinct text once ------------------------------------------------------------


def test_per_distinct_reads_repeated_texts_once_with_the_same_answer() -> None:
    texts = pl.Series("t", ["ok", "Ça va?", None, "ok", ""] * 40)
    seen: list[int] = []

    def lengths(frame: pl.DataFrame) -> pl.DataFrame:
        seen.append(frame.height)
        return frame.select(pl.col("t").str.len_chars().alias("n"))

    once = per_distinct(texts, lengths)
    every = per_distinct(texts, lengths, max_distinct_share=0.0)
    assert seen == [4, 200]  # three distinct texts and null; then every row
    assert_frame_equal(once, every)
    assert once["n"].to_list()[:5] == [2, 6, None, 2, 0]


def test_mostly_repeated_samples_the_values() -> None:
    assert mostly_repeated(pl.Series(["ok", "lol", "haha"] * 1000))
    assert not mostly_repeated(pl.Series([f"text {i}" for i in range(3000)]))
    assert not mostly_repeated(pl.Series([1, 1, 1]))  # only texts
    assert not mostly_repeated(pl.Series([], dtype=pl.String))


@pytest.mark.parametrize("repeat", [1, 20])
def test_tag_texts_agrees_with_tag_signals(repeat: int) -> None:
    texts = sorted({text for _, _, text, _ in CASES}) * repeat + [None]
    columns = [*CATEGORIES, "support"]
    expected = tag_signals(pl.DataFrame({"text": texts})).select(columns)
    assert_frame_equal(tag_texts(pl.Series(texts), columns), expected)
    concrete = pl.DataFrame({"t": texts}).select(
        signal_expr("concrete", normalised(pl.col("t"))).alias("concrete")
    )
    assert_frame_equal(tag_texts(pl.Series(texts), ["concrete"]), concrete.fill_null(False))
    assert not tag_texts(pl.Series([None, None], dtype=pl.String), columns).row(0, named=False)[0]
