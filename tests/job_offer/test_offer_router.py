"""Every pasted offer goes to the check, whatever DIET guessed; rights questions and short answers do not."""

from __future__ import annotations

import re

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.job_offer.routing import OfferDetector, default_rules
from bot.nlu.offer import OFFER_ROUTING, OfferRouter
from bot.paths import REPO_ROOT

J1_STYLE_OFFERS = [
    "🌴 HOTEL STAFF NEEDED – RIVIERA MAYA 🌴\n✅ Housekeeping\n💵 $1,800 USD a month + tips\n❌ No experience\n"
    "Pay your registration ($120) and message Karla on WhatsApp",
    "Se necesitan 50 muchachos de 18 a 35 años para trabajar en fabrica en Monterrey. Pago 4,000 pesos a la semana, "
    "casa y comida incluida. Salida el lunes.",
    "my cousin says a man in monterrey pays 500 dollars a week for working in a factory over there, you pay him back "
    "from your first checks. is that real??",
    "Green Valley Landscaping Inc. is hiring 25 landscape laborers under the H-2B program. Pay: $17.54/hour. "
    "The employer pays the visa and your transportation.",
    "Se busca muchacha para cuidar niños en Madrid, 1800 euros al mes. El pasaje lo pagamos nosotros y luego se "
    "descuenta del sueldo.",
]
RIGHTS_QUESTIONS = [
    "is it legal for my employer to keep my passport?",
    "can a boss keep my passport legally?",
    "¿es legal que el patrón se quede con mi pasaporte?",
    "tengo derecho a un contrato por escrito?",
]
NOT_OFFERS = [
    "yes they want 300 for the visa",
    "hola buenas tardes",
    "what is human trafficking?",
    "I don't know",
]


def _nlu_examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted((REPO_ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"^\s*-\s?", "", line).strip()
                if text and "intent" in block:
                    found.append((text, str(block["intent"]).split("/")[0]))
    return found


@pytest.fixture(scope="module")
def router() -> OfferRouter:
    return OfferRouter({}, None, None, OfferRouter.fitted(_nlu_examples()))


@pytest.mark.parametrize("text", J1_STYLE_OFFERS)
def test_pasted_offers_are_offers(router: OfferRouter, text: str) -> None:
    assert router.detector.decide(text).offer


@pytest.mark.parametrize("text", RIGHTS_QUESTIONS)
def test_a_question_about_rights_is_not_an_offer(router: OfferRouter, text: str) -> None:
    decision = router.detector.decide(text)
    assert decision.rights_question and not decision.offer


@pytest.mark.parametrize("text", NOT_OFFERS)
def test_answers_greetings_and_questions_are_not_offers(router: OfferRouter, text: str) -> None:
    assert not router.detector.decide(text).offer


def test_cues_are_counted_by_kind_without_a_model() -> None:
    detector = OfferDetector(default_rules())
    kinds = detector.kinds(J1_STYLE_OFFERS[0])
    assert {"job", "pay", "contact"} <= set(kinds)
    assert detector.kinds("hola") == ()


def _message(
    text: str, intent: str, confidence: float = 0.9, danger: float | None = None, ranking: list[str] = ()
) -> Message:
    data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}]
        + [{"name": n, "confidence": 0.05} for n in ranking],
        "entities": [],
    }
    if danger is not None:
        data["danger_probability"] = danger
    return Message(data=data)


def test_an_offer_diet_took_for_a_card_goes_to_the_check_and_the_record_holds_no_words(router: OfferRouter) -> None:
    message = _message(J1_STYLE_OFFERS[0], "faq", ranking=["out_of_scope"])
    router.process([message])
    assert message.get("intent") == {"name": "ask_job_offer_safe", "confidence": 1.0}
    assert all(r["confidence"] == 0.0 for r in message.get("intent_ranking")[1:])
    record = message.get(OFFER_ROUTING)
    assert record["routed"] == "ask_job_offer_safe" and record["intent_classifier"] == "faq"
    assert not any(isinstance(v, str) and "Karla" in v for v in record.values())


def test_an_offer_diet_was_unsure_of_is_made_sure_so_the_fallback_cannot_take_it(router: OfferRouter) -> None:
    """Blind batch J4: DIET's 0.54 for a long paste fell under the fallback's 0.55 and the offer got "I didn't
    understand", though the router read an offer."""
    unsure = _message(J1_STYLE_OFFERS[3], "ask_job_offer_safe", confidence=0.54, ranking=["faq"])
    question = _message(NOT_OFFERS[2], "ask_job_offer_safe", confidence=0.54, ranking=["faq"])
    router.process([unsure, question])
    assert unsure.get("intent") == {"name": "ask_job_offer_safe", "confidence": 1.0}
    assert unsure.get(OFFER_ROUTING)["routed"] == "ask_job_offer_safe"
    assert question.get("intent")["confidence"] == 0.54


