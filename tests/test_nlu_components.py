"""The rule components in the Rasa pipeline, run on real Rasa messages with the real FallbackClassifier after them."""

from __future__ import annotations

import logging

import pytest
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.components import (
    CHECK_IN_INTENT,
    DANGER_DECISION,
    DANGER_INTENT,
    DANGER_PROBABILITY,
    SURVIVOR_INTENT,
    CountryExtractor,
    DangerBackstop,
    LanguageExtractor,
    MessageLimiter,
)


@pytest.fixture(scope="module")
def backstop() -> DangerBackstop:
    return DangerBackstop({})


def classified(
    text: str,
    intent: str,
    confidence: float,
    runner_up: str = "faq",
    runner_up_confidence: float | None = None,
    danger_probability: float | None = None,
) -> Message:
    """A message as the classifiers leave it: DIET's intent and ranking, and the danger classifier's probability
    (None: no danger classifier in the pipeline)."""
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    second = confidence if runner_up_confidence is None else runner_up_confidence
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": confidence}, {"name": runner_up, "confidence": second}],
        add_to_output=True,
    )
    if danger_probability is not None:
        message.set(DANGER_PROBABILITY, danger_probability, add_to_output=True)
    return message


def fallback(messages: list[Message]) -> list[Message]:
    config = {**FallbackClassifier.get_default_config(), "threshold": 0.55, "ambiguity_threshold": 0.05}
    return FallbackClassifier(config).process(messages)


def test_backstop_forces_danger_and_the_fallback_does_not_undo_it(backstop: DangerBackstop) -> None:
    message = classified("me quitaron el pasaporte y no me dejan salir", "faq", 0.99, runner_up="find_help")
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"


def test_an_unsure_danger_guess_confirmed_by_the_rules_is_not_turned_into_a_fallback(backstop: DangerBackstop) -> None:
    message = classified("i havent been paid in 3 months and they threaten to call immigration", "report_danger", 0.13)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"


def test_backstop_hears_a_plea_at_the_end_of_a_huge_paste(backstop: DangerBackstop) -> None:
    message = Message(data={"text": "bla " * 30000 + " they took my passport and won't let me leave"})
    MessageLimiter({"max_chars": 2000}).process([message])
    assert len(message.get("text")) <= 2001
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.3})
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_a_described_offer_with_a_passport_term_goes_to_the_job_offer_check(backstop: DangerBackstop) -> None:
    text = "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport"
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_an_offer_that_turned_into_being_locked_in_is_danger(backstop: DangerBackstop) -> None:
    text = "they offered me a job in Cancun, now they keep my passport and lock me in the house at night"
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


@pytest.mark.parametrize(
    "text",
    [
        "el patron guarda nuestros pasaportes en su camioneta",
        "they keep my documents in a safe until the contract ends",
    ],
)
def test_an_employer_holding_documents_now_is_danger_even_if_it_sounds_like_an_offer(
    backstop: DangerBackstop, text: str
) -> None:
    message = classified(text, "ask_job_offer_safe", 0.9)
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_a_question_the_rules_dismissed_is_not_danger_on_the_classifier_word_alone(backstop: DangerBackstop) -> None:
    message = classified("what if they take my passport when i get there?", "report_danger", 1.0, "ask_job_offer_safe")
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_danger_words_the_rules_do_not_know_keep_the_classifier_verdict(backstop: DangerBackstop) -> None:
    message = classified("someone sits outside our door all night", "report_danger", 0.97, "faq")
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


# --- two classifiers must agree when the rules found nothing ------------------------------------------------

# Words the rules do not know, so only the classifiers can tell.
UNKNOWN_TO_RULES = "someone sits outside our door all night"


def test_both_classifiers_agreeing_is_danger(backstop: DangerBackstop) -> None:
    message = classified(UNKNOWN_TO_RULES, "report_danger", 0.97, danger_probability=0.8)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"
    assert message.get(DANGER_DECISION)["by"] == "both classifiers"


def test_one_classifier_alone_is_not_danger_and_a_noise_guess_is_not_answered(backstop: DangerBackstop) -> None:
    # DIET is sure, the danger classifier is not: no emergency reply. DIET's runner-up had almost no share, so
    # the person is asked to rephrase instead of getting an answer to a guess.
    message = classified(
        "mi hermana trabaja en un bar y esta contenta", "report_danger", 0.99, "greet", 0.004, danger_probability=0.2
    )
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(DANGER_DECISION) == {
        "tier": "none",
        "danger": False,
        "by": None,
        "signals": [],
        "set_aside": [],
        "frames": [],
        "intent_classifier": True,
        "intent_check_in": False,
        "danger_classifier": False,
    }


