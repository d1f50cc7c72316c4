"""Which reply a message gets (issue 19): the emergency reply when danger is sure, a check-in ("Are you safe right
now?", with the numbers) when the signals are mixed, the survivors' reply for a story that is over, and nothing
about danger otherwise. The rules are real (data/safety/danger_patterns.yml); the classifiers' opinions are given.
The wording here is this file's own, not the evaluation batches'."""

from __future__ import annotations

import pytest

from bot.safety import DangerDetector
from bot.safety.tiers import CHECK_IN, DOUBTED, EMERGENCY, MIN_WORDS_FOR_DOUBT_ALONE, NONE, SURVIVOR, decide

# The classifiers' opinions: (DIET says danger, danger probability).
SILENT = (False, 0.05)  # both classifiers doubt danger
DIET_ONLY = (True, 0.05)  # DIET says danger, the danger classifier doubts it
UNSURE = (False, 0.3)  # neither says danger, but the danger classifier does not doubt it either
ONE = (False, 0.7)  # the danger classifier leans towards danger, DIET does not
BOTH = (True, 0.8)


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.from_file()


def tier(detector: DangerDetector, text: str, opinions: tuple[bool, float]) -> str:
    return decide(detector.assess(text), *opinions, words=len(text.split())).name


@pytest.mark.parametrize(
    "text",
    [
        "the supervisor took our passports and locks the dorm at night",
        "el encargado nos quito los papeles y no nos deja salir del rancho",
        # a laugh does not hide a report that piles up facts, or says it is not a joke
        "haha funny thing, the agency kept my passport and they haven't paid me since june",
        "jajaja ya se que suena a chiste pero no es broma, nos encierran en la bodega",
        # a question about what already happened is still a report
        "my boss took my passport, can he do that?",
        # a story told as over that goes on
        "years ago I was trafficked, I got out in 2019, but they still threaten my brother",
    ],
)
def test_sure_danger_gets_the_emergency_reply_unless_the_danger_classifier_doubts_it(
    detector: DangerDetector, text: str
) -> None:
    for opinions in (UNSURE, ONE, BOTH):
        assert tier(detector, text, opinions) == EMERGENCY, opinions
    # Both classifiers doubting the rules: asked, with the emergency numbers underneath, never left unanswered.
    doubted = decide(detector.assess(text), *SILENT, words=len(text.split()))
    assert (doubted.name, doubted.by) == (CHECK_IN, "rules") and DOUBTED in doubted.frames
    # The danger classifier doubting them while DIET backs them: asked about a long message, the alarm on a short one.
    long_enough = len(text.split()) >= MIN_WORDS_FOR_DOUBT_ALONE
    assert tier(detector, text, DIET_ONLY) == (CHECK_IN if long_enough else EMERGENCY)


@pytest.mark.parametrize(
    "text",
    [
        # everyday confinement the rules read as danger (blind batches' kind of false alarm, in this file's words)
        "we are locked in the stadium until the storm passes, they won't let anyone leave",
        "nos tienen encerrados en la sala de espera del aeropuerto, no nos dejan salir hasta que pase la niebla",
    ],
)
def test_a_rule_alarm_the_danger_classifier_doubts_is_asked_about_not_sounded(
    detector: DangerDetector, text: str
) -> None:
    """DIET backing the rules does not keep the alarm: on blind batch L it backed most of their false alarms."""
    assert detector.assess(text).match is not None, "the rules must read danger here for this test to mean anything"
    assert tier(detector, text, SILENT) == CHECK_IN
    assert tier(detector, text, DIET_ONLY) == CHECK_IN
    assert tier(detector, text, UNSURE) == EMERGENCY
    assert decide(detector.assess(text), False, None).name == EMERGENCY  # no danger classifier: the rules decide


@pytest.mark.parametrize(
    "text", ["he hits me when i ask him for my pay", "me obligaron a trabajar 20 horas sin descanso"]
)
def test_a_short_report_diet_backs_keeps_the_alarm_when_only_the_danger_classifier_doubts_it(
    detector: DangerDetector, text: str
) -> None:
    """Under twelve words the danger classifier weighs words, not a situation: its doubt alone is not enough."""
    assert detector.assess(text).match is not None
    assert len(text.split()) < MIN_WORDS_FOR_DOUBT_ALONE
    assert tier(detector, text, DIET_ONLY) == EMERGENCY


