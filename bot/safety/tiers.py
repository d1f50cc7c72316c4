"""Which of four replies a message gets, from the rules' reading and the two classifiers (issue 19).

- `emergency`: sure danger, the emergency numbers at once (utter_emergency_contacts). The rules found danger
  with nothing around it that makes it mixed, both classifiers agree on a message without frames, or the danger
  classifier is sure on its own (`alone`) about a message without frames. Also when the danger classifier is beyond
  doubt (`sure`) about a message whose only frames are an everyday object, a trivial word or a question (never a
  joke, a film or an ending), and when it nearly is (`lean_long`) about a report of twelve words or more with
  nothing around it.
- `check_in`: mixed signals. "Are you safe right now?" with three buttons and the numbers underneath, so nothing
  is lost if the person is in danger. Danger words inside a frame (a joke, a film, an everyday object such as a
  consulate or homework, a hypothetical) that a classifier backs; classifiers that agree on a framed message;
  a danger classifier that leans to danger on its own; a harmless reading of the rules that both classifiers
  contest; or a rule's alarm the danger classifier doubts: on a message of eight words or more with DIET not
  saying danger either (probability under `doubt`), or on one of twelve words or more whatever DIET says (under
  `doubt_long`); or DIET's danger with the danger classifier just short of agreeing (`near_agreement`) on a
  report of eight words or more.
- `survivor`: a story that is clearly over (bot.safety.danger: it says how it ended, and nothing is still going
  on). Acknowledgement and the support and reintegration contacts, not the alarm.
- `none`: nothing to answer about danger; the intent classifier's answer stands.

Why classifiers decide inside a frame: a frame lowers the rules' certainty, it does not prove the words are
harmless. When neither classifier sees danger in a framed message ("the consulate kept my passport for the visa"),
it is answered plainly; when one does ("my boyfriend's bank card and my ID, he holds them lol"), the person is asked
(DIET only if the danger classifier does not doubt it, under `doubt_long`). Why the danger classifier may turn a
rule's alarm into a check-in: on text nobody here wrote, the rules' false alarms on everyday confinement ("stuck at
the airport gate", "mi mamá no me deja salir") come back in new words as fast as they are fixed (blind batches I to
L); the danger classifier, trained with the used batches' hard ordinary messages, rarely gives a cry for help told
at some length under 0.2, and a person in danger who is asked still sees the numbers. On a long message DIET is not
asked: on batch L it backed 9 of the rules' 15 false alarms ("held captive by IKEA"), and on L and M it never backed
a long cry for help the danger classifier doubted. On a short one both must doubt, and harder (0.15): there the
danger classifier weighs words, not a situation (the labelled set's "he punches me if i ask for my salary" gets
0.19, "me obligaron a trabajar 18 horas sin descanso" 0.17 with DIET sure). Chosen on batches L and M, which the
classifier had not learnt from (README). Why the danger classifier alone gives the alarm only when sure (0.9) and
DIET alone never: on L and M nothing ordinary reached 0.9 without danger words in a frame, while DIET alone misfires
on everyday messages with danger words ("mi hermana trabaja en un bar y está contenta").
This module is pure (no Rasa): bot.nlu.components.DangerBackstop applies it in the Rasa server.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.danger import FICTION, HYPOTHETICAL, JOKE, ONGOING, OVER, PLEA, ROUTINE, TRIVIAL, Assessment

EMERGENCY, CHECK_IN, SURVIVOR, NONE = "emergency", "check_in", "survivor", "none"
TIERS = (EMERGENCY, CHECK_IN, SURVIVOR, NONE)
# The layer that decided (as `danger_decision.by` has always named them).
RULES, BOTH, DANGER_CLASSIFIER = "rules", "both classifiers", "danger classifier"
INTENT_CLASSIFIER = "intent classifier"
# Named among a tier's frames when the classifiers doubted a rule's alarm.
DOUBTED = "doubted"
# Named among a tier's frames when the writer says they are already there, and so the danger classifier was heard
# over an offer's terms or a plain question (bot/nlu/components.py, DangerBackstop).
IN_IT = "in_it"


@dataclass(frozen=True)
class Thresholds:
    """Danger probabilities (DangerClassifier): `agreement` confirms the intent classifier's danger guess;
    `alone` is a danger classifier sure enough to be heard without it."""

    agreement: float = 0.5
    alone: float = 0.9
    # Under this, with DIET not saying danger either, a rule's alarm about a message of eight words or more is
    # doubted: the check-in instead...
    doubt: float = 0.15
    # ...and under this, whatever DIET says, about a message of `MIN_WORDS_FOR_DOUBT_ALONE` words or more.
    doubt_long: float = 0.2
    # DIET says danger and the danger classifier falls just short of `agreement`: the check-in about a message
    # long enough to be a report, with nothing around the words that makes them harmless.
    near_agreement: float = 0.4
    # The danger classifier this sure: a frame other than a joke, a film or an ending (`STILL_ASK`) no longer turns
    # its alarm into the check-in (an everyday object, a question or a trivial word the rules read around a report it
    # hears as danger; `unmistakable`).
    sure: float = 0.95
    # The danger classifier's lean alone gives the alarm, not the check-in, from this probability on a report of
    # `MIN_WORDS_FOR_DOUBT_ALONE` words or more with nothing around its words that makes them harmless.
    lean_long: float = 0.8


@dataclass(frozen=True)
class Tier:
    """The reply's tier, the layer that decided it (None: nothing did) and the frames that made it mixed."""

    name: str
    by: str | None = None
    frames: tuple[str, ...] = ()


