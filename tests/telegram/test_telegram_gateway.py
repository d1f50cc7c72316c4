"""End to end: a Telegram user (Bot API stand-in) -> the real PTB gateway -> Rasa (stand-in) and back."""

from __future__ import annotations

import logging
import time

import pytest
from telegram_fakes import LONG_PAYLOAD, RASA_TIMEOUT, SENDER_KEY, FakeBotAPI, FakeRasa, wait_until

from bot.channels.telegram.gateway import sender_id
from bot.channels.telegram.texts import Texts

TEXTS = Texts.load()
pytestmark = pytest.mark.usefixtures("gateway")


def keyboard(message: dict) -> list[dict]:
    """The inline buttons of a sent message, flattened."""
    return [button for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for button in row]


@pytest.mark.parametrize(
    ("language_code", "payload", "greeting"),
    [
        ("es", '/greet{"language":"es"}', "¡Hola!"),
        ("es-419", '/greet{"language":"es"}', "¡Hola!"),
        ("en-GB", '/greet{"language":"en"}', "Hi!"),
        ("fr", "/greet", "Hi!"),
        (None, "/greet", "Hi!"),
    ],
)
async def test_start_greets_in_the_language_of_the_telegram_app(
    bot_api: FakeBotAPI, rasa: FakeRasa, language_code, payload, greeting
):
    bot_api.text(501, "/start", language_code=language_code)

    [reply] = await bot_api.wait_for_messages(501)
    assert rasa.messages() == [payload]
    assert reply["text"].startswith(greeting)


async def test_spanish_question_is_relayed_verbatim_and_answered(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(502, "¿Qué es la trata de personas?", language_code="es")

    [reply] = await bot_api.wait_for_messages(502)
    assert rasa.messages() == ["¿Qué es la trata de personas?"]
    assert reply["text"].startswith("La trata de personas es")
    assert "parse_mode" not in reply  # Rasa's text can echo the user's words: never interpret it
    # "typing..." was shown while Rasa worked
    typing = [p for p in bot_api.called("sendChatAction") if p["chat_id"] == 502]
    assert typing and typing[0]["action"] == "typing"


async def test_help_and_forget_commands_map_to_intents(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(503, "/help")
    await bot_api.wait_for_messages(503, 1)
    bot_api.text(503, "/forget")
    await bot_api.wait_for_messages(503, 2)
    assert rasa.messages() == ["/what_can_you_do", "/forget_me"]


async def test_button_press_is_answered_and_its_payload_relayed(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(504, "/help")
    [menu] = await bot_api.wait_for_messages(504)
    buttons = keyboard(menu)
    assert [b["text"] for b in buttons] == ["Check a job offer", "Find help"]
    for button in buttons:  # Telegram refuses callback_data over 64 bytes; the payload stays with us
        assert len(button["callback_data"].encode()) <= 64
        assert "inform" not in button["callback_data"]

    press = bot_api.press(504, buttons[0]["callback_data"])

    await bot_api.wait_for_messages(504, 2)
    assert rasa.messages() == ["/what_can_you_do", LONG_PAYLOAD]
    assert press["callback_query"]["id"] in [p["callback_query_id"] for p in bot_api.called("answerCallbackQuery")]
    assert bot_api.texts_to(504)[1] == f"You said: {LONG_PAYLOAD}"


async def test_unknown_or_expired_button_gets_a_kind_message(bot_api: FakeBotAPI, rasa: FakeRasa):
    press = bot_api.press(505, "b:doesnotexist", language_code="es")

    [reply] = await bot_api.wait_for_messages(505)
    assert reply["text"] == TEXTS.get("es", "button_expired")
    assert [p["callback_query_id"] for p in bot_api.called("answerCallbackQuery")] == [press["callback_query"]["id"]]
    assert rasa.received == []


async def test_language_menu_switches_rasa_and_the_gateway_texts(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(506, "/language", language_code="es")
    [menu] = await bot_api.wait_for_messages(506)
    assert menu["text"] == TEXTS.get("es", "choose_language")
    buttons = {b["text"]: b["callback_data"] for b in keyboard(menu)}
    assert set(buttons) == {"English", "Español"}

    bot_api.press(506, buttons["English"], language_code="es")
    await bot_api.wait_for_messages(506, 2)
    assert rasa.messages() == ['/switch_language{"language":"en"}']

    # The Telegram app is still Spanish, but the person chose English: the gateway's own texts follow.
    bot_api.message(506, language_code="es", sticker={
        "file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
        "is_animated": False, "is_video": False, "type": "regular",
    })
    await bot_api.wait_for_messages(506, 3)
    assert bot_api.texts_to(506)[2] == TEXTS.get("en", "unsupported", "sticker")


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("photo", {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}],
                   "caption": "/restart"}),
        ("voice", {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}),
        ("document", {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "contrato.pdf"}}),
        ("location", {"location": {"latitude": 14.6, "longitude": -90.5}}),
        ("video", {"video": {"file_id": "w", "file_unique_id": "w", "width": 1, "height": 1, "duration": 2}}),
    ],
)
@pytest.mark.parametrize("language", ["es", "en"])
async def test_media_gets_a_kind_reply_in_the_users_language(
    bot_api: FakeBotAPI, rasa: FakeRasa, kind, content, language
):
    bot_api.message(507, language_code=language, **content)

    [reply] = await bot_api.wait_for_messages(507)
    assert reply["text"] == TEXTS.get(language, "unsupported", kind)
    assert rasa.received == []


