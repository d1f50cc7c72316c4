"""Settings of the Telegram gateway, read from the environment.

Everything that differs between a laptop, a test and production comes from environment variables, so the
same code runs against the real Bot API, a local Bot API server or a test stand-in. Problems are reported
as :class:`ConfigError` with a message that says which variable to set and how, because the person
starting the gateway is often not the person who wrote it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

DEFAULT_RASA_URL = "http://localhost:5005"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_RASA_TIMEOUT = 8.0
DEFAULT_MAX_PENDING = 3
# Loopback: the webhook is reached through the TLS reverse proxy in front (docs/deploy.md), never directly.
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
MIN_SENDER_KEY_LENGTH = 32

# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_KEY_HINT = 'generate one with: python -c "import secrets; print(secrets.token_hex(32))"'


class ConfigError(ValueError):
    """The environment does not describe a gateway that can start; the message says what to fix."""


@dataclass(frozen=True, repr=False)
class Settings:
    """Everything the gateway needs to know about its surroundings.

    Tests build this directly; :meth:`from_env` builds it for real runs.
    """

    token: str
    rasa_url: str = DEFAULT_RASA_URL
    api_base_url: str = DEFAULT_API_BASE_URL
    api_base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    # Never shown in repr (see below): the key decides every pseudonymous sender id.
    sender_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    rasa_timeout: float = DEFAULT_RASA_TIMEOUT
    # Messages a chat may have waiting for Rasa; more are merged into the last one (see gateway.Inbox).
    max_pending: int = DEFAULT_MAX_PENDING

    def __repr__(self) -> str:  # the token and secrets must never end up in a log line
        return (
            f"Settings(rasa_url={self.rasa_url!r}, api_base_url={self.api_base_url!r}, "
            f"webhook={'on' if self.webhook_mode else 'off'}, rasa_timeout={self.rasa_timeout})"
        )

    @property
    def webhook_mode(self) -> bool:
        """Webhook mode is chosen by giving the public URL Telegram should call."""
        return bool(self.webhook_url)

    @property
    def webhook_path(self) -> str:
        """The local path to serve the webhook on: the path of the public URL (a proxy may sit in front)."""
        return urlsplit(self.webhook_url or "").path or "/"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Reads and checks the settings; raises :class:`ConfigError` with a fix for each problem."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if not token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather on Telegram and export the "
                "token it gives you, e.g. export TELEGRAM_BOT_TOKEN=123456:ABC... (see docs/telegram.md)."
            )

        api_base_url = _normalise_base_url(get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL)
        api_base_file_url = get("TELEGRAM_API_BASE_FILE_URL") or _file_url_for(api_base_url)

        webhook_url = get("TELEGRAM_WEBHOOK_URL")
        webhook_secret = get("TELEGRAM_WEBHOOK_SECRET")
        if webhook_url:
            if urlsplit(webhook_url).scheme not in ("https", "http"):
                raise ConfigError(f"TELEGRAM_WEBHOOK_URL must be an https:// URL, got {webhook_url!r}.")
            if not webhook_secret:
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not. Webhook mode needs a "
                    "secret so that only Telegram can post updates; "
                    'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
                )
            if not _SECRET_TOKEN.match(webhook_secret):
                raise ConfigError(
                    "TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1 to 256 characters), "
                    "as Telegram requires."
                )

        listen = get("TELEGRAM_WEBHOOK_LISTEN") or DEFAULT_WEBHOOK_LISTEN
        port = _number(get("TELEGRAM_WEBHOOK_PORT"), "TELEGRAM_WEBHOOK_PORT", DEFAULT_WEBHOOK_PORT, int)
        if not 0 <= port <= 65535:
            raise ConfigError(f"TELEGRAM_WEBHOOK_PORT must be a port number, got {port}.")

        rasa_timeout = _number(get("RASA_TIMEOUT"), "RASA_TIMEOUT", DEFAULT_RASA_TIMEOUT, float)
        if rasa_timeout <= 0:
            raise ConfigError(f"RASA_TIMEOUT must be a positive number of seconds, got {rasa_timeout}.")

        return cls(
            token=token,
            rasa_url=(get("RASA_URL") or DEFAULT_RASA_URL).rstrip("/"),
            api_base_url=api_base_url,
            api_base_file_url=api_base_file_url,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret if webhook_url else None,
            webhook_listen=listen,
            webhook_port=port,
            sender_key=_sender_key(get("TELEGRAM_SENDER_KEY")),
            rasa_timeout=rasa_timeout,
            max_pending=_number(get("TELEGRAM_MAX_PENDING"), "TELEGRAM_MAX_PENDING", DEFAULT_MAX_PENDING, int),
        )


def _sender_key(value: str | None) -> bytes:
    """The HMAC key for sender ids: always required, because a person must be able to find their conversation
    again, after any restart, to have it forgotten (a random key per process would orphan it)."""
    if not value:
        raise ConfigError(
            "TELEGRAM_SENDER_KEY is not set. It keys the pseudonymous ids Rasa stores instead of Telegram ids; "
            f"it must stay the same across restarts so that /forget can always find a conversation; {_KEY_HINT}"
        )
    if len(value) < MIN_SENDER_KEY_LENGTH:
        raise ConfigError(f"TELEGRAM_SENDER_KEY must be at least {MIN_SENDER_KEY_LENGTH} characters long; {_KEY_HINT}")
    return value.encode()


def _normalise_base_url(url: str) -> str:
    """Accepts a bare server address (``http://127.0.0.1:8081``) as well as PTB's ``.../bot`` form."""
    url = url.rstrip("/")
    if "{token}" not in url and urlsplit(url).path in ("", "/"):
        url += "/bot"
    return url


def _file_url_for(base_url: str) -> str:
    """Files live next to the methods: ``.../bot`` -> ``.../file/bot``, as on api.telegram.org."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return base_url


def _number(raw: str | None, name: str, default, kind):
    if raw is None:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None