def test_an_overruled_danger_guess_yields_to_a_runner_up_with_a_real_share(backstop: DangerBackstop) -> None:
    message = classified(
        "my family will pay for the visa", "report_danger", 0.55, "ask_job_offer_safe", 0.4, danger_probability=0.3
    )
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_forget_me_is_never_a_runner_up_promoted_on_a_guess(backstop: DangerBackstop) -> None:
    message = classified("i cant leave my job now, i need the money", "report_danger", 0.6, "forget_me", 0.35, 0.1)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] != "forget_me"


def test_a_nearly_certain_danger_classifier_on_its_own_gets_the_alarm(backstop: DangerBackstop) -> None:
    # Sure on its own (blind batches L and M: at 0.9 it heard only cries for help): the emergency reply, even when
    # DIET was unsure and the fallback would otherwise answer "I didn't understand".
    message = classified(UNKNOWN_TO_RULES, "out_of_scope", 0.3, danger_probability=0.97)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == DANGER_INTENT
    assert message.get(DANGER_DECISION)["by"] == "danger classifier"
    assert message.get(DANGER_DECISION)["tier"] == "emergency"


def test_a_nearly_certain_danger_classifier_on_what_is_taken_for_a_job_offer_leaves_it_to_the_check(
    backstop: DangerBackstop,
) -> None:
    # "they keep the passports": the offer's terms, for the job-offer check to explain, not the alarm.
    message = classified(UNKNOWN_TO_RULES, "ask_job_offer_safe", 0.9, runner_up_confidence=0.05, danger_probability=0.9)
    message.set("offer_routing", {"offer": True})
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_a_sure_danger_classifier_is_not_overruled_by_the_word_offered_alone(backstop: DangerBackstop) -> None:
    """Blind batch N: DIET took a report from a scam compound for a job offer because it says "me ofrecieron";
    the offer router, which learnt cries for help as not offers, did not. The sure danger classifier is heard."""
    report = (
        "chamo me ofrecieron trabajo en un call center en camboya y resulto ser estafas, nos tienen en un complejo"
        " con guardias armados y dicen q para salir hay q pagar 10 mil dolares"
    )
    message = classified(report, "ask_job_offer_safe", 0.97, runner_up_confidence=0.03, danger_probability=0.99)
    message.set("offer_routing", {"offer": False, "probability": 0.24})
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == DANGER_INTENT
    assert message.get(DANGER_DECISION)["tier"] == "emergency"
    # Not sure (0.7): the word is enough, as for an offer that describes its terms.
    unsure = classified(report, "ask_job_offer_safe", 0.97, runner_up_confidence=0.03, danger_probability=0.7)
    unsure.set("offer_routing", {"offer": False, "probability": 0.24})
    fallback(backstop.process([unsure]))
    assert unsure.get("intent")["name"] == "ask_job_offer_safe"


def test_a_likely_but_not_certain_danger_classifier_alone_is_a_check_in_not_the_alarm(
    backstop: DangerBackstop,
) -> None:
    """Blind batch G: long reports DIET took for out of scope, the danger classifier at 0.6-0.9, got nothing."""
    report = "pls answer fast, the guy driving us says we work off the trip, theres a girl with us"
    message = classified(report, "out_of_scope", 0.9, danger_probability=0.7)
    backstop.process([message])
    assert message.get("intent")["name"] == "danger_check_in"


def test_a_described_job_offer_is_left_to_the_check_when_only_the_danger_classifier_hesitates(
    backstop: DangerBackstop,
) -> None:
    offer = "oferta de trabajo en canada, pagan 3000 al mes, el patron guarda los pasaportes"
    message = classified(offer, "ask_job_offer_safe", 0.95, danger_probability=0.7)
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_rules_beat_two_unconvinced_classifiers(backstop: DangerBackstop) -> None:
    message = classified("me quitaron el pasaporte y no me dejan salir", "faq", 0.99, danger_probability=0.3)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "report_danger"
    decision = message.get(DANGER_DECISION)
    assert decision["by"] == "rules" and {"document_taken", "cannot_leave"} <= set(decision["signals"])
    assert "pasaporte" not in str(decision), "the decision is stored with the conversation: no user words in it"


