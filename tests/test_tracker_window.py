"""The tracker store loads a long session as a window (bot/privacy/tracker_store.py) and nothing else changes.

Two stores on two databases get the same conversation, turn by turn, as Rasa's processor gives it: one loads
the whole session (window_turns=0, Rasa's way), the other the window. After every turn both must hold the same
rows, and the windowed tracker must have the same slots, form, latest message and action, and give the policies
the same recent dialogue states as the whole one. Real SQLite files and real Rasa classes, no mocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import MIN_POLICY_ACTIONS, PrivateSQLTrackerStore

DOMAIN_YAML = """
version: "3.1"
intents: [greet, inform, faq, thank, forget_me, nlu_fallback]
entities: [country]
slots:
  language:
    type: categorical
    values: [en, es]
    influence_conversation: true
    mappings: [{type: custom}]
  country:
    type: text
    influence_conversation: true
    mappings: [{type: custom}]
  need:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  pay:
    type: text
    influence_conversation: true
    mappings: [{type: custom}]
forms:
  job_offer_form:
    required_slots: [pay]
responses:
  utter_greet: [{text: "hi"}]
  utter_faq: [{text: "card"}]
  utter_welcome: [{text: "you're welcome"}]
  utter_ask_rephrase: [{text: "rephrase?"}]
  utter_forgotten: [{text: "Done, I deleted our conversation."}]