@pytest.mark.parametrize(
    ("typed", "relayed"),
    [
        ("/restart", "restart"),
        ('/inform{"country":"US"}', 'inform{"country":"US"}'),
        ("  // /greet", "greet"),
        ("/forget_me", "forget_me"),
        ("/start@another_bot", "start@another_bot"),
    ],
)
async def test_typed_slash_text_never_reaches_rasa_as_a_payload(
    bot_api: FakeBotAPI, rasa: FakeRasa, typed, relayed
):
    bot_api.text(508, typed)

    await bot_api.wait_for_messages(508)
    assert rasa.messages() == [relayed]


async def test_only_slashes_gets_the_help_text_and_nothing_reaches_rasa(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(509, " / // ", language_code="es")

    [reply] = await bot_api.wait_for_messages(509)
    assert reply["text"] == TEXTS.get("es", "help")
    assert rasa.received == []


@pytest.mark.parametrize("language", ["en", "es"])
async def test_rasa_down_gives_an_apology_with_emergency_numbers_in_time(
    bot_api: FakeBotAPI, rasa: FakeRasa, language
):
    await rasa.stop()
    sent = time.monotonic()
    bot_api.text(510, "someone took my passport", language_code=language)

    [reply] = await bot_api.wait_for_messages(510, timeout=RASA_TIMEOUT + 2)
    assert time.monotonic() - sent < RASA_TIMEOUT + 2
    assert reply["text"] == TEXTS.get(language, "rasa_unavailable")
    for number in ("911", "110", "118", "104"):
        assert number in reply["text"]


async def test_rasa_too_slow_gives_the_apology_within_the_timeout(bot_api: FakeBotAPI, rasa: FakeRasa):
    rasa.delay = RASA_TIMEOUT + 3
    sent = time.monotonic()
    bot_api.text(511, "I need help", language_code="es")

    [reply] = await bot_api.wait_for_messages(511, timeout=RASA_TIMEOUT + 2)
    assert time.monotonic() - sent < RASA_TIMEOUT + 2
    assert "911" in reply["text"] and reply["text"] == TEXTS.get("es", "rasa_unavailable")


async def test_next_message_works_once_rasa_is_back(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(512, "hello")
    await bot_api.wait_for_messages(512, 1)
    await rasa.stop()
    bot_api.text(512, "are you there?")
    await bot_api.wait_for_messages(512, 2, timeout=RASA_TIMEOUT + 2)
    assert "911" in bot_api.texts_to(512)[1]

    await rasa.start()  # same port, no gateway restart
    bot_api.text(512, "hello again")

    await bot_api.wait_for_messages(512, 3)
    assert bot_api.texts_to(512)[2] == "You said: hello again"


async def test_rasa_never_sees_the_telegram_id(bot_api: FakeBotAPI, rasa: FakeRasa):
    bot_api.text(987654321, "hello")
    bot_api.text(987654322, "hello")
    await bot_api.wait_for_messages(987654321)
    await bot_api.wait_for_messages(987654322)
    bot_api.text(987654321, "again")
    await bot_api.wait_for_messages(987654321, 2)

    by_text = {}
    for body in rasa.received:
        by_text.setdefault(body["message"], []).append(body["sender"])
    first, second = by_text["hello"]
    assert "987654321" not in first and "987654322" not in second
    assert len(first) == 32 and first != second
    assert sender_id(SENDER_KEY, 987654321) in (first, second)
    assert by_text["again"] == [sender_id(SENDER_KEY, 987654321)]  # stable: the conversation continues


async def test_long_answer_is_split_and_buttons_come_last(bot_api: FakeBotAPI):
    bot_api.text(513, "long answer")

    messages = await wait_until(
        lambda: bot_api.sent_to(513) if any(keyboard(m) for m in bot_api.sent_to(513)) else None,
        what="the split answer",
    )
    assert len(messages) >= 2
    assert all(len(m["text"]) <= 4096 for m in messages)
    assert [bool(keyboard(m)) for m in messages] == [False] * (len(messages) - 1) + [True]
    assert sum(len(m["text"]) for m in messages) > 4096


async def test_buttons_without_text_and_empty_answers_are_never_silent(bot_api: FakeBotAPI):
    bot_api.text(514, "buttons only", language_code="es")
    [choice] = await bot_api.wait_for_messages(514)
    assert choice["text"] == TEXTS.get("es", "choose_option") and keyboard(choice)

    # An empty answer means Rasa failed inside (no model, an error): the person gets the numbers, not "I'm here".
    bot_api.text(514, "nothing", language_code="es")
    await bot_api.wait_for_messages(514, 2)
    assert bot_api.texts_to(514)[1] == TEXTS.get("es", "rasa_unavailable")
    assert "911" in bot_api.texts_to(514)[1] and "123" in bot_api.texts_to(514)[1]


async def test_a_slow_answer_for_one_person_does_not_hold_up_another(bot_api: FakeBotAPI, rasa: FakeRasa):
    rasa.delays["slow question"] = RASA_TIMEOUT - 0.3
    bot_api.text(515, "slow question")
    await wait_until(lambda: rasa.received, what="the slow question at Rasa")
    bot_api.text(516, "quick question")

    await bot_api.wait_for_messages(516, timeout=RASA_TIMEOUT - 0.4)
    assert bot_api.sent_to(515) == []
    await bot_api.wait_for_messages(515)


async def test_one_chat_gets_a_short_burst_then_about_one_message_a_second(bot_api: FakeBotAPI):
    bot_api.text(517, "several answers")

    await bot_api.wait_for_messages(517, 5, timeout=6)
    times = [t for name, params, t in bot_api.calls if name == "sendMessage" and params["chat_id"] == 517]
    assert bot_api.texts_to(517) == [f"Part {n}" for n in range(1, 6)]  # in order
    assert times[-1] - times[0] >= 1.5  # five messages cannot all go out at once


async def test_command_menu_is_set_in_every_language(bot_api: FakeBotAPI):
    menus = {p.get("language_code"): p["commands"] for p in bot_api.called("setMyCommands")}
    assert set(menus) >= {None, "en", "es"}
    assert [c["command"] for c in menus["es"]] == ["start", "help", "language", "forget"]
    assert menus["es"][3]["description"] == TEXTS.get("es", "commands", "forget")


async def test_message_text_is_not_logged_above_debug(bot_api: FakeBotAPI, caplog):
    words = "my employer locked me in the house"
    with caplog.at_level(logging.DEBUG):
        bot_api.text(518, words)
        bot_api.message(518, location={"latitude": 14.6, "longitude": -90.5})
        await bot_api.wait_for_messages(518, 2)
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any(r.name.startswith("bot.channels.telegram") and r.levelno == logging.INFO for r in caplog.records)
    assert not any(words in line or "14.6" in line or "518" in line for line in loud)


def _message_ids(bot_api: FakeBotAPI, chat_id: int) -> set[int]:
    """Ids of the messages the person sent in the chat so far."""
    messages = [u["message"] for u in bot_api._updates if "message" in u]
    return {m["message_id"] for m in messages if m["chat"]["id"] == chat_id}


@pytest.mark.parametrize("how", ["/forget", "forget me"])
async def test_forget_deletes_the_chats_messages_from_telegram(bot_api: FakeBotAPI, rasa: FakeRasa, how: str):
    bot_api.text(520, "my name is Ana and I live at 5th street")
    await bot_api.wait_for_messages(520, 1)
    bot_api.text(520, "hello again")
    await bot_api.wait_for_messages(520, 2)
    before = _message_ids(bot_api, 520)
    sent_before = len(bot_api.sent_to(520))

    bot_api.text(520, how)
    await bot_api.wait_for_messages(520, sent_before + 2)

    deleted = set(bot_api.deleted[520])
    assert before <= deleted  # the person's earlier messages are gone from the phone
    assert _message_ids(bot_api, 520) <= deleted  # ... and so is the forget request itself
    assert len(deleted) >= len(before) + sent_before  # and the bot's replies
    texts = bot_api.texts_to(520)
    assert "Done, I deleted our conversation." in texts[sent_before:]
    assert texts[-1] == TEXTS.get("en", "forget_done").format(count=len(deleted))
    assert "48 hours" in texts[-1] and "delete this chat in Telegram" in texts[-1]


async def test_forget_while_rasa_is_down_still_deletes_the_telegram_messages_and_says_what_is_left(
    bot_api: FakeBotAPI, rasa: FakeRasa
):
    bot_api.text(521, "hello")
    await bot_api.wait_for_messages(521, 1)
    await rasa.stop()
    bot_api.text(521, "/forget", language_code="es")
    await bot_api.wait_for_messages(521, 3, timeout=RASA_TIMEOUT + 3)
    assert len(bot_api.deleted[521]) == 3  # hello, its answer, /forget
    texts = bot_api.texts_to(521)
    assert texts[-2] == TEXTS.get("es", "forget_rasa_down").format(count=3)
    assert "/forget" in texts[-2] and "911" in texts[-1]


async def test_a_flooding_chat_cannot_hold_up_another_person(bot_api: FakeBotAPI, rasa: FakeRasa):
    """290 messages from one chat once made another user wait 31.6 s: every handler slot was waiting for the
    flooding chat's turn at Rasa. Now a chat's messages wait in its own small inbox, and the overflow is
    merged into the last waiting message (said once), so the other person is answered while the flood waits."""
    rasa.delay = 0.3
    for n in range(290):
        bot_api.text(530, f"spam {n}")
    await wait_until(lambda: rasa.received, what="the flood reaching Rasa")
    bot_api.text(531, "I need help", language_code="es")
    await bot_api.wait_for_messages(531, timeout=10)
    flood_calls_so_far = len([m for m in rasa.messages() if m.startswith("spam")])
    assert flood_calls_so_far <= 3  # answered without waiting for the flood

    await wait_until(lambda: any("spam 289" in m for m in rasa.messages()), timeout=20, what="the end of the flood")
    flood = [m for m in rasa.messages() if m.startswith("spam")]
    assert len(flood) <= 6  # 290 messages reached Rasa as a handful
    merged = "\n".join(flood)
    assert all(f"spam {n}" in merged for n in range(40))  # nothing lost up to the merge cap, in order
    assert merged.index("spam 3") < merged.index("spam 39")
    notices = [t for t in bot_api.texts_to(530) if t == TEXTS.get("en", "busy")]
    assert len(notices) == 1  # said once, not 290 times
