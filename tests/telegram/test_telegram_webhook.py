"""Webhook mode: only Telegram, which knows the secret token, can hand the gateway an update."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
from telegram_fakes import FakeBotAPI, FakeRasa, running

from bot.channels.telegram.config import Settings


def update(chat_id: int, text: str) -> dict:
    return {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Ana", "language_code": "es"},
            "text": text,
        },
    }


async def test_webhook_is_registered_with_the_secret_and_checks_it(
    bot_api: FakeBotAPI, rasa: FakeRasa, webhook_settings: Settings
):
    async with running(webhook_settings) as port:
        [registered] = bot_api.called("setWebhook")
        assert registered["url"] == webhook_settings.webhook_url
        assert registered["secret_token"] == webhook_settings.webhook_secret
        assert bot_api.called("getUpdates") == []  # no polling in webhook mode

        hook = f"http://127.0.0.1:{port}/telegram/hook"
        body = json.dumps(update(601, "hola")).encode()
        json_type = {"Content-Type": "application/json"}
        async with httpx.AsyncClient(timeout=5) as client:
            missing = await client.post(hook, content=body, headers=json_type)
            wrong = await client.post(
                hook, content=body, headers={**json_type, "X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert (missing.status_code, wrong.status_code) == (403, 403)

            ok = await client.post(
                hook,
                content=body,
                headers={**json_type, "X-Telegram-Bot-Api-Secret-Token": webhook_settings.webhook_secret},
            )
            assert ok.status_code == 200

            await bot_api.wait_for_messages(601)
            assert rasa.messages() == ["hola"]  # only the authenticated update was processed
            assert bot_api.texts_to(601) == ["You said: hola"]

            garbage = await client.post(
                hook,
                content=b"not json",
                headers={**json_type, "X-Telegram-Bot-Api-Secret-Token": webhook_settings.webhook_secret},
            )
            assert garbage.status_code == 400


async def test_a_forged_update_never_reaches_rasa(bot_api: FakeBotAPI, rasa: FakeRasa, webhook_settings):
    async with running(webhook_settings) as port:
        async with httpx.AsyncClient(timeout=5) as client:
            for _ in range(3):
                response = await client.post(f"http://127.0.0.1:{port}/telegram/hook", json=update(602, "/greet"))
                assert response.status_code == 403
        await asyncio.sleep(0.5)  # time for a wrongly accepted update to reach Rasa
        assert rasa.received == [] and bot_api.sent_to(602) == []
