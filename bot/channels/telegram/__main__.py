"""``python -m bot.channels.telegram``: run the Telegram gateway until Ctrl-C or SIGTERM.

Configuration comes from the environment (see config.py and docs/telegram.md). A missing or wrong setting
ends the process at once with a message that says what to set, instead of a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from telegram.error import InvalidToken, NetworkError

from bot.logging_setup import LogConfigError, process_logging

from .config import ConfigError, Settings
from .gateway import build_application
from .rasa_client import RasaClient
from .server import serve

logger = logging.getLogger("bot.channels.telegram")


async def run(settings: Settings) -> None:
    """Starts the gateway and stops it cleanly on SIGINT/SIGTERM."""
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout)
    application = build_application(settings, rasa)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve(application, settings, stop)
    finally:
        await rasa.aclose()


def main() -> int:
    try:
        process_logging()  # production by default: no message text, no token, DEBUG refused
    except (LogConfigError, ValueError) as exc:
        print(f"telegram gateway: {exc}", file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as exc:
        print(f"telegram gateway: {exc}", file=sys.stderr)
        return 2
    logger.info("starting: %r", settings)
    try:
        asyncio.run(run(settings))
    except InvalidToken:
        print("telegram gateway: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather.", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"telegram gateway: cannot reach the Bot API at {settings.api_base_url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