def test_a_rule_alarm_both_classifiers_doubt_gets_the_check_in_and_a_short_cry_keeps_the_alarm(
    backstop: DangerBackstop,
) -> None:
    """Both classifiers far from danger (DIET another intent, danger probability under `doubt`): a long message
    is asked about, with the numbers underneath; a short cry is not, the classifiers are weakest there."""
    long = classified("me quitaron el pasaporte y no me dejan salir", "faq", 0.99, danger_probability=0.01)
    short = classified("me quitaron el pasaporte", "faq", 0.99, danger_probability=0.01)
    fallback(backstop.process([long, short]))
    assert long.get("intent")["name"] == "danger_check_in"
    decision = long.get(DANGER_DECISION)
    assert decision["tier"] == "check_in" and decision["by"] == "rules" and "doubted" in decision["frames"]
    assert {"document_taken", "cannot_leave"} <= set(decision["signals"])
    assert short.get("intent")["name"] == "report_danger"


def test_a_question_the_rules_dismissed_overrules_both_classifiers(backstop: DangerBackstop) -> None:
    message = classified(
        "what if they take my passport when i get there?", "report_danger", 0.9, "ask_job_offer_safe", 0.1, 0.95
    )
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"


def test_a_situation_asked_as_a_question_that_the_danger_classifier_leans_to_gets_the_check_in(
    backstop: DangerBackstop,
) -> None:
    """The rules read a question and leave it; told at length and heard as danger, it is asked about (batch AJ's only
    miss, in this file's words). A short question, or one the danger classifier does not lean to, is left alone."""
    text = "quick question, is it ok that the manager locks our hostel at night and holds all our passports?"
    assert backstop.detector.assess(text).dismissed
    leaning = classified(text, "ask_job_offer_safe", 0.95, runner_up_confidence=0.01, danger_probability=0.8)
    leaning.set("offer_routing", {"offer": False, "probability": 0.1})
    fallback(backstop.process([leaning]))
    assert leaning.get("intent")["name"] == "danger_check_in"
    assert leaning.get("danger_decision")["tier"] == "check_in"
    doubting = classified(text, "ask_job_offer_safe", 0.95, runner_up_confidence=0.01, danger_probability=0.3)
    doubting.set("offer_routing", {"offer": False, "probability": 0.1})
    fallback(backstop.process([doubting]))
    assert doubting.get("intent")["name"] == "ask_job_offer_safe"
    short = classified("can the boss keep our passports?", "ask_job_offer_safe", 0.95, danger_probability=0.8)
    backstop.process([short])
    assert short.get("danger_decision")["tier"] != "check_in"


@pytest.mark.parametrize("probability", [0.8, 0.2])
def test_a_story_that_is_over_gets_the_survivors_reply_whatever_the_classifiers_say(
    backstop: DangerBackstop, probability: float
) -> None:
    text = "el año pasado el patron me quito el pasaporte pero ya lo recupere jaja"
    message = classified(text, "report_danger", 0.9, "out_of_scope", 0.1, danger_probability=probability)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == SURVIVOR_INTENT
    decision = message.get(DANGER_DECISION)
    assert decision["set_aside"] == ["document_taken"] and decision["tier"] == "survivor"
    assert "over" in decision["frames"]


@pytest.mark.parametrize(("probability", "intent"), [(0.8, CHECK_IN_INTENT), (0.2, "out_of_scope")])
def test_danger_words_in_a_joke_get_the_check_in_only_when_a_classifier_backs_them(
    backstop: DangerBackstop, probability: float, intent: str
) -> None:
    text = "my brother wont let me leave the couch until the match ends lmao"
    message = classified(text, "out_of_scope", 0.9, "faq", 0.1, danger_probability=probability)
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == intent
    assert message.get(DANGER_DECISION)["frames"] == ["joke"]


def test_a_past_story_told_by_the_intent_classifier_but_heard_as_danger_gets_the_check_in(
    backstop: DangerBackstop,
) -> None:
    # DIET hears a past story, the danger classifier hears danger, the rules see no ending: ask.
    message = classified(UNKNOWN_TO_RULES, SURVIVOR_INTENT, 0.9, "faq", 0.1, danger_probability=0.7)
    backstop.process([message])
    assert message.get("intent")["name"] == CHECK_IN_INTENT


