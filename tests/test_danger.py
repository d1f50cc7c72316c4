"""The danger backstop: it must catch every cry for help in the labelled set, stay quiet on ordinary
questions, and never break on bad input. A miss here is the worst bug the project can have."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot import datafile
from bot.eval.danger import DEFAULT_SET, FALSE_ALARM_TARGET, evaluate, load_set
from bot.safety import DangerDetector, DangerMatch
from bot.safety.fuzzy import TypoCorrector, within_one_edit
from bot.safety.normalise import tokenise
from bot.safety.patterns import DEFAULT_PATH, PatternFileError, load

TRAINING = Path(__file__).resolve().parents[1] / "data" / "nlu" / "danger.yml"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.from_file()


@pytest.fixture(scope="module")
def report(detector: DangerDetector) -> dict:
    return evaluate(detector=detector)


# --- the labelled set -------------------------------------------------------------------------------------


def test_every_danger_message_in_the_labelled_set_is_caught(report: dict) -> None:
    missed = [m["text"] for m in report["misses"]]
    assert report["recall"] == 1.0, f"missed cries for help: {missed}"


def test_false_alarms_on_ordinary_messages_stay_within_target(report: dict) -> None:
    alarms = [(f["text"], f["signals"]) for f in report["false_alarms"]]
    assert report["false_alarm_rate"] <= FALSE_ALARM_TARGET, f"false alarms: {alarms}"


def test_labelled_set_is_large_and_bilingual() -> None:
    labelled = load_set()
    assert len(labelled["danger"]) >= 70 and len(labelled["ordinary"]) >= 120
    for label in ("danger", "ordinary"):
        langs = [item["lang"] for item in labelled[label]]
        assert langs.count("en") >= 30 and langs.count("es") >= 30, label


def _training_texts(paths: list[Path] | None = None) -> set[str]:
    texts = set()
    for path in paths or TRAINING.parent.glob("*.yml"):
        for block in datafile.read(path).get("nlu") or []:
            examples = block.get("examples") or ""
            if isinstance(examples, list):
                texts.update(str(e.get("text", "")).strip().lower() for e in examples)
            else:
                texts.update(line.strip()[2:].strip().lower() for line in examples.splitlines() if line.strip())
    return texts


@pytest.mark.parametrize("path", [DEFAULT_SET, *sorted((DEFAULT_SET.parent / "unseen").glob("*.yml"))], ids=str)
def test_evaluation_sets_are_worded_differently_from_the_training_data(path: Path) -> None:
    """A danger message copied into any training file would score itself; an ordinary one in the danger
    examples would be a label the evaluation contradicts."""
    labelled = load_set(path)
    training = _training_texts()
    danger_training = _training_texts([TRAINING])
    assert [i["text"] for i in labelled["danger"] if i["text"].lower() in training] == []
    assert [i["text"] for i in labelled["ordinary"] if i["text"].lower() in danger_training] == []


def test_training_data_has_enough_examples_per_language() -> None:
    raw = datafile.read(TRAINING)
    counts = {
        block["metadata"]["language"]: sum(1 for line in block["examples"].splitlines() if line.strip())
        for block in raw["nlu"]
        if block["intent"] == "report_danger"
    }
    assert counts["en"] >= 80 and counts["es"] >= 80


# --- messages that must always be caught -------------------------------------------------------------------

MUST_CATCH = [
    ("they took my passport and won't let me leave", {"document_taken", "cannot_leave"}),
    ("me quitaron el pasaporte y no me dejan salir", {"document_taken", "cannot_leave"}),
    ("mi jefe dice que si me voy matan a mi familia", {"threats"}),
    ("debo dinero y no me dejan irme hasta pagar", {"debt_bondage", "cannot_leave"}),
    ("ayuda me tienen encerrada", {"held_or_locked_in"}),
    ("pls help boss took my passport", {"document_taken"}),
    ("they took my pasport", {"document_taken"}),
    ("me kitaron el pasaport", {"document_taken"}),
    ("me quitaron el pasporte", {"document_taken"}),
    ("no m dejan salir", {"cannot_leave"}),
    ("estoy encerado", {"held_or_locked_in"}),
    ("me amenasan", {"threats"}),
    ("cant leave", {"cannot_leave"}),
    ("¡Me quitaron el pasaporte! No sé qué hacer", {"document_taken"}),
    ("he beats me every night", {"violence"}),
    ("me obligan a prostituirme", {"forced_sex_work"}),
    ("my 14 year old sister is forced to work in a bar", {"child_exploited"}),
    ("im scared for my life", {"fear_help"}),
    ("AYUDAAAA", {"fear_help"}),
    ("they force us to work and never pay", {"not_paid_forced"}),
    # mixed languages: the message is read with both languages' rules
    ("pls help me kitaron el pasaporte", {"document_taken"}),
    # it happened, even though the person asks whether it is normal
    ("my boss took my passport, is that normal?", {"document_taken"}),
    # taken from someone, and who holds them named
    ("me sacaron el pasaporte", {"document_taken"}),
    ("los papeles los tiene el patron", {"document_taken"}),
    # kidnapping, and "they will pay for it" said of the family
    ("me secuestraron los coyotes", {"held_or_locked_in"}),
    ("el señor dice q mis hijos en honduras la van a pagar", {"threats"}),
    # urgent pleas, a boat, a debt with no debt word
    ("need help now", {"fear_help"}),
    ("necesito ayuda ya", {"fear_help"}),
    ("the captain wont let us off in port", {"cannot_leave"}),
    ("they say i have to stay on the boat til its paid off", {"debt_bondage"}),
    ("is it normal that my boss has had my passport since march?", {"document_taken"}),
    # tied up, forced marriage, injuries, never alone, "or else", a hedge before the facts, the ones who slow down
    ("they tied our hands and put us in a van", {"held_or_locked_in"}),
    ("nos amarraron los pies y nos subieron a un carro", {"held_or_locked_in"}),
    ("my uncle is forcing my cousin to marry a man she never met", {"forced_marriage"}),
    ("me quieren casar con un señor mayor para pagar lo que debe mi papa", {"forced_marriage"}),
    ("she burned my arm with the iron because i was slow", {"violence"}),
    ("i can only go out with my employer", {"cannot_leave"}),
    ("no podemos salir solas ni al mercado", {"cannot_leave"}),
    ("tengo q trabajar de noche y si no, matan a mi hijo", {"threats"}),
    ("not sure if it matters but the owner keeps our passports in his safe", {"document_taken"}),
    ("a los que se quejan los golpean", {"violence"}),
    # missed by batches G and H (first scores recorded): a moment alone, whom to call while it happens, someone
    # who cannot call, a person lent or sold to men
    ("hes asleep. i have 5 min. what do i do", {"fear_help"}),
    ("ya viene, borro esto", {"fear_help"}),
    ("there's a girl at the gas station right now, she mouthed help me. who do i call", {"fear_help"}),
    ("hay un niño en el semaforo, le pegan, esta pasando ahorita, a quien le hablo??", {"fear_help"}),
    ("can someone call 911 for me? im in a basement", {"fear_help"}),
    ("she has to go with him and men pay him", {"forced_sex_work"}),
    ("my stepdad makes my sister do videos for men who pay him", {"forced_sex_work"}),
    ("mi novio me presto con sus amigos para pagar la renta", {"forced_sex_work"}),
    ("pone a sus hijas a hacer videos para señores que le pagan", {"forced_sex_work"}),
    # missed by batch I (after its first score)
    ("theyre watching. just tell me a number to text", {"fear_help"}),
    ("i need to get out of the farm, we are in florida somewhere", {"fear_help"}),
]


@pytest.mark.parametrize(("text", "signals"), MUST_CATCH)
def test_must_catch(detector: DangerDetector, text: str, signals: set[str]) -> None:
    match = detector.detect(text)
    assert match is not None, text
    assert signals <= set(match.signals), (text, match)
    assert match.matched, "the phrases that fired are reported"


NOT_DANGER = [
    "what is debt bondage?",
    "¿qué es la trata?",
    "is it normal that the employer keeps my passport?",
    "¿qué pasa si me quitan el pasaporte?",
    "what should i do if my boss hits me?",
    "nobody took my passport",
    "no me quitaron el pasaporte",
    "i need help finding a job in canada",
    "necesito ayuda para encontrar trabajo",
    "vos sos de la OIM?",
    "I can't leave the country without a visa, right?",
    # getting a document, a document's own problem, a lost key, a shift
    "como saco una visa de trabajo para canada",
    "mi visa tiene un error en la fecha",
    "lost my keys and im locked out of my room",
    "my boss never lets me leave early on fridays",
    "mi jefe nunca me deja salir temprano",
    "mi familia va a pagar el viaje",
    "que es un secuestro express",
    "can you help now?",
    "i need help now with my visa application",
    "what is forced marriage?",
    "¿qué es el matrimonio forzado?",
    "mi novio y yo nos queremos casar, que papeles necesito?",
    "i burned my hand cooking",
    "people who get their passport taken, what can they do?",
    "my parents made me get a job at 16",
    # the words of the rules added for batches G and H, in ordinary messages
    "i have 5 minutes before class, what is trafficking?",
    "who do i call to check if a recruitment agency is real?",
    "¿a quién le hablo para revisar una oferta de trabajo?",
    "how do i delete this chat?",
    "como borro esto?",
    "my friend lent me money for the bus",
    "the clients pay him well at the shop",
    "i need to get out of the house more, im so bored",
    "he is watching tv.",
]


@pytest.mark.parametrize("text", NOT_DANGER)
def test_questions_denials_and_ordinary_help_are_not_danger(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    ("text", "dismissed"),
    [
        ("what if they take my passport when i get there?", True),  # a hypothetical
        ("no me quitaron el pasaporte", True),  # a denial
        ("lost my keys and im locked out of my room", True),  # a not-danger phrase
        ("necesito ayuda con mi visa", False),  # words that need context lack it: too little, not harmless
        ("no nos pagan hace 3 meses", False),
        ("hola", False),  # no danger words at all
        ("me quitaron el pasaporte", False),  # danger found
    ],
)
def test_the_rules_say_when_danger_words_were_read_as_harmless(
    detector: DangerDetector, text: str, dismissed: bool
) -> None:
    assert detector.assess(text).dismissed is dismissed


# --- a story that is over, a film, a joke: the rules leave the decision to the classifiers ---------------------


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("years ago a boss took my passport, but i got it back and i'm safe now. can i report him?", "document_taken"),
        ("there's a film where they lock girls in a house and sell them, is it real?", "forced_sex_work"),
        ("my little brother won't let me leave the sofa until we finish the game hahaha", "cannot_leave"),
        ("en la telenovela a la protagonista la tienen encerrada en una hacienda", "held_or_locked_in"),
        ("el patron me quito el pasaporte pero ya lo recupere, todo tranquilo", "document_taken"),
        ("mi abuela me tiene encerrado en la casa hasta que termine la tarea jajaja", "held_or_locked_in"),
        ("the dealer is threatening to repossess my truck, im 2 payments behind", "threats"),
        ("la financiera me amenaza con quitarme la moto si no pago este mes", "threats"),
        ("my boss is literally killing me with these spreadsheets 😭 send help", "fear_help"),
        ("mis papas no me dejan salir los fines de semana, tengo 16, es normal?", "cannot_leave"),
    ],
)
def test_danger_words_framed_as_not_now_are_set_aside_not_dismissed(
    detector: DangerDetector, text: str, signal: str
) -> None:
    reading = detector.assess(text)
    assert reading.match is None and not reading.dismissed
    assert signal in reading.set_aside


@pytest.mark.parametrize(
    "text",
    [
        "lol they still won't let me leave the house, i'm not joking",
        "they locked us in the trailer again tonight lol",
        "jaja no, en serio, todavia me tienen encerrada",
        "me tienen encerrada y estoy bien asustada",  # "estoy bien" + adjective is not "I'm fine"
        "I got out of the house but they took my passport and they are looking for me",  # escaped is not safe
    ],
)
def test_a_present_danger_beats_a_laugh_or_a_past_story(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is not None


# --- bad input ---------------------------------------------------------------------------------------------

BAD_INPUT = [
    "",
    "   \n\t ",
    "😀" * 500,
    "\x00\x01\x02 binary \xff",
    "<script>alert('x')</script><b>hola</b>",
    "a" * 100_000,
    "?!?!?!.,,,;;",
    "ñ" * 10_000,
    "\u202e\u200b\ufeff",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_gives_a_safe_result(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize("value", [None, 42, b"\xff\xfe\x00", bytearray(b"\x80\x81"), ["they took my passport"]])
def test_non_text_input_never_raises(detector: DangerDetector, value: object) -> None:
    assert detector.detect(value) is None  # type: ignore[arg-type]


def test_bytes_that_decode_to_a_cry_are_still_read(detector: DangerDetector) -> None:
    assert detector.detect("ayúdenme, me quitaron el pasaporte".encode()) is not None


def test_huge_input_keeps_a_plea_at_the_end(detector: DangerDetector) -> None:
    # How long this takes is a figure for `make bench`, not an assertion here.
    text = "lorem ipsum dolor sit amet " * 40_000 + " please help they took my passport"
    assert len(text) > 1_000_000
    match = detector.detect(text)
    assert match is not None and "document_taken" in match.signals


def test_html_around_a_cry_does_not_hide_it(detector: DangerDetector) -> None:
    match = detector.detect("<p>they <b>locked me in</b> the room</p>")
    assert match is not None and "held_or_locked_in" in match.signals


def test_internal_failure_returns_none_and_does_not_log_the_text(
    detector: DangerDetector, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_text: str) -> tuple:
        raise RuntimeError("boom")

    monkeypatch.setattr(detector._matchers[0], "read", broken)
    secret = "my secret message about a passport"
    with caplog.at_level(logging.DEBUG):
        assert detector.detect(secret) is None
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert all("boom" not in record.getMessage() or record.levelno >= logging.ERROR for record in caplog.records)


def test_no_message_text_is_logged(detector: DangerDetector, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        detector.detect("they took my passport and I am locked in")
    assert all("passport" not in record.getMessage() for record in caplog.records)


# --- shape, speed, data file -------------------------------------------------------------------------------


def test_match_is_frozen(detector: DangerDetector) -> None:
    match = detector.detect("they locked me in")
    assert isinstance(match, DangerMatch)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.signals = ()  # type: ignore[misc]


def test_every_signal_has_a_source_and_patterns_in_both_languages() -> None:
    data = load(DEFAULT_PATH)
    expected = {
        "held_or_locked_in", "document_taken", "threats", "violence", "forced_sex_work",
        "debt_bondage", "child_exploited", "forced_marriage", "fear_help", "cannot_leave", "not_paid_forced",
    }  # fmt: skip
    assert set(data.signals) == expected
    for signal in data.signals:
        assert data.sources[signal]
        assert {g.lang for g in data.groups if g.signal == signal} == {"en", "es"}


def test_detector_reads_another_pattern_file(tmp_path: Path) -> None:
    base = (DEFAULT_PATH.read_text(encoding="utf-8")).split("\nsignals:")[0]
    custom = tmp_path / "patterns.yml"
    custom.write_text(
        base
        + '\nsignals:\n  - id: test_signal\n    source: test\n    en:\n      - match: ["purple elephant"]\n'
        + "    es:\n      - match: [[{LOWER: elefante}, {LOWER: morado}]]\n",
        encoding="utf-8",
    )
    custom_detector = DangerDetector.from_file(custom)
    assert custom_detector.detect("I saw a PURPLE elephant").signals == ("test_signal",)
    assert custom_detector.detect("un elefante morado").signals == ("test_signal",)
    assert custom_detector.detect("they took my passport") is None


def test_malformed_pattern_file_fails_at_load_not_at_detect(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("signals:\n  - id: x\n    en:\n      - match: [[{LOWER: a}]]\n", encoding="utf-8")
    with pytest.raises(PatternFileError):
        DangerDetector.from_file(bad)


# --- building blocks ---------------------------------------------------------------------------------------


def test_normalisation_handles_sms_spelling_accents_and_emphasis() -> None:
    languages = load(DEFAULT_PATH).languages
    es, en = languages["es"].rules, languages["en"].rules
    assert tokenise("No m dejan salir x favor", es) == ["No", "me", "dejan", "salir", "por", "favor"]
    assert tokenise("AYUDAAAA me kitaron", es) == ["AYUDA", "me", "quitaron"]
    assert tokenise("¿Qué pasó?", es) == ["¿", "Que", "paso", "?"]
    assert tokenise("they won\u2019t... I cant", en) == ["they", "will", "not", ".", "I", "can", "not"]
    assert tokenise("they're keeping my ID", en) == ["they", "are", "keeping", "my", "ID"]


def test_typo_correction_only_targets_pattern_words() -> None:
    english = TypoCorrector(["passport", "locked"], min_length=5, is_word=lambda w: w == "locker")
    spanish = TypoCorrector(["pasaporte", "amenazan"], min_length=5)
    assert english.correct("pasport") == "passport"
    assert spanish.correct("pasaport") == "pasaporte"
    assert spanish.correct("pasaprote") == "pasaporte"
    assert spanish.correct("amenasan") == "amenazan"
    assert english.correct("locker") == "locker", "a real word is never changed into another"
    assert english.correct("banana") == "banana"
    both = TypoCorrector(["passport", "pasaporte"], min_length=5)
    assert both.correct("pasaport") == "pasaport", "two equally close words: cannot tell which was meant"
    assert within_one_edit("pasaprote", "pasaporte")
    assert not within_one_edit("passport", "support")
