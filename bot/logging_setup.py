"""Production logging: no log line may contain what a user wrote.

Logs travel further than the database (consoles, log shippers, screenshots in bug reports), and a message
like "they took my passport, I'm in room 12 at ..." must not end up there. Mode comes from BOT_ENV
("production" or "development"); production is the default, development is an explicit opt-in for
debugging on a laptop.

In every mode `configure_logging()` adds `RedactSecrets` to every handler: the values of the secret
environment variables (bot token, webhook secret, keys, passwords) and anything shaped like a Telegram bot
token are replaced by "[secret]" in every line, exception text included (Bot API URLs contain the token).

In production `configure_logging()`:
- sets Rasa, Sanic, TensorFlow, HTTP and Telegram loggers to WARNING;
- sends Python warnings through logging (Rasa's warnings can quote a message);
- refuses DEBUG: a root logger at DEBUG is raised to INFO with a warning (`process_logging()` for our own
  processes exits with a clear error instead, since LOG_LEVEL=DEBUG there is a configuration mistake);
- adds `RedactMessageText` to every handler of the root logger (and of any logger with its own handlers)
  and to the already-created loggers that can carry message text. That filter drops their DEBUG/INFO
  records and reduces WARNING and above to "level + logger name" (plus the exception class, no text).

Where it is hooked, because Rasa's CLI configures logging itself and would replace an earlier setup:
- Rasa server process: `bot/privacy/tracker_store.py` calls it at import time and again when the store is
  built. Rasa imports the tracker store (endpoints.yml `type: bot.privacy.tracker_store...`) while loading
  the agent, after `rasa run` has set up its handlers, including --log-file and syslog handlers.
- Action server process: `actions/__init__.py` must call it; `rasa run actions` configures logging
  before it imports the actions package.
- Our own processes (Telegram gateway, widget, `python -m bot`): call it at start-up.
Calling it more than once is harmless.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable

ENV_VAR = "BOT_ENV"
PRODUCTION = "production"
DEVELOPMENT = "development"
MODES = (PRODUCTION, DEVELOPMENT)

# Loggers whose records may quote a user message (directly, in structlog fields, or in exceptions).
REDACTED_LOGGERS: tuple[str, ...] = (
    "rasa.core.processor",
    "rasa.core.channels",
    "rasa.core.actions",
    "rasa.core.nlg",
    "rasa.core.policies",
    "rasa.core.brokers",
    "rasa.core.http_interpreter",
    "rasa.nlu",
    "rasa.shared.nlu",
    "rasa.shared.core",
    "rasa.server",
    "rasa.engine",
    "rasa.utils.endpoints",
    "rasa_sdk",
    "bot",
    "actions",
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "sanic",
    "socketio",
    "engineio",
    "asyncio",
    "sqlalchemy.engine",
    "py.warnings",
)

# Chatty libraries: nothing below WARNING in production.
QUIET_LOGGERS: tuple[str, ...] = (
    "rasa",
    "rasa_sdk",
    "sanic",
    "sanic.root",
    "sanic.error",
    "sanic.access",
    "tensorflow",
    "absl",
    "h5py",
    "transformers",
    "urllib3",
    "httpx",
    "httpcore",
    "aiohttp",
    "telegram",
    "apscheduler",
    "asyncio",
    "socketio",
    "engineio",
    "sqlalchemy",
    "matplotlib",
    "bot",
    "actions",
    "py.warnings",
)


# Environment variables whose values must never appear in a log line.
SECRET_ENV_VARS: tuple[str, ...] = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_SENDER_KEY",
    "WIDGET_SESSION_KEY",
    "RASA_ADMIN_TOKEN",
    "TRACKER_DB_PASSWORD",
    "DATABASE_URL",
)
_BOT_TOKEN_SHAPE = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{30,}")
_URL_PASSWORD = re.compile(r"(?<=://)([^:/@\s]+):[^@/\s]+@")
MIN_SECRET_LENGTH = 6  # shorter values ("1", "yes") would blank out ordinary words


class LogConfigError(ValueError):
    """Logging was asked for something production refuses (DEBUG); the message says what to do."""


class RedactSecrets(logging.Filter):
    """Replaces secrets in a record's final text: known secret values, bot-token shapes, URL passwords."""

    def __init__(self, env_vars: Iterable[str] = SECRET_ENV_VARS, environ: dict[str, str] | None = None) -> None:
        super().__init__()
        env = os.environ if environ is None else environ
        values = {env.get(name, "").strip() for name in env_vars}
        self.secrets = sorted((v for v in values if len(v) >= MIN_SECRET_LENGTH), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        text = _BOT_TOKEN_SHAPE.sub("[secret]", text)
        return _URL_PASSWORD.sub(r"\1:[secret]@", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "secrets_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.secrets_redacted = True
        return True


class RedactMessageText(logging.Filter):
    """Keeps only level and logger name of records from loggers that can carry user text."""

    def __init__(self, prefixes: Iterable[str] = REDACTED_LOGGERS, drop_below: int = logging.WARNING) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)
        self.drop_below = drop_below

    def is_sensitive(self, logger_name: str) -> bool:
        return any(logger_name == prefix or logger_name.startswith(prefix + ".") for prefix in self.prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.is_sensitive(record.name):
            return True
        if record.levelno < self.drop_below:
            return False
        if getattr(record, "text_redacted", False):
            return True  # already reduced by a logger-level copy of this filter
        exception = record.exc_info[1] if record.exc_info and record.exc_info[1] is not None else None
        detail = f" ({type(exception).__name__})" if exception is not None else ""
        record.msg = f"[{record.levelname} from {record.name}; text redacted in production{detail}]"
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.text_redacted = True
        return True


def resolve_mode(mode: str | None = None) -> str:
    """The logging mode, from the argument or BOT_ENV; a typo is an error, not a silent development mode."""
    value = mode if mode is not None else os.environ.get(ENV_VAR, "")
    value = value.strip().lower() or PRODUCTION
    if value not in MODES:
        raise ValueError(f"{ENV_VAR} must be 'production' or 'development', got {value!r}")
    return value


def configure_logging(mode: str | None = None) -> RedactMessageText | None:
    """Apply secret redaction always and production redaction in production (see module docstring).

    Returns the message-text filter in use, None in development.
    """
    root = logging.getLogger()
    if not root.handlers:
        # Without a handler, logging.lastResort would print records unfiltered.
        root.addHandler(logging.StreamHandler())
    secrets = _installed(root.handlers, RedactSecrets) or RedactSecrets()
    for handler in _all_handlers():
        _add_once(handler, secrets, RedactSecrets)
    if resolve_mode(mode) != PRODUCTION:
        return None
    if root.getEffectiveLevel() < logging.INFO:
        root.setLevel(logging.INFO)
        logging.getLogger(__name__).warning("DEBUG logging is refused in production (BOT_ENV=production): using INFO")
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:  # NOTSET included; never lower a stricter level
            logger.setLevel(logging.WARNING)
    logging.captureWarnings(True)

    redact = _installed(root.handlers, RedactMessageText) or RedactMessageText()
    for handler in _all_handlers():
        _add_once(handler, redact, RedactMessageText)
        # Secrets are redacted after the message text, so a reduced record still passes through both.
        handler.removeFilter(secrets)
        handler.addFilter(secrets)
    for name, existing in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(existing, logging.Logger) and redact.is_sensitive(name):
            _add_once(existing, redact, RedactMessageText)
    return redact


def process_logging(mode: str | None = None) -> RedactMessageText | None:
    """Logging for our own processes (Telegram gateway, public entry point): LOG_LEVEL, then the rules above.

    Raises LogConfigError for LOG_LEVEL=DEBUG in production, which would print what people write.
    """
    level = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if resolve_mode(mode) == PRODUCTION and level == "DEBUG":
        raise LogConfigError(
            "LOG_LEVEL=DEBUG is refused with BOT_ENV=production (it would log message text). "
            "Use BOT_ENV=development on a test machine, or LOG_LEVEL=INFO."
        )
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return configure_logging(mode)


def _all_handlers() -> list[logging.Handler]:
    handlers = list(logging.getLogger().handlers)
    for existing in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(existing, logging.Logger):
            handlers.extend(existing.handlers)
    return handlers


def _installed(handlers: Iterable[logging.Handler], kind: type) -> logging.Filter | None:
    for handler in handlers:
        for existing in handler.filters:
            if isinstance(existing, kind):
                return existing
    return None


def _add_once(target: logging.Filterer, flt: logging.Filter, kind: type) -> None:
    if not any(isinstance(existing, kind) for existing in target.filters):
        target.addFilter(flt)