def test_the_check_in_is_not_undone_by_the_fallback(backstop: DangerBackstop) -> None:
    message = classified("hello?? please someone answer", "greet", 0.3, "faq", 0.28, danger_probability=0.1)
    fallback(backstop.process([message]))
    assert message.get("intent") == {"name": CHECK_IN_INTENT, "confidence": 1.0}
    assert message.get(DANGER_DECISION)["frames"] == ["plea"]


def test_a_typed_answer_to_the_check_in_keeps_its_intent(backstop: DangerBackstop) -> None:
    for text, intent in [("estoy bien, era solo una duda", "safe_now"), ("ahorita no puedo hablar", "cant_talk")]:
        message = classified(text, intent, 0.95, "affirm", 0.02, danger_probability=0.05)
        fallback(backstop.process([message]))
        assert message.get("intent")["name"] == intent, text


def test_a_plea_diet_reads_as_cant_talk_gets_the_silent_path_not_the_check_in_again(backstop: DangerBackstop) -> None:
    """"cant talk, will write later" is a plea to the rules and, to DIET, the check-in's "I can't talk now": its reply
    (the numbers, SMS and WhatsApp, how to delete the chat) must not turn into the check-in again. Another intent
    with the same plea still gets the check-in."""
    for text in ("cant talk, will write later", "no puedo hablar mucho rato"):
        message = classified(text, "cant_talk", 0.9, "affirm", 0.02, danger_probability=0.1)
        backstop.process([message])
        assert message.get(DANGER_DECISION)["frames"] == ["plea"], text
        assert message.get("intent")["name"] == "cant_talk", text
        message = classified(text, "greet", 0.6, "affirm", 0.02, danger_probability=0.1)
        backstop.process([message])
        assert message.get("intent")["name"] == CHECK_IN_INTENT, text


def test_danger_words_without_their_context_do_not_dismiss_the_classifiers(backstop: DangerBackstop) -> None:
    # "no nos pagan" needs context to fire on its own; missing context is not a harmless reading.
    text = "no nos pagan hace 3 meses y el encargado anda con pistola, dice q el q se va se muere"
    message = classified(text, "report_danger", 0.9, danger_probability=0.8)
    backstop.process([message])
    assert message.get("intent")["name"] == "report_danger"


def test_ordinary_questions_are_left_alone(backstop: DangerBackstop) -> None:
    for text in ["what is debt bondage?", "¿qué es la trata de personas?", "hola"]:
        message = classified(text, "faq", 0.9)
        backstop.process([message])
        assert message.get("intent")["name"] == "faq", text


@pytest.mark.parametrize(
    "text,language",
    [("¿qué es la trata de personas?", "es"), ("what is human trafficking?", "en"), ("ok", None), ("🙏", None)],
)
def test_language_entity_only_when_the_message_tells(text: str, language: str | None) -> None:
    message = Message(data={"text": text})
    LanguageExtractor({}).process([message])
    found = [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]
    assert found == ([language] if language else [])


def test_country_entity_is_the_iso_code_of_the_last_country_named() -> None:
    message = Message(data={"text": "soy de honduras pero ahora estoy en mexico"})
    CountryExtractor({}).process([message])
    assert [e["value"] for e in message.get("entities", []) if e["entity"] == "country"] == ["MX"]


@pytest.mark.parametrize(
    "text", ["", "\x00\xff", "<script>alert(1)</script>", "😀" * 10000, "me quitaron el pasaporte\x00"]
)
def test_bad_input_never_breaks_the_pipeline(backstop: DangerBackstop, text: str, caplog) -> None:
    """Each component must really handle the input: `process` swallows an exception (a failing rule must not
    take the reply down), so a test that only calls it would pass with every rule broken."""
    message = Message(data={"text": text})
    with caplog.at_level(logging.ERROR, logger="bot.nlu.components"):
        for component in (MessageLimiter({}), LanguageExtractor({}), CountryExtractor({}), backstop):
            component.process([message])
    assert not [r for r in caplog.records if "failed on a message" in r.getMessage()], caplog.text
    decision = message.get("danger_decision")
    assert isinstance(decision, dict) and decision["danger"] is ("pasaporte" in text)
    languages = [e["value"] for e in message.get("entities", []) if e["entity"] == "language"]
    assert set(languages) <= {"en", "es"}