@pytest.mark.parametrize("text", ["estoy secuestrado", "me violaron", "he has a gun, im so scared"])
def test_a_short_cry_keeps_the_alarm_even_when_both_classifiers_doubt_it(detector: DangerDetector, text: str) -> None:
    """On a few words the classifiers weigh the words, not a situation (the danger classifier is weakest there)."""
    assert detector.assess(text).match is not None
    assert tier(detector, text, SILENT) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # routine: an institution or a rule
        "the embassy is holding my passport while they stamp the visa, is 3 weeks normal?",
        "el consulado se quedo con mi pasaporte para la visa, cuando me lo dan?",
        # a hypothetical asked about
        "what would happen if my employer took my passport?",
        "si alguien le quito el pasaporte a una amiga, que puede hacer ella?",
        # a laugh or a film around one danger phrase
        "my roommate says he'll kill me if i finish the milk again lmao",
        "en la telenovela la tienen encerrada en un rancho, asi pasa de verdad?",
    ],
)
def test_danger_words_in_a_frame_get_the_check_in_when_a_classifier_backs_them(
    detector: DangerDetector, text: str
) -> None:
    assert tier(detector, text, ONE) == CHECK_IN
    assert tier(detector, text, BOTH) == CHECK_IN


@pytest.mark.parametrize(
    "text",
    [
        "the embassy is holding my passport while they stamp the visa, is 3 weeks normal?",
        "what would happen if my employer took my passport?",
        "en la telenovela la tienen encerrada en un rancho, asi pasa de verdad?",
    ],
)
def test_danger_words_in_a_frame_no_classifier_backs_get_a_plain_answer(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "my hamster holds me hostage every morning until breakfast",
        "secuestrada por el examen de fisica",
        "mi gato me tiene secuestrada jaja",
    ],
)
def test_hyperbole_about_a_trivial_thing_is_not_asked_about_even_if_both_classifiers_bite(
    detector: DangerDetector, text: str
) -> None:
    assert tier(detector, text, BOTH) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "the foreman says we cannot leave the camp until we finish the project and anyone who leaves gets reported",
        "en la construccion el capataz dice que no podemos salir del campamento hasta terminar el proyecto, si alguien"
        " se va lo denuncia",
    ],
)
def test_a_report_the_danger_classifier_leans_to_is_asked_about_when_a_trivial_word_sits_in_it(
    detector: DangerDetector, text: str
) -> None:
    """A building site's "project" reads like a school one (batch AH's only miss, in this file's words): with the
    danger classifier leaning to danger on a report this long, ask with the numbers underneath; without it, hyperbole
    stays unanswered about danger."""
    assert tier(detector, text, (False, 0.85)) == CHECK_IN
    assert tier(detector, text, (False, 0.6)) == NONE
    # A laugh keeps it hyperbole whatever the danger classifier says.
    assert tier(detector, text + " jajaja lol", (False, 0.85)) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "back in 2015 a smuggler kept me in a house for a month, i got out and i'm safe now",
        "my aunt was forced to work without pay as a girl, she escaped at 17 and is doing fine",
        "hace años me tuvieron encerrada en una casa, logre salir en 2016 y ya estoy bien",
        "a mi abuelo lo obligaban a trabajar sin paga de niño, ya murio pero quiero contar su historia",
        # dated and closed (batch K): "that was 2012", "it's all over now", "lo recuperé", "ya van N años que escapé"
        "Back in 2016 I was trapped in debt with an agency in the Gulf. It's all over now, I'm home, married.",
        "I used to work on a boat where they threatened us every day. That was 2012. Now I'm a union rep.",
        "Hace tiempo una agencia me quitó el pasaporte, pero lo recuperé y ya volví a Colombia. Estoy bien.",
        "estuve encerrada por un tipo, ya van 5 años que escapé, tengo mi trabajo",
    ],
)
def test_a_story_that_is_over_gets_the_survivors_reply_not_the_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == SURVIVOR
    assert tier(detector, text, BOTH) == SURVIVOR


