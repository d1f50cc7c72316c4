"""Small in-memory state the gateway keeps per chat, and the rate limiter.

Nothing here is persisted: it holds the chosen language, the short ids behind the inline buttons of recent
replies, the chat's inbox of messages waiting for Rasa, and the ids of recent messages (so "forget me" can
delete them from the chat: Telegram lets a bot delete messages for 48 hours). Everything is bounded so that a
flood of new chats, buttons or messages cannot grow the process without limit; what falls out is handled
kindly (an old button says it expired, a forgotten language falls back to Telegram's ``language_code``).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

BUTTON_PREFIX = "b:"
DELETABLE_FOR_S = 48 * 3600  # the Bot API refuses to delete older messages
MAX_REMEMBERED_MESSAGES = 500
MAX_MERGED_CHARS = 4000  # a merged message never grows past what one Telegram message can hold
# Endpoints that put a message in a chat. Telegram asks bots to stay near one such message per second per
# chat; chat actions ("typing...") and callback answers do not count.
_MESSAGE_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVoice",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)


@dataclass
class Pending:
    """A message waiting for its turn at Rasa. Typed text may absorb later text (`merge`); a button may not."""

    message: str
    mergeable: bool
    forget: bool = False  # a /forget request: deletes the chat's messages even if Rasa is down

    def merge(self, text: str) -> bool:
        if not self.mergeable or len(self.message) + len(text) + 1 > MAX_MERGED_CHARS:
            return False
        self.message = f"{self.message}\n{text}"
        return True


@dataclass
class ChatState:
    """What the gateway remembers about one chat, for as long as the process runs."""

    max_buttons: int = 100
    language: str | None = None
    buttons: OrderedDict[str, str] = field(default_factory=OrderedDict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    inbox: deque[Pending] = field(default_factory=deque)
    worker: asyncio.Task | None = None
    warned_busy: bool = False
    recent: deque[tuple[int, float]] = field(default_factory=lambda: deque(maxlen=MAX_REMEMBERED_MESSAGES))

    def enqueue(self, message: str, mergeable: bool, max_pending: int, forget: bool = False) -> str:
        """Queues a message: "queued", "merged" into the last waiting one, or "dropped" (too much at once).

        A forget request is always queued: it is never merged away or dropped.
        """
        if forget or len(self.inbox) < max_pending:
            self.inbox.append(Pending(message, mergeable and not forget, forget))
            return "queued"
        if mergeable and self.inbox[-1].merge(message):
            return "merged"
        return "dropped"

    def seen(self, message_id: int | None, now: float | None = None) -> None:
        """Remembers a message of this chat (the person's or ours) for a later "forget me"."""
        if message_id is not None:
            self.recent.append((message_id, time.time() if now is None else now))

    def deletable(self, now: float | None = None) -> list[int]:
        """Ids of remembered messages young enough for the Bot API to delete; older ones are dropped."""
        cutoff = (time.time() if now is None else now) - DELETABLE_FOR_S
        while self.recent and self.recent[0][1] < cutoff:
            self.recent.popleft()
        return [message_id for message_id, _ in self.recent]

    def remember(self, payload: str) -> str:
        """Stores a button payload and returns a short id for ``callback_data`` (Telegram allows 64 bytes)."""
        key = BUTTON_PREFIX + secrets.token_urlsafe(6)
        self.buttons[key] = payload
        while len(self.buttons) > self.max_buttons:
            self.buttons.popitem(last=False)
        return key

    def recall(self, key: str) -> str | None:
        """The payload behind a button id, or None when it expired or never existed."""
        return self.buttons.get(key)


class ChatStore:
    """A bounded, least-recently-used map from chat id to :class:`ChatState`."""

    def __init__(self, max_chats: int = 10_000, max_buttons: int = 100) -> None:
        self.max_chats = max_chats
        self.max_buttons = max_buttons
        self._chats: OrderedDict[int, ChatState] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    def get(self, chat_id: int) -> ChatState:
        """The chat's state, created on first use; evicts the least recently used idle chats."""
        state = self._chats.get(chat_id)
        if state is None:
            state = self._chats[chat_id] = ChatState(max_buttons=self.max_buttons)
        self._chats.move_to_end(chat_id)
        if len(self._chats) > self.max_chats:
            for old_id in list(self._chats)[: len(self._chats) - self.max_chats]:
                old = self._chats[old_id]
                if not old.lock.locked() and not old.inbox:  # a chat mid-conversation keeps its order
                    del self._chats[old_id]
        return state

    def forget(self, chat_id: int) -> None:
        """Drops the language, buttons and remembered message ids of a chat (after /forget)."""
        state = self._chats.get(chat_id)
        if state is not None:
            state.language = None
            state.buttons.clear()
            state.recent.clear()


class ChatRateLimiter(AIORateLimiter):
    """PTB's :class:`AIORateLimiter` plus a limit per private chat.

    ``AIORateLimiter`` enforces Telegram's overall limit (30 messages/s) and the group limit (20/min), but
    not the ~1 message/s per private chat. Rasa often answers with two or three messages at once, so a
    chat may send a short burst (``chat_burst``) and then one message per ``chat_period / chat_burst``
    seconds.
    """

    def __init__(
        self,
        *,
        chat_burst: int = 3,
        chat_period: float = 3.0,
        max_chats: int = 1024,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_retries", 2)
        super().__init__(**kwargs)
        self._chat_burst = chat_burst
        self._chat_period = chat_period
        self._max_chats = max_chats
        self._chat_limiters: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            if len(self._chat_limiters) >= self._max_chats:
                for key, old in list(self._chat_limiters.items()):
                    if old.has_capacity(old.max_rate):  # idle: forgetting it loses nothing
                        del self._chat_limiters[key]
            limiter = self._chat_limiters[chat_id] = AsyncLimiter(self._chat_burst, self._chat_period)
        self._chat_limiters.move_to_end(chat_id)
        return limiter

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: D102
        chat_id = data.get("chat_id")
        if endpoint in _MESSAGE_ENDPOINTS and isinstance(chat_id, int) and chat_id > 0:
            async with self._chat_limiter(chat_id):
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