actions: [action_find_help]
"""

WINDOW = 3  # small, so short test conversations already use the window
_clock = iter(range(1_000_000))


def now() -> float:
    return 1_700_000_000.0 + next(_clock)


@pytest.fixture
def domain() -> Domain:
    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture
def stores(tmp_path: Path, domain: Domain) -> tuple[PrivateSQLTrackerStore, PrivateSQLTrackerStore]:
    whole = PrivateSQLTrackerStore(domain, db=str(tmp_path / "whole.sqlite"), background=False, window_turns=0)
    window = PrivateSQLTrackerStore(domain, db=str(tmp_path / "window.sqlite"), background=False, window_turns=WINDOW)
    return whole, window


def rows(store: PrivateSQLTrackerStore, sender_id: str) -> list[tuple]:
    with store.engine.connect() as connection:
        table = store.SQLEvent.__table__
        query = sa.select(table.c.type_name, table.c.intent_name, table.c.action_name, table.c.data)
        return list(connection.execute(query.where(table.c.sender_id == sender_id).order_by(table.c.id)))


def action(name: str, hidden: bool = False) -> ActionExecuted:
    return ActionExecuted(name, policy="policy_1_TEDPolicy", confidence=0.9, timestamp=now(), hide_rule_turn=hidden)


def user(text: str, intent: str = "faq", entities: list | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, entities=entities or [], timestamp=now())


def turn(text: str, intent: str = "faq", reply: str = "utter_faq", hidden: bool = False, extra=()) -> list[Event]:
    """What one user turn adds after the tracker is loaded (Rasa's order: the message, actions, replies)."""
    return [
        user(text, intent),
        *extra,
        action(reply, hidden),
        BotUttered(reply, timestamp=now()),
        action("action_listen", hidden),
    ]


async def play(stores, sender_id: str, events: list[Event], domain: Domain) -> list[DialogueStateTracker]:
    """Both stores load the conversation, get the same new events, save; returns the two trackers as loaded."""
    loaded = []
    for store in stores:
        tracker = await store.get_or_create_tracker(sender_id, append_action_listen=False)
        loaded.append(tracker)
        copy_of = [Event.from_parameters(e.as_dict()) for e in events]
        for event in copy_of:
            tracker.update(event)
        await store.save(tracker)
    return loaded


async def start(stores, sender_id: str, domain: Domain) -> None:
    opening = [
        action("action_session_start"),
        SessionStarted(timestamp=now()),
        action("action_listen"),
    ]
    await play(stores, sender_id, opening, domain)


def same_state(whole: DialogueStateTracker, window: DialogueStateTracker, domain: Domain) -> None:
    assert window.current_slot_values() == whole.current_slot_values()
    assert {n: s.has_been_set for n, s in window.slots.items()} == {n: s.has_been_set for n, s in whole.slots.items()}
    assert window.active_loop == whole.active_loop
    assert window.latest_action_name == whole.latest_action_name
    assert window.latest_message.as_dict() == whole.latest_message.as_dict() or not whole.latest_message.text
    assert window.is_paused() == whole.is_paused()
    # What the policies read: the last dialogue states, as the rule policy (all turns) and the ML policies (rule-only
    # turns left out) build them; memoization and TED keep at most 5, the longest rule is 3.
    assert window.past_states(domain)[-6:] == whole.past_states(domain)[-6:]
    assert (
        window.past_states(domain, ignore_rule_only_turns=True)[-6:]
        == whole.past_states(domain, ignore_rule_only_turns=True)[-6:]
    )


async def test_a_long_conversation_is_loaded_as_a_window_with_the_same_state(stores, domain: Domain) -> None:
    whole_store, window_store = stores
    await start(stores, "ana", domain)
    script = [
        turn("hola", "greet", "utter_greet", extra=[SlotSet("language", "es", timestamp=now())]),
        turn("estoy en mexico", "inform", "action_find_help", extra=[SlotSet("country", "MX", timestamp=now())]),
        turn("necesito abogado", "inform", "action_find_help", extra=[SlotSet("need", "legal", timestamp=now())]),
        turn("gracias", "thank", "utter_welcome", hidden=True),
        turn("ok", "thank", "utter_welcome", hidden=True),
    ]
    for index in range(80):
        events = script[index % len(script)]
        if index == 7:  # a slot reset to nothing is still "set" for the policies
            events = [*events[:1], SlotSet("need", None, timestamp=now()), *events[1:]]
        whole, window = await play(stores, "ana", events, domain)
        same_state(whole, window, domain)
        assert rows(window_store, "ana") == rows(whole_store, "ana")
    assert len(whole.events) > 350
    assert len(window.events) < 120, "a long session must not be loaded whole"
    # The window ends with what the whole session ends with.
    tail = [e.as_dict() for e in list(whole.events)[-20:]]
    assert [e.as_dict() for e in list(window.events)[-20:]] == tail


async def test_saving_a_windowed_tracker_stores_exactly_the_new_events(stores, domain: Domain) -> None:
    whole_store, window_store = stores
    await start(stores, "luis", domain)
    for _ in range(3 * WINDOW + MIN_POLICY_ACTIONS):
        await play(stores, "luis", turn("what is trafficking?"), domain)
    before = len(rows(window_store, "luis"))
    tracker = await window_store.retrieve("luis")
    assert len(tracker.events) < before
    for event in turn("and forced labour?"):
        tracker.update(event)
    await window_store.save(tracker)
    assert len(rows(window_store, "luis")) == before + 4
    await window_store.save(tracker)  # saved twice (Rasa does not, but nothing is stored twice)
    assert len(rows(window_store, "luis")) == before + 4


async def test_forget_me_after_a_windowed_load_still_deletes_everything(stores, domain: Domain) -> None:
    _, window_store = stores
    await start(stores, "eva", domain)
    for _ in range(3 * WINDOW + MIN_POLICY_ACTIONS):
        await play(stores, "eva", turn("my number is 5512345678"), domain)
    tracker = await window_store.retrieve("eva")
    assert len(tracker.events) < len(rows(window_store, "eva"))
    tracker.update(user("forget me", "forget_me"))
    tracker.update(action("utter_forgotten"))
    await window_store.save(tracker)
    assert rows(window_store, "eva") == []
    assert await window_store.retrieve("eva") is None


async def test_an_active_form_where_the_window_would_start_loads_the_whole_session(stores, domain) -> None:
    whole_store, window_store = stores
    await start(stores, "rosa", domain)
    await play(stores, "rosa", turn("check this offer", "inform", "job_offer_form",
                                    extra=[ActiveLoop("job_offer_form", timestamp=now())]), domain)  # fmt: skip
    for index in range(3 * WINDOW + MIN_POLICY_ACTIONS):
        whole, window = await play(stores, "rosa", turn(f"{index} dollars", "inform", "job_offer_form"), domain)
        same_state(whole, window, domain)
    assert window.active_loop_name == "job_offer_form"
    assert len(window.events) == len(whole.events)  # the form is still active: nothing left out
    await play(stores, "rosa", turn("done", "inform", "utter_faq", extra=[ActiveLoop(None, timestamp=now())]), domain)
    for _ in range(3 * WINDOW + MIN_POLICY_ACTIONS):
        whole, window = await play(stores, "rosa", turn("thanks", "thank", "utter_welcome"), domain)
        same_state(whole, window, domain)
    assert window.active_loop_name is None and len(window.events) < len(whole.events)
    assert rows(window_store, "rosa") == rows(whole_store, "rosa")


async def test_reverted_turns_before_the_window_are_replayed(stores, domain: Domain) -> None:
    whole_store, window_store = stores
    await start(stores, "teo", domain)
    await play(stores, "teo", turn("soy de guatemala", "inform", "utter_faq",
                                   extra=[SlotSet("country", "GT", timestamp=now())]), domain)  # fmt: skip
    # A two-stage fallback reverts the message, and the slot it set with it.
    await play(stores, "teo", [user("asdf", "nlu_fallback"), SlotSet("country", "XX", timestamp=now()),
                               action("action_default_ask_affirmation"), UserUtteranceReverted(timestamp=now()),
                               action("action_listen")], domain)  # fmt: skip
    for _ in range(3 * WINDOW + MIN_POLICY_ACTIONS):
        whole, window = await play(stores, "teo", turn("what is trafficking?"), domain)
        same_state(whole, window, domain)
    assert window.get_slot("country") == "GT"
    assert len(window.events) < len(whole.events)


async def test_a_short_conversation_is_loaded_whole(stores, domain: Domain) -> None:
    await start(stores, "sol", domain)
    for _ in range(2):
        whole, window = await play(stores, "sol", turn("hola", "greet", "utter_greet"), domain)
    assert [e.as_dict() for e in window.events] == [e.as_dict() for e in whole.events]


async def test_only_what_the_window_needs_is_read_from_the_database(stores, domain: Domain) -> None:
    """Before the window, user and bot rows are not fetched with their text (only their type and names)."""
    _, window_store = stores
    await start(stores, "ivan", domain)
    for index in range(6 * WINDOW + MIN_POLICY_ACTIONS):
        await play(stores, "ivan", turn(f"message number {index}"), domain)
    statements: list[str] = []
    sa.event.listen(window_store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: statements.append(statement))  # fmt: skip
    tracker = await window_store.retrieve("ivan")
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts and "message number 0" not in texts
    # The light query over the session, then the window's rows (in steps, if the window had to grow).
    assert "CASE" in statements[0].upper()
    assert len(statements) >= 2 and all("events.id >=" in statement for statement in statements[1:])
    stored = [json.loads(data) for *_, data in rows(window_store, "ivan") if data]
    assert any(e.get("text") == "message number 0" for e in stored)  # still stored, just not loaded


def test_events_are_read_back_as_rasa_reads_them() -> None:
    from rasa.shared.core.events import (
        ActionExecutionRejected,
        ActionReverted,
        AllSlotsReset,
        ConversationPaused,
        ConversationResumed,
        DefinePrevUserUtteredFeaturization,
        EntitiesAdded,
        FollowupAction,
        LoopInterrupted,
        ReminderScheduled,
        Restarted,
        deserialise_events,
    )

    from bot.privacy.tracker_store import _deserialise

    events = [
        action("action_listen"),
        user("estoy en mexico", "inform", [{"entity": "country", "value": "MX", "start": 10, "end": 16}]),
        DefinePrevUserUtteredFeaturization(False),
        EntitiesAdded([{"entity": "country", "value": "MX"}]),
        SlotSet("country", "MX"),
        BotUttered("hola", {"buttons": [{"title": "a", "payload": "/a"}]}, {"utter_action": "utter_greet"}),
        ActiveLoop("job_offer_form"),
        LoopInterrupted(True),
        ActionExecutionRejected("job_offer_form"),
        FollowupAction("utter_faq"),
        ConversationPaused(),
        ConversationResumed(),
        ActionReverted(),
        UserUtteranceReverted(),
        AllSlotsReset(),
        Restarted(),
        SessionStarted(),
        ReminderScheduled("greet", __import__("datetime").datetime(2030, 1, 1), name="r"),
    ]
    stored = [json.loads(json.dumps(event.as_dict())) for event in events]
    assert [e.as_dict() for e in _deserialise(stored)] == [e.as_dict() for e in deserialise_events(stored)]


# --------------------------------------------------------------------------------- with the trained model

LONG_CONVERSATION = [
    "hola",
    "what is human trafficking?",
    "me ofrecieron trabajo en canada pero me piden 500 dolares para la visa, es normal?",
    "no sé",
    "sí",
    "no",
    "gracias",
    "asdfgh qwerty",
    "zxcvb",
    "¿qué es el trabajo forzoso?",
    "they took my passport and won't let me leave",
    "I'm safe, I have a question",
    "where can I get help in Mexico?",
    "estoy en Guatemala",
    "in English please",
    "what are my rights as a domestic worker?",
    "ok",
    "🙏",
    "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport",
    "yes",
    "I don't know",
    "no",
    "thanks",
    "bye",
]


@pytest.mark.rasa_server
async def test_the_assistant_answers_the_same_with_the_window(tmp_path: Path) -> None:
    """The trained assistant, one long conversation, once with each store: the same reply to every message, the
    same rows stored, the same slots at the end."""
    from rasa.core.agent import Agent

    from tests.server import MODEL

    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    agent = Agent.load(str(MODEL))
    whole = PrivateSQLTrackerStore(agent.domain, db=str(tmp_path / "whole.sqlite"), window_turns=0)
    window = PrivateSQLTrackerStore(agent.domain, db=str(tmp_path / "window.sqlite"), window_turns=WINDOW)

    def use(store: PrivateSQLTrackerStore) -> None:
        agent.tracker_store = agent.processor.tracker_store = store

    def without_ids(value):  # times and message ids differ from one run to the other
        if isinstance(value, dict):
            return {k: without_ids(v) for k, v in value.items() if k not in ("timestamp", "message_id")}
        return [without_ids(v) for v in value] if isinstance(value, list) else value

    def comparable(store: PrivateSQLTrackerStore) -> list[tuple]:
        return [(t, i, a, without_ids(json.loads(data))) for t, i, a, data in rows(store, "long")]

    loaded_sizes = []
    for message in LONG_CONVERSATION * 3:
        replies = []
        for store in (whole, window):
            use(store)
            replies.append(await agent.handle_text(message, sender_id="long"))
        assert replies[1] == replies[0], message
        loaded_sizes.append(len((await window.retrieve("long")).events))
    assert comparable(window) == comparable(whole)
    assert (await window.retrieve("long")).current_slot_values() == (await whole.retrieve("long")).current_slot_values()
    assert min(loaded_sizes[-10:]) < len((await whole.retrieve("long")).events) / 2, "the window was never used"


async def test_the_assistants_own_texts_are_masked_once_and_nothing_a_person_wrote_is_kept(tmp_path: Path) -> None:
    """Replies and cards come back in every turn's events; their masked form is remembered (the same as masking
    them again), and only theirs: the person's words are masked afresh each time and never kept in memory."""
    from bot.privacy.events import mask_event_dict
    from bot.privacy.masking import mask_text

    card = "Call 800 5533 000 or write to help@example.org"
    hotline = f'responses:\n  utter_hotline: [{{text: "{card}"}}]\n'
    domain = Domain.from_yaml(DOMAIN_YAML.replace("responses:\n", hotline))
    store = PrivateSQLTrackerStore(domain, db=str(tmp_path / "own.sqlite"), background=False)
    person = "my number is 5512345678, the card said: Call 800 5533 000"
    for _ in range(3):
        tracker = await store.get_or_create_tracker("lu", append_action_listen=False)
        tracker.model_id, tracker.assistant_id = "8c1f0a9d2b7e4c3f9a6d5e4b3c2a1f0e", "counter-trafficking-assistant"
        parse = {"intent": {"name": "faq", "confidence": 1.0}, "text": person, "entities": [],
                 "response_selector": {"faq": {"response": {"responses": [{"text": card}]}}}}  # fmt: skip
        events = [UserUttered(person, parse["intent"], [], parse, timestamp=now()), action("utter_hotline"),
                  BotUttered(card, metadata={"model_id": tracker.model_id}, timestamp=now())]  # fmt: skip
        for event in events:
            tracker.update(event)
        await store.save(tracker)
        stored = [json.loads(data) for *_, data in rows(store, "lu")][-3:]
        assert stored == [json.loads(json.dumps(mask_event_dict(e.as_dict(), mask_text))) for e in events]
    remembered = {text for text, _ in store._masked_own_texts}
    assert card in remembered and remembered <= {card, tracker.model_id, tracker.assistant_id}
    assert "[phone]" in json.dumps(stored) and "5512345678" not in json.dumps(stored)