@pytest.mark.parametrize(
    "text",
    [
        # still going on, in the danger's own clause or said outright
        "a man took my passport years ago, i got out in 2018 but he still has it",
        "hace años me quitaron el pasaporte, sali de ahi pero todavia me buscan",
        # "I got out" with no date is not enough: people write it while still being followed
        "i got out of the house but the guy still has my id and my phone",
        # found again by the one they fled (batch K's brief): the present wins over the past frame
        "I escaped years ago but he found me and is outside now",
        "escapé hace años pero me encontró y está afuera de mi casa",
    ],
)
def test_a_past_story_with_a_present_marker_is_not_over(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) in (EMERGENCY, CHECK_IN)
    assert tier(detector, text, BOTH) in (EMERGENCY, CHECK_IN)


@pytest.mark.parametrize(
    "text",
    [
        # a condition not yet met is no ending (batch P)
        "the man who brought me says i must pay 30000 euro before i am free. i stand on the road every night",
        # a threat of jail is no trafficker sent to jail (batch P)
        "the company keeps our passports and the supervisor says if we stop working we will be sent to jail",
    ],
)
def test_what_has_not_happened_yet_is_not_a_story_that_is_over(detector: DangerDetector, text: str) -> None:
    assert "over" not in detector.assess(text).frames
    assert tier(detector, text, BOTH) == EMERGENCY


def test_a_plea_softens_nothing(detector: DangerDetector) -> None:
    """Writing under watch ("no puedo hablar mucho", batches W and Y) asks where nothing else would, and never turns
    an alarm both classifiers agree on into a check-in (batches H and I)."""
    text = "no puedo escribir mucho. nos quitan los cels en la noche y trabajamos 15 horas sin pago"
    assert tier(detector, "no puedo decir mucho. estoy en la casa de las muchachas", SILENT) == CHECK_IN
    assert tier(detector, text, BOTH) == EMERGENCY
    assert tier(detector, "pls reply fast. battery 4%", (True, 0.95)) == EMERGENCY


def test_someone_near_who_must_not_hear_gets_the_check_in(detector: DangerDetector) -> None:
    """Batch X: "I can't really talk, they're in the next room" asked about help to start over, and got nothing."""
    for text in ("I can't really talk, they're in the next room. is the help to start over real?",
                 "no puedo hablar, estan en el otro cuarto. ustedes ayudan a empezar de nuevo?"):  # fmt: skip
        assert tier(detector, text, SILENT) == CHECK_IN, text
    assert tier(detector, "my kids are in the next room sleeping, what visas are there for canada?", SILENT) == NONE


@pytest.mark.parametrize(
    "text",
    ["no puedo hablar mucho. estoy bien. no estoy bien", "sorry i cant talk long. i'm fine. i'm not fine"],
)
def test_an_ending_taken_back_is_no_story_that_is_over(detector: DangerDetector, text: str) -> None:
    """Batch W: "estoy bien" read as an ending gave the survivors' reply to someone who then says they are not."""
    assert tier(detector, text, SILENT) == CHECK_IN
    assert tier(detector, "ya estoy bien, gracias por todo. hace años sali de eso", SILENT) != CHECK_IN


@pytest.mark.parametrize(
    "text", ["I was trafficked in 2015. The man was sent to jail and I am free now, how can I volunteer?"]
)
def test_a_trafficker_sent_to_jail_still_ends_the_story(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, BOTH) == SURVIVOR


def test_a_story_that_says_it_is_over_but_goes_on_gets_at_least_the_check_in(detector: DangerDetector) -> None:
    assert tier(detector, "i got out years ago but he keeps calling me", SILENT) == CHECK_IN


@pytest.mark.parametrize("text", ["please someone answer me", "alguien responda por favor"])
def test_a_plea_for_an_answer_gets_the_check_in_even_with_silent_classifiers(
    detector: DangerDetector, text: str
) -> None:
    assert tier(detector, text, SILENT) == CHECK_IN


def test_both_classifiers_agreeing_on_words_the_rules_do_not_know_get_the_emergency_reply(
    detector: DangerDetector,
) -> None:
    assert tier(detector, "someone sits outside our door all night", BOTH) == EMERGENCY


def test_both_classifiers_agreeing_on_a_framed_message_get_the_check_in(detector: DangerDetector) -> None:
    assert tier(detector, "el banco dice que debo 20 mil y me quieren quitar la casa", BOTH) == CHECK_IN