def test_long_training_examples_are_cut_for_the_classifiers_but_kept_whole_for_the_danger_layers() -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    words = [f"w{i}" for i in range(80)]
    long_example = Message(data={"text": " ".join(words), "intent": "report_danger"})
    short_example = Message(data={"text": "me quitaron el pasaporte", "intent": "report_danger"})
    MessageLimiter({"max_training_words": 30}).process_training_data(TrainingData([long_example, short_example]))
    assert long_example.get("text").split() == words[:15] + words[-15:]
    assert long_example.get("untruncated_text") == " ".join(words)
    assert short_example.get("text") == "me quitaron el pasaporte"
    assert short_example.get("untruncated_text") is None


def test_a_long_message_is_classified_whole() -> None:
    text = " ".join(["palabra"] * 200) + " no me dejan salir"
    message = Message(data={"text": text})
    MessageLimiter({}).process([message])
    assert message.get("text") == text


@pytest.mark.parametrize(
    "offer",
    [
        "Cleaner needed in Leeds, first 4 weeks no pay, work 7 days, live on site, we keep your passport for you",
        "se busca ayudante de cocina en Madrid, el primer mes de prueba es sin sueldo, guardamos el pasaporte, 7 dias",
    ],
)
def test_an_offer_whose_terms_both_classifiers_doubt_goes_to_the_job_offer_check(
    backstop: DangerBackstop, offer: str
) -> None:
    """Unpaid weeks and a kept ID in an advert are warning signs for the check to explain, not a writer in danger
    now (issue 18): when both classifiers doubt the rules and the message is an offer, the check starts."""
    assert backstop.detector.assess(offer).match is not None
    message = classified(offer, "ask_job_offer_safe", 0.95, runner_up_confidence=0.02, danger_probability=0.05)
    message.set("offer_routing", {"offer": True, "probability": 0.96})
    fallback(backstop.process([message]))
    assert message.get("intent")["name"] == "ask_job_offer_safe"
    # The same words, not taken for an offer: asked about, with the numbers underneath.
    other = classified(offer, "faq", 0.95, runner_up_confidence=0.02, danger_probability=0.05)
    fallback(backstop.process([other]))
    assert other.get("intent")["name"] == "danger_check_in"
    # A danger classifier that does not doubt them keeps the alarm, offer or not.
    sure = classified(offer, "ask_job_offer_safe", 0.95, runner_up_confidence=0.02, danger_probability=0.6)
    sure.set("offer_routing", {"offer": True, "probability": 0.96})
    fallback(backstop.process([sure]))
    assert sure.get("intent")["name"] in ("report_danger", "danger_check_in")


def test_a_hurry_inside_a_pasted_job_offer_is_left_to_the_check(backstop: DangerBackstop) -> None:
    """"Reply fast, flight is next Tuesday" in an offer is the recruiter's pressure, not a plea on a dying phone."""
    offer = "Customer service job in Bangkok, salary 2000 usd, tourist visa first. Reply fast, flight is next Tuesday"
    message = classified(offer, "ask_job_offer_safe", 0.95, runner_up_confidence=0.01, danger_probability=0.1)
    message.set("offer_routing", {"offer": True})
    backstop.process([message])
    assert message.get("intent")["name"] == "ask_job_offer_safe"
    plea = classified("pls reply fast. battery 4%", "out_of_scope", 0.9, "faq", 0.0, danger_probability=0.1)
    backstop.process([plea])
    assert plea.get("intent")["name"] == CHECK_IN_INTENT


# --- the writer is already there (blind batches G, M, Q and S) ---------------------------------------------------

def read_as_an_offer(backstop: DangerBackstop, text: str, danger: float, diet: float = 1.0) -> Message:
    """`text` as DIET and the offer router left it: a job-offer question (`diet`), an offer to the router."""
    message = classified(text, "ask_job_offer_safe", diet, runner_up_confidence=1.0 - diet, danger_probability=danger)
    message.set("offer_routing", {"offer": True, "probability": 0.9})
    fallback(backstop.process([message]))
    return message


IN_THE_HOUSE = (
    "es normal que en el trabajo de limpieza te quiten el celular al entrar y no te lo devuelvan hasta el domingo?"
    " vivo en la casa de la patrona y no tengo llave, ella dice que es por seguridad. llevo 4 meses sin pago"
)