# From this length the danger classifier's doubt alone turns a rule's alarm into the check-in (`doubt_long`).
MIN_WORDS_FOR_DOUBT_ALONE = 12
# The danger classifier's lean alone (0.5 to 0.9) asks "are you safe?" only about a message long enough to be a
# report: on a short question ("what is debt bondage?") a lean is the words, not a situation.
MIN_WORDS_FOR_A_LEAN = 8


# Frames that keep the check-in however sure the danger classifier is: a laugh, a story ("my mum 'sold' me to the
# neighbours for the weekend 😂" reached 0.98), or an ending the rules read: a survivor is asked, never alarmed,
# even when the danger classifier hears the story's words as danger.
STILL_ASK = frozenset({JOKE, FICTION, OVER})


def decide(
    reading: Assessment,
    intent_says_danger: bool,
    probability: float | None,
    thresholds: Thresholds = Thresholds(),
    words: int | None = None,
) -> Tier:
    """The tier of one message. `probability` is None when the pipeline has no danger classifier: the intent
    classifier then speaks for both, as before the danger classifier existed. `words`: the message's length in
    words, when known (a short message is not asked about on the danger classifier's lean alone)."""
    if reading.match is not None:
        doubted = probability is not None and words is not None and (
            (words >= MIN_WORDS_FOR_DOUBT_ALONE and probability < thresholds.doubt_long)
            or (words >= MIN_WORDS_FOR_A_LEAN and probability < thresholds.doubt and not intent_says_danger)
        )
        if doubted:
            # The danger classifier doubts the rules about a message long enough to tell a situation: ask, with the
            # numbers underneath, instead of the alarm. A short cry ("estoy secuestrado") keeps the alarm: on a
            # few words the classifiers weigh the words, and the danger classifier is weakest there.
            return Tier(CHECK_IN, RULES, (*reading.frames, DOUBTED))
        return Tier(EMERGENCY, RULES, reading.frames)
    frames = reading.frames
    if probability is None:
        both, alone, either = intent_says_danger, False, intent_says_danger
    else:
        both = intent_says_danger and probability >= thresholds.agreement
        alone = probability >= thresholds.alone
        either = intent_says_danger or probability >= thresholds.agreement
    backed_by = _layer(both, alone, intent_says_danger)
    # The danger classifier nearly sure (`lean_long`) about a message long enough to tell a situation.
    told_at_length = words is None or words >= MIN_WORDS_FOR_DOUBT_ALONE
    leaning_long = probability is not None and probability >= thresholds.lean_long
    # Sure beyond the frames the rules read: on the used batches Q to Y (which the danger classifier has not learnt),
    # 13 cries for help at 0.95 or more got the check-in because of a routine object, a trivial word or a question
    # read around the report ("does the shelter take men? ... owner keeps the keys to the dorm"), and no ordinary
    # message of the labelled set or of batches A to Y reached it with such a frame but a joke. An ending is not
    # overruled: a survivor is asked, never alarmed.
    unmistakable = probability is not None and probability >= thresholds.sure and not STILL_ASK & set(frames)
    # A laugh around danger still going on that both classifiers hear: the alarm. With a film, a game or an escape
    # room among the frames only when the danger classifier is beyond doubt: the used batches' cries for help that
    # came this way were at 0.98 and 0.99 ("haha my life is a movie 😂 boss took passport"), their escape rooms at
    # 0.58 and 0.74 ("escape room tonight!! theme is 'kidnapped in a basement' 😆", batch AB).
    laugh_going_on = (
        both
        and reading.present
        and set(frames) - {ONGOING, PLEA} <= {JOKE, FICTION}
        and (FICTION not in frames or probability is None or probability >= thresholds.sure)
    )
    if reading.over and PLEA in frames:
        # "Yes mom I'm fine... don't call this number back" (batch AA): an ending next to a plea is a disguise, not a
        # story that is over. Ask, with the numbers underneath.
        return Tier(CHECK_IN, RULES, frames)
    if reading.over and alone:
        # The rules read an ending ("...before i am free", "we want to go home but", "ya murio uno") where the
        # danger classifier is sure it goes on (batch P: three cries for help got the survivors' reply, at 0.99;
        # survivors' own updates stay far below 0.9): ask, with the numbers underneath.
        return Tier(CHECK_IN, backed_by, frames)
    if reading.over and (reading.set_aside or either):
        return Tier(SURVIVOR, RULES if reading.set_aside else backed_by, frames)
    if reading.set_aside:
        if TRIVIAL in frames and not {ROUTINE, HYPOTHETICAL} & set(frames) and not alone:
            # A trivial word inside a report the danger classifier leans to, told at length and not as a laugh or a
            # film: ask (batch AH's only miss, a building camp nobody may leave "hasta terminar el proyecto", read as
            # a school project, at 0.89). On the labelled set and batches A to AH no ordinary message came this way.
            if leaning_long and told_at_length and not {JOKE, FICTION} & set(frames):
                return Tier(CHECK_IN, DANGER_CLASSIFIER, frames)
            return Tier(NONE, None, frames)  # hyperbole: "my cat holds me hostage", "secuestrada por la tarea"
        if laugh_going_on:
            # A laugh around danger that is still going on, which both classifiers hear ("haha my life is a movie,
            # boss took passport... been here 9 months"): as in the classifiers' branch below.
            return Tier(EMERGENCY, BOTH, frames)
        # Danger words in a frame: ask when a classifier backs them, answer plainly when none does. DIET backs
        # them only when the danger classifier does not doubt them: DIET alone backed half of batch Q's jokes
        # about traffic, a lift, a gym contract or a game (danger probability 0.01 to 0.17).
        if unmistakable:
            return Tier(EMERGENCY, backed_by, frames)
        backed = either if probability is None else (
            probability >= thresholds.agreement or (intent_says_danger and probability >= thresholds.doubt_long)
        )
        return Tier(CHECK_IN, RULES, frames) if backed else Tier(NONE, None, frames)
    if reading.dismissed:
        # A question or a denial the rules recognised ("what if they take my passport when I get there?",
        # "nobody took my passport"): the classifiers reacted to the words alone... unless both are sure, which
        # they were about a threat told as "if" and a stranger's "she doesn't know where she is" (batch N): ask. Not
        # a hypothetical ("what if they take my passport when I get there?"): that is a question whatever they say.
        if both and alone and HYPOTHETICAL not in frames:
            # Both beyond doubt, the alarm: five cries for help of the used batches that the rules read as a
            # question got the check-in at 0.96 to 1.00 ("mi patrona me dijo que no puedo contestar el teléfono...
            # ¿ustedes ayudan a gente que no tiene papeles?"); no ordinary message of the labelled set or of batches A
            # to Y got here.
            return Tier(EMERGENCY if unmistakable else CHECK_IN, BOTH, frames)
        if PLEA in frames:
            # ...or a plea around the question: "I can't really talk, they're in the next room. is the help to start
            # over real?" (batch X).
            return Tier(CHECK_IN, RULES, frames)
        return Tier(NONE, None, frames)
    # A plea ("please someone answer", "no puedo hablar mucho") softens nothing: it only asks where nothing else would.
    softening = set(frames) - {ONGOING, PLEA}
    if both or alone:
        layer = BOTH if both else DANGER_CLASSIFIER
        if not softening:
            # Nothing around it: both classifiers agree, or the danger classifier is sure on its own (blind batches
            # L and M: at 0.9 alone it was right on every message it heard, "no puedo hablar. me tienen en un carro").
            return Tier(EMERGENCY, layer, frames)
        if laugh_going_on:
            # A laugh with the danger still going on ("jaja ... llevo 2 años sin salir").
            return Tier(EMERGENCY, layer, frames)
        if {JOKE, TRIVIAL} <= softening:
            return Tier(NONE, None, frames)  # a laugh about a trivial thing: "4 horas de vals en la boda 💀"
        if unmistakable:
            return Tier(EMERGENCY, layer, frames)
        return Tier(CHECK_IN, layer, frames)
    reported_at_length = words is None or words >= MIN_WORDS_FOR_A_LEAN
    near = probability is not None and intent_says_danger and probability >= thresholds.near_agreement
    if near and not softening and reported_at_length:
        # The classifiers nearly agree (batch R: a report in Jamaican Patois, "di man dem tek mi passport an mi
        # cyaan leave di hotel weh mi work", DIET danger, the danger classifier 0.46, the rules blind to the
        # spelling). On the labelled set and batches A to U this asks one ordinary message of 2,815, a
        # report about other people that turned out fine: ask, with the numbers underneath.
        return Tier(CHECK_IN, INTENT_CLASSIFIER, frames)
    if leaning_long and not softening and told_at_length:
        # A report told at length that the danger classifier is nearly sure of, with nothing around the words that
        # makes them harmless: on the used batches Q to Y, 8 cries for help at 0.85 to 0.9 got the check-in this way
        # (a neighbour's girl who shouted for help, a courier whose son is held "de visita") and no ordinary message
        # reached 0.8 on this path (the nearest: a survivor's offer to help, 0.72).
        return Tier(EMERGENCY, DANGER_CLASSIFIER, frames)
    if probability is not None and probability >= thresholds.agreement and not softening and reported_at_length:
        # The danger classifier alone, with nothing around the words that makes them harmless: mixed signals.
        # Ask, with the numbers underneath (blind batch G: long reports DIET took for out of scope). DIET alone
        # is not enough: it reacts to danger words in plain questions ("what is debt bondage?").
        return Tier(CHECK_IN, DANGER_CLASSIFIER, frames)
    if PLEA in frames or ONGOING in frames:
        # Only "please someone answer", or a story told as over that goes on ("I got out but he keeps calling
        # me"): ask, with the numbers underneath.
        return Tier(CHECK_IN, RULES, frames)
    return Tier(NONE, None, frames)


def _layer(both: bool, alone: bool, intent_says_danger: bool) -> str | None:
    if both:
        return BOTH
    if alone:
        return DANGER_CLASSIFIER
    return INTENT_CLASSIFIER if intent_says_danger else None
