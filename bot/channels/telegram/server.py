"""Running the gateway: long polling by default, a webhook when TELEGRAM_WEBHOOK_URL is set.

Webhook mode uses a small aiohttp server instead of PTB's built-in one: PTB's needs the ``webhooks``
extra (tornado), which this project does not install, and aiohttp is already here (Rasa depends on it).
The check is the same as PTB 22's ``telegram/ext/_utils/webhookhandler.py``: an update without the right
``X-Telegram-Bot-Api-Secret-Token`` header gets 403 and never reaches a handler. Here the comparison is
constant-time and the wrong token is never logged.
"""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from .config import Settings
from .gateway import ALLOWED_UPDATES

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024


def webhook_app(application: Application, secret: str, path: str = "/") -> web.Application:
    """An aiohttp app that accepts Telegram's POSTs on ``path`` and queues them for ``application``."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        token = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(token, expected):
            logger.warning("rejected a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except Exception:  # malformed JSON or not an update: nothing to process
            logger.warning("rejected a webhook request that is not a Telegram update")
            return web.Response(status=400, text="not an update")
        await application.update_queue.put(update)
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive)
    return app


async def start_webhook(application: Application, settings: Settings) -> tuple[web.AppRunner, int]:
    """Serves the webhook and registers it with Telegram; returns the runner and the bound port."""
    runner = web.AppRunner(
        webhook_app(application, settings.webhook_secret or "", settings.webhook_path), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else settings.webhook_port
    await application.bot.set_webhook(
        url=settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    logger.info("webhook mode: listening on %s:%d%s", settings.webhook_listen, port, settings.webhook_path)
    return runner, port


async def serve(
    application: Application,
    settings: Settings,
    stop: asyncio.Event,
    ready: asyncio.Future | None = None,
) -> None:
    """Runs the gateway until ``stop`` is set; ``ready`` gets the webhook port (None when polling)."""
    gateway = application.bot_data["gateway"]
    async with application:  # getMe now; a bad token fails here, before anything else starts
        await gateway.set_commands(application)
        runner = None
        if settings.webhook_mode:
            runner, port = await start_webhook(application, settings)
        else:
            # Polling removes any webhook left from an earlier run; pending messages are kept and answered.
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0)
            port = None
            logger.info("polling mode: waiting for messages")
        await application.start()
        if ready is not None and not ready.done():
            ready.set_result(port)
        try:
            await stop.wait()
        finally:
            logger.info("stopping")
            if runner is not None:
                await runner.cleanup()
            elif application.updater.running:
                await application.updater.stop()
            await application.stop()