@pytest.mark.parametrize(
    ("probability", "tier", "intent"),
    [(0.95, "emergency", DANGER_INTENT), (0.85, "check_in", "danger_check_in"), (0.4, "none", "ask_job_offer_safe")],
)
def test_a_writer_already_in_the_job_is_heard_over_what_looks_like_an_offer(
    backstop: DangerBackstop, probability: float, tier: str, intent: str
) -> None:
    """DIET and the offer router took it for a job offer and the rules found no danger words: before, nothing. The
    writer lives in the employer's house: the danger classifier is heard (sure: the alarm; leaning: the check-in),
    and not when it does not lean to danger."""
    message = read_as_an_offer(backstop, IN_THE_HOUSE, probability)
    assert message.get("intent")["name"] == intent
    decision = message.get(DANGER_DECISION)
    assert decision["tier"] == tier and (("in_it" in decision["frames"]) is (tier != "none"))


@pytest.mark.parametrize(
    ("text", "there"),
    [
        # batch AB: the pay where the writer is, against what the agency promised at home
        ("the agency back home said 1100 riyal, here they pay 500", True),
        ("the supervisor says we must finish two years before we go", True),
        ("aqui nos pagan la mitad de lo que dijeron", True),
        # batch AD: the writer's job where they are, and since when
        ("I am housemaid in Kuwait, madam is strict", True),
        ("no salary since 4 months", True),
        ("soy empleada en una casa de Monterrey", True),
        # batch AE
        ("vivimos arriba del taller, somos ocho", True),
        ("we sleep behind the kitchen on mats", True),
        # batch AF
        ("es legal que nos hagan trabajar 14 horas?", True),
        ("they make us work on sundays without pay", True),
        # batch AK
        ("we're not allowed off the ship until the season ends", True),
        ("no nos dejan salir de la finca hasta la cosecha", True),
        # an offer not yet taken
        ("the agency says they pay 500 and the contract is for two years", False),
        ("busco trabajo de empleada domestica en Monterrey", False),
        ("will we be allowed off the ship when it docks?", False),
    ],
)
def test_what_says_the_writer_is_already_there(backstop: DangerBackstop, text: str, there: bool) -> None:
    assert backstop._says_already_there(text) is there


def test_a_question_about_a_kept_passport_from_a_writer_who_works_there_gets_the_alarm(
    backstop: DangerBackstop,
) -> None:
    """Batch AD: a housemaid's "is it normal...?" with no danger word the rules read, which DIET took for a job-offer
    question, got nothing although the danger classifier was at 0.99."""
    text = (
        "is it the rule that the supervisor keeps passports in the office safe? here they pay 400 not 900 like the"
        " agency said"
    )
    assert backstop.detector.assess(text).match is None
    assert read_as_an_offer(backstop, text, 0.97).get("intent")["name"] == DANGER_INTENT


def test_the_same_words_about_a_job_not_yet_taken_stay_with_the_job_offer_check(backstop: DangerBackstop) -> None:
    offer = (
        "es normal que en el trabajo de limpieza te quiten el celular al entrar y no te lo devuelvan hasta el domingo?"
        " me ofrecieron vivienda en la casa de la patrona, pagan 400 al mes"
    )
    assert read_as_an_offer(backstop, offer, 0.95).get("intent")["name"] == "ask_job_offer_safe"


def test_a_worker_asking_about_a_kept_passport_gets_the_check_in_not_the_alarm(backstop: DangerBackstop) -> None:
    """The rules found only an offer's term (a kept passport) and DIET took it for an offer: the same words come
    from a worker asking whether it is right (J3) and from one held with them (M): ask, do not alarm."""
    text = ("estoy trabajando en una finca de cafe, el patron nos guarda el pasaporte en la caja fuerte de la oficina,"
            " eso esta bien?")  # fmt: skip
    assert read_as_an_offer(backstop, text, 0.95, diet=0.86).get("intent")["name"] == "danger_check_in"