def test_danger_backed_by_the_danger_classifier_is_left_to_the_backstop(router: OfferRouter) -> None:
    backed = _message(J1_STYLE_OFFERS[4], "report_danger", danger=0.8)
    unbacked = _message(J1_STYLE_OFFERS[4], "report_danger", danger=0.2)
    router.process([backed, unbacked])
    assert backed.get("intent")["name"] == "report_danger"
    assert unbacked.get("intent")["name"] == "ask_job_offer_safe"


def test_a_rights_question_diet_took_for_an_offer_goes_to_the_cards(router: OfferRouter) -> None:
    message = _message(RIGHTS_QUESTIONS[0], "ask_job_offer_safe", ranking=["faq"])
    router.process([message])
    assert message.get("intent")["name"] == "faq"


def test_an_offer_is_answered_in_its_own_language_not_in_one_it_names(router: OfferRouter) -> None:
    text = J1_STYLE_OFFERS[3] + " You get a copy of the job order in Spanish before you apply."
    message = _message(text, "ask_job_offer_safe")
    message.set("entities", [{"entity": "language", "value": "es", "start": 0, "end": len(text)}])
    router.process([message])
    assert [e["value"] for e in message.get("entities") if e["entity"] == "language"] == ["en"]


def test_without_a_trained_router_nothing_changes() -> None:
    message = _message(J1_STYLE_OFFERS[0], "faq")
    OfferRouter({}, None, None, None).process([message])
    assert message.get("intent")["name"] == "faq" and message.get(OFFER_ROUTING) is None


def test_an_edit_to_the_labelled_offers_retrains_the_router_not_the_cached_one(tmp_path, monkeypatch) -> None:
    """Rasa reuses a cached component unless its fingerprint changes; the router learns from a file Rasa does not
    see, so that file is part of the fingerprint (without it, a new labelled offer never reached the model)."""
    import shutil

    import bot.job_offer.labelled as labelled
    from bot.nlu.offer import OfferRouter

    copy = tmp_path / "labelled_offers.yml"
    shutil.copy2(labelled.TRAINING_FILE, copy)
    monkeypatch.setattr(labelled, "TRAINING_FILE", copy)
    before = OfferRouter.fingerprint_addon({})
    assert OfferRouter.fingerprint_addon({}) == before  # stable: an unchanged file keeps the cache
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert OfferRouter.fingerprint_addon({}) != before


# People already in the job, in this file's words: in danger now, not asking about an offer (blind batches L to O:
# DIET and the router took such messages for offers, and the job-offer check answered instead of the emergency reply).
ALREADY_IN_IT = [
    "i work as a live-in nanny in dubai, madam keeps my passport, no day off in 5 months and she pays me 150",
    "trabajo en un bar en Panama, el dueño dice que tengo que salir con clientes o me descuenta, dormimos en la bodega",
]


def _listed(component: str, key: str) -> list[str]:
    config = yaml.safe_load((REPO_ROOT / "config.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in config["pipeline"] if s["name"] == component]
    return list(step.get(key) or [])


def test_the_router_learns_from_the_same_used_danger_batches_as_the_danger_classifier() -> None:
    listed = _listed("bot.nlu.offer.OfferRouter", "not_offers_from")
    assert listed and listed == _listed("bot.nlu.components.DangerClassifier", "examples_from")


@pytest.fixture(scope="module")
def taught_router() -> OfferRouter:
    config = {"not_offers_from": _listed("bot.nlu.offer.OfferRouter", "not_offers_from")}
    return OfferRouter(config, None, None, OfferRouter.fitted(_nlu_examples(), config))


@pytest.mark.parametrize("text", ALREADY_IN_IT)
def test_someone_already_in_the_job_is_less_of_an_offer_once_the_router_learns_the_danger_batches(
    router: OfferRouter, taught_router: OfferRouter, text: str
) -> None:
    assert taught_router.detector.probability(text) < router.detector.probability(text) - 0.2


def test_someone_already_in_the_job_is_not_an_offer(taught_router: OfferRouter) -> None:
    # Not yet every such message: "i work as a live-in nanny in dubai, madam keeps my passport..." still reads as
    # an offer (0.58), and a rule's alarm on it is left to the job-offer check (README, known weaknesses).
    assert not taught_router.detector.decide(ALREADY_IN_IT[1]).offer


@pytest.mark.parametrize("text", J1_STYLE_OFFERS)
def test_pasted_offers_stay_offers_once_the_router_learns_the_danger_batches(
    taught_router: OfferRouter, text: str
) -> None:
    assert taught_router.detector.decide(text).offer
