"""Fixtures: a Bot API stand-in, a Rasa stand-in and the real gateway between them, all on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from telegram_fakes import RASA_TIMEOUT, SENDER_KEY, TOKEN, FakeBotAPI, FakeRasa, rasa_like, running

from bot.channels.telegram.config import Settings


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    server = FakeRasa(rasa_like)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(bot_api: FakeBotAPI, rasa: FakeRasa) -> Settings:
    return Settings(
        token=TOKEN,
        rasa_url=rasa.url,
        api_base_url=bot_api.base_url,
        api_base_file_url=bot_api.base_url.replace("/bot", "/file/bot"),
        sender_key=SENDER_KEY,
        rasa_timeout=RASA_TIMEOUT,
    )


@pytest.fixture
async def gateway(settings: Settings) -> AsyncIterator[None]:
    """The gateway in polling mode, against both stand-ins."""
    async with running(settings):
        yield


@pytest.fixture
def webhook_settings(settings: Settings) -> Settings:
    return replace(
        settings,
        webhook_url="https://assistant.example.org/telegram/hook",
        webhook_secret="s3cret-Token_for-tests",
        webhook_listen="127.0.0.1",
        webhook_port=0,
    )