@pytest.mark.parametrize(
    "text",
    [
        # arrived for the job, and the terms changed since (batch T)
        "Came to Lisbon on a hostess contract. the agency now says I must drink with clients or pay 8,000 euro, they"
        " keep my ID. is this normal?",
        # the whole wage taken by the agency (batch R)
        "is it normal that my agency keeps my whole salary for the placement fee? they also say i cant change boss",
        # wants to go home from where they are (batch P)
        "we came for farm work, pay is half of what they promised and we sleep in the barn. we want to go home, is"
        " this normal?",
        "vine a trabajar en una fabrica y ahora me dicen que el cuarto y la comida se descuentan del sueldo, es"
        " normal?",
        "queremos volver a nuestro pais pero el encargado dice que primero hay que pagar la deuda del viaje",
        # someone who left for the job, and a condition only working on can meet (batch U)
        "my sister is 16 and she went to Dubai for a salon job. today she called me crying and said men come to the"
        " flat every night. then the line cut",
        "mi prima se fue a Panama por un trabajo de mesera, hoy me llamo llorando y se corto la llamada",
        "Hola!! una pregunta rápida: ¿ustedes ayudan con temas de visa? es que el señor que me consiguió el trabajo en"
        " Dubái tiene mi pasaporte y dice que no me lo da hasta que trabaje un año más en el spa sin sueldo",
        # batch Y: where the writer is now
        "estoy en la casa del licenciado, el que me consiguio el trabajo. si le marca a mi tia digale que estoy en"
        " Tlaxcala",
    ],
)
def test_a_writer_who_arrived_for_the_job_is_heard_over_what_looks_like_an_offer(
    backstop: DangerBackstop, text: str
) -> None:
    """Each says the writer is already there; read as an offer with a leaning danger classifier: the check-in."""
    message = read_as_an_offer(backstop, text, 0.8)
    assert message.get("intent")["name"] == "danger_check_in"
    assert "in_it" in message.get(DANGER_DECISION)["frames"]


@pytest.mark.parametrize(
    "offer",
    [
        "they offer me a job in Dubai, 3 months, and I can go home for my sister's wedding in june, is this ok?",
        "me ofrecen un trabajo en Dubai, la agencia dice que me dan el pasaporte hasta el final del contrato, es"
        " normal?",
    ],
)
def test_an_offer_not_yet_taken_stays_with_the_check(backstop: DangerBackstop, offer: str) -> None:
    assert read_as_an_offer(backstop, offer, 0.8).get("intent")["name"] == "ask_job_offer_safe"


def test_a_doubted_alarm_from_a_writer_already_there_is_no_offer_to_check(backstop: DangerBackstop) -> None:
    """Batch X: the rules found danger, the danger classifier doubted it and DIET read a job-offer question, so the
    offer's terms went to the job-offer check, with nothing about danger. The writer says "llevo 5 semanas así":
    the check-in. The same terms asked about an offer not yet taken stay with the check."""
    there = ("pregunta rápida: ¿en Panamá es legal que el empleador no te deje salir del edificio por seguridad? es que"
             " llevo 5 semanas así y no me pagan")  # fmt: skip
    assert read_as_an_offer(backstop, there, 0.1).get("intent")["name"] == "danger_check_in"
    offer = ("pregunta rápida: ¿en Panamá es legal que el empleador no te deje salir del edificio por seguridad? me"
             " ofrecen un trabajo de limpieza ahí")  # fmt: skip
    assert read_as_an_offer(backstop, offer, 0.1).get("intent")["name"] == "ask_job_offer_safe"


def test_a_kept_document_from_a_writer_already_there_is_asked_about_not_left_to_the_offer_check(
    backstop: DangerBackstop,
) -> None:
    """Batch W: the rules found only a kept document, DIET and the router read a job-offer question, and the danger
    classifier did not lean (0.31): nothing. "my boss said" says the job is already theirs: the check-in."""
    text = ("is it ok to sign a paper i can't read? they want me to sign before they give back my ID and my boss said i"
            " should just sign")  # fmt: skip
    message = read_as_an_offer(backstop, text, 0.3)
    assert message.get("intent")["name"] == "danger_check_in"
    assert "in_it" in message.get(DANGER_DECISION)["frames"]
    offer = "is it ok to sign a paper before the agency gives back my ID? they offer me a job in Dubai"
    assert read_as_an_offer(backstop, offer, 0.3).get("intent")["name"] == "ask_job_offer_safe"


def test_a_joke_about_being_stuck_somewhere_is_not_heard_as_being_in_it(backstop: DangerBackstop) -> None:
    text = "llevo 5 horas secuestrada en el karaoke del cumple de mi suegra jajaja ayuda"
    message = classified(text, "out_of_scope", 0.9, danger_probability=0.6)
    fallback(backstop.process([message]))
    assert message.get(DANGER_DECISION)["tier"] != "emergency"
    assert "in_it" not in message.get(DANGER_DECISION)["frames"]
