"""Production logging: no log line may contain what a user wrote.

Logs travel further than the database (consoles, log shippers, screenshots in bug reports), and a message
like "they took my passport, I'm in room 12 at ..." must not end up there. Mode comes from BOT_ENV
("production" or "development", default development); development changes nothing.

In production `configure_logging()`:
- sets Rasa, Sanic, TensorFlow, HTTP and Telegram loggers to WARNING;
- sends Python warnings through logging (Rasa's warnings can quote a message);
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
    value = value.strip().lower() or DEVELOPMENT
    if value not in MODES:
        raise ValueError(f"{ENV_VAR} must be 'production' or 'development', got {value!r}")
    return value


def configure_logging(mode: str | None = None) -> RedactMessageText | None:
    """Apply production redaction (see module docstring); returns the filter in use, None in development."""
    if resolve_mode(mode) != PRODUCTION:
        return None
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:  # NOTSET included; never lower a stricter level
            logger.setLevel(logging.WARNING)
    logging.captureWarnings(True)

    root = logging.getLogger()
    redact = _installed_filter(root.handlers) or RedactMessageText()
    if not root.handlers:
        # Without a handler, logging.lastResort would print WARNINGs unfiltered.
        root.addHandler(logging.StreamHandler())
    for handler in _all_handlers():
        _add_once(handler, redact)
    for name, existing in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(existing, logging.Logger) and redact.is_sensitive(name):
            _add_once(existing, redact)
    return redact


def _all_handlers() -> list[logging.Handler]:
    handlers = list(logging.getLogger().handlers)
    for existing in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(existing, logging.Logger):
            handlers.extend(existing.handlers)
    return handlers


def _installed_filter(handlers: Iterable[logging.Handler]) -> RedactMessageText | None:
    for handler in handlers:
        for existing in handler.filters:
            if isinstance(existing, RedactMessageText):
                return existing
    return None


def _add_once(target: logging.Filterer, redact: RedactMessageText) -> None:
    if not any(isinstance(existing, RedactMessageText) for existing in target.filters):
        target.addFilter(redact)
