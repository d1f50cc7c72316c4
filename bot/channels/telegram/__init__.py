"""Telegram gateway: python-telegram-bot in front of Rasa's REST channel (see docs/telegram.md)."""

from .config import ConfigError, Settings
from .gateway import build_application, sender_id
from .rasa_client import RasaClient, RasaUnavailable
from .server import serve

__all__ = [
    "ConfigError",
    "RasaClient",
    "RasaUnavailable",
    "Settings",
    "build_application",
    "sender_id",
    "serve",
]