def test_the_danger_classifier_sure_on_its_own_gives_the_alarm_and_leaning_the_check_in(
    detector: DangerDetector,
) -> None:
    """Blind batches L and M: at 0.9 alone it heard only cries for help ("no puedo hablar. me tienen en un carro"),
    which got the check-in instead of the alarm."""
    report = "someone sits outside our door all night and we are not let out"
    assert detector.assess(report).match is None, "the rules must not read it for this test to mean anything"
    assert tier(detector, report, (False, 0.95)) == EMERGENCY
    assert tier(detector, report, ONE) == CHECK_IN
    # inside a frame, sure or not, it asks
    assert tier(detector, "lol the bank says I owe 20k and they want to take the house", (False, 0.95)) == CHECK_IN


def test_a_laugh_around_danger_still_going_on_gets_the_alarm_when_both_classifiers_hear_it(
    detector: DangerDetector,
) -> None:
    text = "jaja mi vida es una telenovela, el jefe tiene mi pasaporte y llevo 5 meses sin paga"
    reading = detector.assess(text)
    assert reading.set_aside and reading.present, "the rules must set the words aside in a laugh, still going on"
    assert tier(detector, text, (True, 0.97)) == EMERGENCY
    # a soap opera among the frames: the alarm only when the danger classifier is beyond doubt (batch AB)
    assert tier(detector, text, BOTH) == CHECK_IN
    assert tier(detector, text, ONE) == CHECK_IN


def test_an_escape_room_both_classifiers_lean_on_is_not_an_alarm(detector: DangerDetector) -> None:
    """Batch AB: "escape room tonight!! theme is 'kidnapped in a basement' 😆" got the alarm (both classifiers at
    0.74)."""
    text = "escape room tonight!! the theme is kidnapped in a basement 😆 how do we get out fast"
    assert tier(detector, text, (True, 0.75)) != EMERGENCY


def test_a_question_mark_in_brackets_does_not_make_a_report_a_question(detector: DangerDetector) -> None:
    report = "the kid next door (maybe 12?) has a different man visiting every night"
    assert detector.assess(report).match is not None
    assert not detector.assess("the kid next door (maybe 12?) has a nice bike").match


