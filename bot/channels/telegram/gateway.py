"""The Telegram gateway: relays Telegram updates to Rasa's REST channel and Rasa's replies back.

Rasa's own Telegram channel is webhook-only, cannot talk to another Bot API server and ignores Telegram's
secret token, so this gateway is built on python-telegram-bot instead. It is deliberately thin: the
assistant's behaviour lives in Rasa; the gateway only

* turns the four commands into Rasa intents, and makes sure nothing a user types can be read by Rasa as an
  intent or slot (Rasa treats any text starting with "/" as ``/intent{"slot": ...}``);
* hides Telegram ids from Rasa (the sender id is a keyed hash of the chat id);
* never leaves a person without an answer: media get a kind reply, and when Rasa is down, slow or answers
  nothing the user gets the emergency numbers within seconds;
* keeps one chat from crowding out the others: each chat has a small inbox worked through in order, and a
  flood beyond a few waiting messages is merged into the last one (said once), so no handler slot waits;
* makes "forget me" real on the phone too: the ids of the chat's messages of the last 48 hours are kept, and
  on /forget (or when Rasa confirms a forget request) they are deleted with ``deleteMessages``.

``build_application`` wires everything without globals, so tests run the real
:class:`telegram.ext.Application` with their own settings, Rasa client and Bot API stand-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from telegram import (
    BotCommand,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .config import Settings
from .rasa_client import RasaClient, RasaUnavailable
from .state import BUTTON_PREFIX, ChatRateLimiter, ChatStore
from .texts import Texts

logger = logging.getLogger(__name__)

LANGUAGE_PREFIX = "lang:"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
COMMANDS = ("start", "help", "language", "forget")
TYPING_EVERY = 4.5  # seconds; Telegram shows "typing..." for about 5 s per chat action
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids per call
_PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+)(?P<entities>\{.*\})?\s*$", re.DOTALL)


def sender_id(key: bytes, chat_id: int) -> str:
    """The id Rasa knows a chat by: HMAC-SHA256 of the chat id, so the tracker store holds no Telegram id."""
    return hmac.new(key, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]


def neutralise(text: str) -> str:
    """User text that Rasa cannot mistake for an intent payload.

    Rasa strips the message and unpacks anything starting with "/" as ``/intent{entities}``, so a user
    typing ``/restart`` or ``/inform{"country":"US"}`` could steer the conversation. Leading slashes (and
    the whitespace Rasa would strip around them) are removed; what is left is ordinary text for the NLU.
    """
    cleaned = text.strip()
    while cleaned.startswith("/"):
        cleaned = cleaned.lstrip("/").strip()
    return cleaned


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Splits a long reply into Telegram-sized messages, preferably between paragraphs, lines or words.

    Telegram counts length in UTF-16 code units, so an emoji may count twice.
    """
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        fit = _fitting(rest, limit)
        if fit == len(rest):
            chunks.append(rest)
            break
        window = rest[:fit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut >= fit // 2:  # a break in the first half would leave tiny pieces: look further
                break
        else:
            cut = fit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    return [chunk for chunk in chunks if chunk]


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def payload_language(payload: str, supported: Texts) -> str | None:
    """The language a Rasa payload switches to (``/switch_language{"language":"es"}``), if any."""
    match = _PAYLOAD.match(payload.strip())
    if not match or not match.group("entities"):
        return None
    try:
        entities = json.loads(match.group("entities"))
    except ValueError:
        return None
    language = entities.get("language") if isinstance(entities, dict) else None
    return supported.supported(language) if isinstance(language, str) else None


class Gateway:
    """The handlers, with what they need passed in rather than read from globals."""

    def __init__(self, settings: Settings, rasa: RasaClient, texts: Texts, chats: ChatStore) -> None:
        self.settings = settings
        self.rasa = rasa
        self.texts = texts
        self.chats = chats

    # --- helpers -------------------------------------------------------------------------------------

    def language(self, update: Update) -> str:
        """The chat's language: the user's explicit choice, else Telegram's ``language_code``, else default."""
        chat = update.effective_chat
        chosen = self.chats.get(chat.id).language if chat else None
        user = update.effective_user
        return chosen or self.texts.supported(user.language_code if user else None) or self.texts.default

    @contextlib.asynccontextmanager
    async def typing(self, chat: Chat) -> AsyncIterator[None]:
        """Shows "typing..." until the block ends, so a slow answer does not look like silence."""

        async def keep_typing() -> None:
            while True:
                try:
                    await chat.send_action(ChatAction.TYPING)
                except TelegramError as exc:  # cosmetic: never let it stop the reply
                    logger.debug("chat action failed: %s", exc)
                await asyncio.sleep(TYPING_EVERY)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def send(self, chat: Chat, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> None:
        """Sends plain text (never parse_mode: the text may echo the user's words) and remembers its id."""
        sent = await chat.send_message(text, reply_markup=reply_markup)
        self.chats.get(chat.id).seen(getattr(sent, "message_id", None))

    async def submit(self, update: Update, message: str, *, mergeable: bool = True, forget: bool = False) -> None:
        """Puts a message in the chat's inbox and makes sure a worker is answering it; returns at once.

        Returning at once matters: PTB runs a bounded number of handlers at a time, and a chat flooding us
        must not hold them all while its messages wait for Rasa one by one.
        """
        chat = update.effective_chat
        state = self.chats.get(chat.id)
        if update.effective_message is not None:
            state.seen(update.effective_message.message_id)
        outcome = state.enqueue(message, mergeable, self.settings.max_pending, forget=forget)
        if outcome != "queued" and not state.warned_busy:
            state.warned_busy = True
            logger.info("chat inbox full: a message was %s", outcome)
            await self.send(chat, self.texts.get(self.language(update), "busy"))
        if state.worker is None or state.worker.done():
            state.worker = asyncio.create_task(self._work(update))

    async def _work(self, update: Update) -> None:
        """Answers the chat's inbox in order, one message at a time."""
        state = self.chats.get(update.effective_chat.id)
        while state.inbox:
            item = state.inbox.popleft()
            try:
                await self.relay(update, item.message, forget=item.forget)
            except Exception as error:  # noqa: BLE001 - the next message must still be answered
                logger.error("relaying failed (%s)", type(error).__name__)
        state.warned_busy = False

    async def relay(self, update: Update, message: str, *, forget: bool = False) -> None:
        """Sends ``message`` to Rasa as this chat and delivers the replies (or the numbers) in order."""
        chat = update.effective_chat
        state = self.chats.get(chat.id)
        async with state.lock:
            sender = sender_id(self.settings.sender_key, chat.id)
            try:
                async with self.typing(chat):
                    replies = await self.rasa.send(sender, message)
            except RasaUnavailable:
                logger.warning("Rasa unavailable; sending the numbers to sender %s", sender[:8])
                language = self.language(update)
                if forget:
                    deleted = await self.delete_recent(chat)
                    await self.send(chat, self.texts.get(language, "forget_rasa_down").format(count=deleted))
                await self.send(chat, self.texts.get(language, "rasa_unavailable"))
                return
            logger.info("relayed a message for sender %s: %d replies", sender[:8], len(replies))
            forgotten = forget or any(_is_forget(reply) for reply in replies)
            deleted = await self.delete_recent(chat) if forgotten else 0
            await self.deliver(update, [reply for reply in replies if not _is_forget(reply)])
            if forgotten:
                self.chats.forget(chat.id)
                await self.send(chat, self.texts.get(self.language(update), "forget_done").format(count=deleted))

    async def delete_recent(self, chat: Chat) -> int:
        """Deletes this chat's remembered messages (48 hours at most) from Telegram; returns how many went."""
        ids = self.chats.get(chat.id).deletable()
        deleted = 0
        for start in range(0, len(ids), DELETE_BATCH):
            batch = ids[start : start + DELETE_BATCH]
            try:
                await chat.get_bot().delete_messages(chat.id, batch)
                deleted += len(batch)
            except TelegramError as error:
                logger.warning("could not delete %d messages (%s)", len(batch), type(error).__name__)
        self.chats.get(chat.id).recent.clear()
        return deleted

    def keyboard(self, chat_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup | None:
        """Rasa buttons as an inline keyboard, one per row; payloads stay here behind short ids."""
        state = self.chats.get(chat_id)
        rows = []
        for button in buttons:
            title = str(button.get("title") or button.get("payload") or "").strip()
            if not title:
                continue
            if button.get("url"):
                rows.append([InlineKeyboardButton(title, url=str(button["url"]))])
                continue
            payload = str(button.get("payload") or title)
            rows.append([InlineKeyboardButton(title, callback_data=state.remember(payload))])
        return InlineKeyboardMarkup(rows) if rows else None

    async def deliver(self, update: Update, replies: list[dict[str, Any]]) -> None:
        """Sends Rasa's replies as plain text; an empty answer means Rasa failed, so the numbers go out."""
        chat = update.effective_chat
        sent = 0
        for reply in replies:
            text = str(reply.get("text") or "").strip()
            markup = self.keyboard(chat.id, reply.get("buttons") or [])
            if markup and not text:
                text = self.texts.get(self.language(update), "choose_option")
            if text:
                chunks = split_text(text)
                for number, chunk in enumerate(chunks, start=1):
                    await self.send(chat, chunk, reply_markup=markup if number == len(chunks) else None)
                sent += 1
            if reply.get("image"):
                await self.send_image(chat, str(reply["image"]))
                sent += 1
        if not sent:
            logger.warning("Rasa answered nothing; sending the numbers")
            await self.send(chat, self.texts.get(self.language(update), "rasa_unavailable"))

    async def send_image(self, chat: Chat, url: str) -> None:
        """Sends an image by URL; if Telegram cannot fetch it, the link is still useful as text."""
        try:
            sent = await chat.send_photo(url)
            self.chats.get(chat.id).seen(getattr(sent, "message_id", None))
        except TelegramError as exc:
            logger.warning("could not send an image: %s", exc)
            await self.send(chat, url)

    # --- handlers ------------------------------------------------------------------------------------

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: greet, in the language chosen earlier or else the one the Telegram app uses."""
        chosen = self.chats.get(update.effective_chat.id).language
        user = update.effective_user
        language = chosen or self.texts.supported(user.language_code if user else None)
        payload = "/greet" + (json.dumps({"language": language}, separators=(",", ":")) if language else "")
        await self.submit(update, payload, mergeable=False)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: the assistant explains what it can do."""
        await self.submit(update, "/what_can_you_do", mergeable=False)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: Rasa deletes the conversation, the chat's recent messages are deleted from Telegram, and
        the gateway drops its own memory of the chat (see :meth:`relay`)."""
        await self.submit(update, "/forget_me", forget=True)

    async def choose_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: a keyboard with every language in the data file, each labelled in itself."""
        buttons = [
            [InlineKeyboardButton(self.texts.get(code, "label"), callback_data=LANGUAGE_PREFIX + code)]
            for code in self.texts.codes
        ]
        await update.effective_message.reply_text(
            self.texts.get(self.language(update), "choose_language"),
            reply_markup=InlineKeyboardMarkup(buttons),
        )

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Typed text: relayed as plain text, with anything that looks like an intent payload defused."""
        cleaned = neutralise(update.effective_message.text or "")
        if not cleaned:
            await update.effective_message.reply_text(self.texts.get(self.language(update), "help"))
            return
        await self.submit(update, cleaned)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on an inline button: answer it at once (stops the spinner), then relay its payload."""
        query = update.callback_query
        data = query.data or ""
        await query.answer()
        if update.effective_chat is None:
            return
        state = self.chats.get(update.effective_chat.id)
        if data.startswith(LANGUAGE_PREFIX) and self.texts.supported(data[len(LANGUAGE_PREFIX) :]):
            language = self.texts.supported(data[len(LANGUAGE_PREFIX) :])
            payload = "/switch_language" + json.dumps({"language": language}, separators=(",", ":"))
        else:
            payload = state.recall(data) if data.startswith(BUTTON_PREFIX) else None
            if payload is None:
                await update.effective_chat.send_message(
                    self.texts.get(self.language(update), "button_expired")
                )
                return
            language = payload_language(payload, self.texts)
        if language:
            state.language = language
        await self.submit(update, payload, mergeable=False)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice, photos, stickers, files, locations...: say kindly what the assistant understands."""
        kind = media_kind(update.effective_message)
        logger.info("answered a %s message with the text-only reply", kind)
        await update.effective_message.reply_text(self.texts.get(self.language(update), "unsupported", kind))

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs failures without the update itself, which holds the user's words and ids."""
        logger.error("error while handling an update: %r", context.error, exc_info=context.error)

    async def set_commands(self, application: Application) -> None:
        """Fills Telegram's command menu in every language; a failure here must not stop the gateway."""
        for code in [None, *self.texts.codes]:
            commands = [BotCommand(c, self.texts.get(code or self.texts.default, "commands", c)) for c in COMMANDS]
            try:
                await application.bot.set_my_commands(commands, language_code=code)
            except TelegramError as exc:
                logger.warning("could not set the command menu (%s): %s", code or "default", exc)


def _is_forget(reply: dict[str, Any]) -> bool:
    """Rasa's confirmation of a forget request carries ``{"custom": {"forget": true}}`` (data/responses)."""
    custom = reply.get("custom")
    return isinstance(custom, dict) and custom.get("forget") is True


def media_kind(message: Message | None) -> str:
    """Names the kind of non-text message, to pick the matching kind reply."""
    if message is None:
        return "default"
    if message.voice or message.audio:
        return "voice"
    if message.photo:
        return "photo"
    if message.video or message.video_note or message.animation:
        return "video"
    if message.sticker:
        return "sticker"
    if message.document:
        return "document"
    if message.location or message.venue:
        return "location"
    if message.contact:
        return "contact"
    return "default"


def build_application(
    settings: Settings,
    rasa_client: RasaClient,
    *,
    texts: Texts | None = None,
    chats: ChatStore | None = None,
) -> Application:
    """Builds the PTB application; polling or webhook is decided later, by :func:`server.serve`.

    Updates are processed concurrently so that one slow Rasa answer never holds up other people; each
    chat's own messages still go to Rasa one at a time, in order (see :meth:`Gateway.relay`).
    """
    texts = texts or Texts.load()
    gateway = Gateway(settings, rasa_client, texts, chats or ChatStore())
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_base_file_url)
        .rate_limiter(ChatRateLimiter())
        .concurrent_updates(256)
    )
    if settings.webhook_mode:
        builder = builder.updater(None)  # our own aiohttp server receives updates (see server.py)
    application = builder.build()
    application.bot_data["gateway"] = gateway

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", gateway.start, filters=private))
    application.add_handler(CommandHandler("help", gateway.help, filters=private))
    application.add_handler(CommandHandler("language", gateway.choose_language, filters=private))
    application.add_handler(CommandHandler("forget", gateway.forget, filters=private))
    application.add_handler(MessageHandler(private & filters.TEXT, gateway.text))
    application.add_handler(CallbackQueryHandler(gateway.button))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, gateway.unsupported)
    )
    application.add_error_handler(gateway.error)
    return application