@pytest.mark.parametrize("text", ["pls answer fast, battery 3%", "contesten rapido porfa, no tengo pila"])
def test_a_hurried_plea_on_a_dying_phone_gets_the_check_in(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == CHECK_IN


@pytest.mark.parametrize("text", ["my battery is at 3%, what time do you open?", "se me acabo la pila jaja"])
def test_a_phone_battery_alone_is_not_a_plea(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) != EMERGENCY


@pytest.mark.parametrize("opinions", [SILENT, ONE])
def test_questions_and_ordinary_messages_get_nothing_about_danger(
    detector: DangerDetector, opinions: tuple[bool, float]
) -> None:
    questions = ["what if they take my passport there?", "que pasaria si el jefe me quita el pasaporte?"]
    for text in ["what is debt bondage?", "¿qué es la trata?", "hola", *questions]:
        assert tier(detector, text, opinions) == NONE, text


def test_without_a_danger_classifier_the_intent_classifier_decides_as_before(detector: DangerDetector) -> None:
    assessment = detector.assess("someone sits outside our door all night")
    assert decide(assessment, True, None).name == EMERGENCY
    assert decide(assessment, False, None).name == NONE


def test_a_long_report_the_danger_classifier_leans_on_gets_the_check_in(detector: DangerDetector) -> None:
    """Blind batch G: reports DIET took for out of scope, with the danger classifier at 0.6-0.9, got nothing."""
    report = "the man who drives our van says we will all work off the trip when we get to the farm"
    assert tier(detector, report, SILENT) == NONE
    assert tier(detector, report, ONE) == CHECK_IN
    assert tier(detector, "what is debt bondage?", ONE) == NONE  # a short question: the words, not a situation


def test_a_report_the_classifiers_nearly_agree_on_gets_the_check_in(detector: DangerDetector) -> None:
    """Blind batch R: a report in Jamaican Patois the rules cannot read; DIET said danger, the danger classifier
    0.46, just short of agreeing: nothing. Now the check-in; not when the danger classifier is further off, nor on a
    short question, nor on a framed message."""
    report = "bredda di boss dem hold wi inna di yard an nobody cyaan go nowhere, dem seh wi owe dem"
    assert detector.assess(report).match is None  # the rules do not read it
    assert tier(detector, report, (True, 0.45)) == CHECK_IN
    assert tier(detector, report, (True, 0.3)) == NONE
    assert tier(detector, report, (False, 0.45)) == NONE
    assert tier(detector, "what is debt bondage?", (True, 0.45)) == NONE
    joke = "lol in this video game the guards hold everyone in the yard and nobody can go anywhere"
    assert tier(detector, joke, (True, 0.45)) != CHECK_IN


def test_a_question_or_denial_both_classifiers_are_sure_about_gets_the_check_in_or_the_alarm(
    detector: DangerDetector,
) -> None:
    """Blind batch N: a stranger's "she says she doesn't know where she is, what do I do" was read by the rules as a
    denial and a question, and answered with nothing although both classifiers were sure."""
    text = "una niña de unos 13 en la central con un señor que la jala, me dijo q no sabe donde esta. q hago"
    assert detector.assess(text).dismissed
    assert tier(detector, text, BOTH) == NONE  # 0.8: the words, not a situation
    assert tier(detector, text, (True, 0.92)) == CHECK_IN
    assert tier(detector, text, (True, 0.97)) == EMERGENCY  # both beyond doubt (the used batches N, R and X)
    assert tier(detector, text, (False, 0.97)) == NONE  # the danger classifier alone does not overrule the rules
    # a hypothetical stays a question whatever the classifiers say
    assert tier(detector, "que pasaria si el jefe me quita el pasaporte?", (True, 0.97)) == NONE


@pytest.mark.parametrize(
    "text",
    [
        "dice q si voy a la policia me deportan y se queda con mi sueldo",
        "el patron dijo que si hablo con alguien de migracion me denuncian",
    ],
)
def test_a_threat_told_with_if_is_danger(detector: DangerDetector, text: str) -> None:
    assert detector.assess(text).match is not None


@pytest.mark.parametrize("text", ["si llamo a la policia me deportan?", "que pasa si voy a la policia y me deportan?"])
def test_asking_whether_the_police_deport_is_a_question(detector: DangerDetector, text: str) -> None:
    assert detector.assess(text).match is None


@pytest.mark.parametrize("text", ["atrapada en una junta eterna, rescatenme", "trapped in this meeting, send help"])
def test_a_meeting_is_not_a_captivity(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == NONE


def test_months_without_a_day_off_with_the_papers_held_is_danger(detector: DangerDetector) -> None:
    assert detector.assess("live-in maid in Doha, no day off in 7 months and the sponsor has my passport").match
    assert detector.assess("sin un dia libre desde hace 8 meses y la patrona tiene mi dni").match
    assert detector.assess("no day off in 3 weeks, this night shift is killing me lol").match is None


def test_an_ending_the_danger_classifier_is_sure_is_not_one_gets_the_check_in(detector: DangerDetector) -> None:
    """Blind batch P: "...says i must pay before i am free", "we want to go home but they say we must pay" were read
    as stories that are over and got the survivors' reply, while the danger classifier was sure (0.99)."""
    text = "back in 2016 a smuggler kept me in a house for a month, i got out and i'm safe now"
    assert detector.assess(text).over
    assert tier(detector, text, BOTH) == SURVIVOR
    assert tier(detector, text, (False, 0.97)) == CHECK_IN
    assert tier(detector, text, (True, 0.97)) == CHECK_IN


def test_diet_alone_backs_danger_words_in_a_frame_only_when_the_danger_classifier_does_not_doubt_them(
    detector: DangerDetector,
) -> None:
    """Batch Q: DIET backed half of the jokes about traffic, a lift, a gym contract or a game."""
    text = "lol my phone contract keeps me trapped, they won't let me leave for 2 years"
    assert detector.assess(text).set_aside, "the rules must set the words aside in a frame for this test to mean it"
    assert tier(detector, text, DIET_ONLY) == NONE
    assert tier(detector, text, (True, 0.3)) == CHECK_IN
    assert tier(detector, text, ONE) == CHECK_IN


def test_the_danger_classifier_beyond_doubt_is_not_silenced_by_an_everyday_frame(detector: DangerDetector) -> None:
    """Used batches Q to Y: 13 cries for help that the danger classifier gave 0.95 or more got the check-in, because
    the rules read an everyday object, a trivial word or a question around the report. Beyond doubt, the alarm; a
    joke or a film still asks (an ending too: test_an_ending_the_danger_classifier_is_sure_is_not_one...)."""
    report = (
        "the agency has kept our passports for the visa renewal since last year, fourteen of us sleep in a container "
        "behind the workshop and nobody has been paid"
    )
    reading = detector.assess(report)
    assert reading.match is None and "routine" in reading.frames, "the rules must set it aside for this test"
    assert tier(detector, report, (True, 0.9)) == CHECK_IN
    assert tier(detector, report, (True, 0.97)) == EMERGENCY
    assert tier(detector, report, (False, 0.97)) == EMERGENCY
    assert tier(detector, "lol the bank says I owe 20k and they want to take the house", (True, 0.99)) == CHECK_IN
    assert tier(detector, "this movie about a girl locked in a basement is so scary", (True, 0.99)) != EMERGENCY


def test_a_long_report_the_danger_classifier_is_nearly_sure_of_gets_the_alarm(detector: DangerDetector) -> None:
    """Used batches Q to Y: 8 reports with no danger word the rules read, told at length, got the check-in with the
    danger classifier at 0.85 to 0.9 ("mi vecina de abajo tiene a una chica que no sale nunca..."). From 0.8 on a
    report of twelve words or more, the alarm; a shorter message, or a lower lean, is still asked about."""
    report = (
        "my neighbour's cleaner never goes out, today she waved at me from the window and cried, the family shouts at "
        "her every night"
    )
    reading = detector.assess(report)
    assert reading.match is None and not reading.frames and not reading.set_aside
    assert tier(detector, report, (False, 0.85)) == EMERGENCY
    assert tier(detector, report, (False, 0.7)) == CHECK_IN
    short = "the cleaner next door never goes out and cries"
    assert 8 <= len(short.split()) < MIN_WORDS_FOR_DOUBT_ALONE and detector.assess(short).match is None
    assert tier(detector, short, (False, 0.85)) == CHECK_IN


@pytest.mark.parametrize(
    "text",
    [
        "all good here mum, the new job is fine. the house is 12 Elm Close. dont call this number back",
        "todo bien por aqui tia, no me llames a este numero, yo te escribo",
        "sorry wrong chat, wanted to order tacos, room 9 at the inn by the bridge. pls hurry",
        "cant talk. my boss is reading over my shoulder, answer about the weather if you get it",
    ],
)
def test_a_message_in_code_with_a_way_back_that_must_stay_closed_is_asked_about(
    detector: DangerDetector, text: str
) -> None:
    """Batch AA: coded messages disguised as a wrong chat or a reassurance ("Yes mom I'm fine... Don't call this
    number back") got nothing, and a reassurance was read as a story that is over. A plea not to call back, or to
    hurry, is asked about even when the classifiers hear nothing, and an ending next to it is no ending."""
    assert tier(detector, text, SILENT) == CHECK_IN
    assert tier(detector, text, (True, 0.3)) == CHECK_IN


@pytest.mark.parametrize(
    "text",
    [
        # watched, so no call (batch AM): asked about even when the classifiers hear nothing
        "all good here 🙂 can you send me the number of the consulate? don't call me, just text, they check the phone",
        "todo bien por aca, me pasas el numero del consulado? no me llames, mejor mensaje, que revisan el celular",
        # how to get back the documents someone else has
        "how do i get my passport back",
        "como recupero mis papeles?",
    ],
)
def test_a_watched_writer_or_one_without_their_documents_is_asked_about(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == CHECK_IN


@pytest.mark.parametrize("text", ["¿Quién lee los mensajes que escribo aquí?", "I got my passport back, thanks"])
def test_asking_who_reads_the_chat_or_a_passport_returned_is_not_asked_about(
    detector: DangerDetector, text: str
) -> None:
    assert tier(detector, text, SILENT) == NONE


@pytest.mark.parametrize(
    "text",
    [
        # a code agreed for later, in a message that says all is well (batch AN)
        "all fine here, work is ok. if i send you a 🌵 it means call the police, we are in the tall building",
        "todo bien aca 🙂 si te mando una foto de un gato significa que llames a la embajada",
    ],
)
def test_a_code_agreed_for_later_is_asked_about(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, SILENT) == CHECK_IN


@pytest.mark.parametrize(
    "text",
    [
        "my cousin texted me the code word we agreed on before she flew to Dubai and now her phone is off",
        "mi prima me mando la palabra clave que acordamos antes de irse y ya no contesta",
        # someone hit with an object, by name, the day before: "I'm ok" after it is no ending
        "work is hard. last night the foreman beat Ramesh with a belt in front of us, what can we do",
    ],
)
def test_an_agreed_code_sent_or_a_beating_with_an_object_gets_the_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) == EMERGENCY  # unless both classifiers doubt the rules


@pytest.mark.parametrize(
    "text",
    [
        # ordinary messages that only sound alarming (batch AO's kind of false alarm, in this file's words)
        "this lecture has gone on for two hours, someone come rescue me 😩",
        "My son says I'm holding his passport hostage because I won't let him go on the trip. Am I wrong?",
        "our puppy ran off and we found him locked in the neighbour's shed, what a scare",
        "el gatito se metió al ropero y se quedó encerrado toda la tarde, ya lo sacamos",
        "esta serie me tiene atrapado, no puedo parar de verla",
        "mi hija dice que la tengo presa porque no la dejo salir con su novio",
        "Six years ago I was stuck at a factory in Jordan and they kept my passport. I'm back home in Sri Lanka, "
        "how can I help others?",
    ],
)
def test_a_pet_a_book_a_parent_or_a_story_that_is_over_gets_no_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) != EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # ...while the same words about a person still get it
        "esa perra de la patrona me tiene encerrada en el cuarto",
        "my employer keeps my passport and won't let me go home",
        "I'm back home but the recruiter still threatens my family every week",
    ],
)
def test_the_same_words_about_a_person_still_get_the_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # a compound told in a general question, then in plain words (batch AP)
        "can a company keep workers in the camp? the gates stay padlocked and guards search everyone",
        "he's still got my passport and I owe him for the flight",
        "the supervisor broke my cousin's hand because he asked for a day off",
    ],
)
def test_locked_gates_a_passport_still_held_and_a_broken_hand_are_heard(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) == EMERGENCY


def test_an_offers_gate_hours_are_no_report(detector: DangerDetector) -> None:
    """Batch J4's factory ad ("gates are locked from 9pm to 6am for your safety") is for the job-offer check."""
    ad = "Hiring now! Free dorm inside the plant, gates are locked from 10pm to 5am for your security. Apply today"
    assert detector.assess(ad).match is None


@pytest.mark.parametrize(
    "text",
    [
        # a phone or papers the worker may not keep, after a question about fees (batch AQ)
        "is it ok for the agency to charge 6 months of pay? also my employer does not let me keep my phone",
        "they do not allow us to keep our passports, the manager has them",
        "la señora no me deja tener celular y ya van tres meses",
        "no nos dejan quedarnos con el pasaporte, lo tiene el encargado",
    ],
)
def test_a_phone_or_papers_the_worker_may_not_keep_gets_the_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) == EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # everyday messages with the same words (batch AQ's kind of false alarm, in this file's words)
        "my dad hid my passport so I can't go on the spring break trip, I'm 16 so whatever",
        "mi papá me escondió el pasaporte para que no vaya a la excursión, qué exagerado",
        "my mum won't let me have a phone until I'm 14",
        "mi mamá no me deja tener celular hasta la secundaria",
        "my brother said he would kill me if I finished his cereal again",
        "forgot my passport at the hotel in Lisbon and the front desk is holding it for me lol",
        "mis viejos no me dejan ir al viaje de egresados, me quiero morir",
        "mi tía dice que me va a casar con el vecino jajaja auxilio",
        "jugando among us me encerraron en la cafetería y me mataron",
        "my son is in basic training and they don't let him keep his phone for the first weeks",
        # phones put away while working are a workplace rule
        "they don't let us keep our phones on the factory floor, is that legal?",
        "no nos dejan tener el celular durante el turno, es legal?",
    ],
)
def test_a_parents_rule_a_siblings_joke_or_a_night_out_gets_no_alarm(detector: DangerDetector, text: str) -> None:
    assert tier(detector, text, UNSURE) != EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        # ...while the same words about a worker, or with a report after the laugh, still get it
        "the madam said she would kill me if I eat the family's food",
        "my parents took my passport on our trip to Lahore and they are forcing me to marry",
        "jajaja auxilio me tienen encerrada y no me dejan salir",
        "they don't let us keep our phones in the dorm and we can't call home",
    ],
)
def test_a_threat_over_food_a_forced_marriage_or_a_report_after_a_laugh_still_gets_the_alarm(
    detector: DangerDetector, text: str
) -> None:
    assert tier(detector, text, UNSURE) == EMERGENCY
