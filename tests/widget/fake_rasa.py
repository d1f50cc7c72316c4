"""A stand-in for Rasa's socket.io channel, for working on the widget without a trained model.

It speaks the same events as rasa/core/channels/socketio.py with `session_persistence: true`
(session_request -> session_confirm, user_uttered -> bot_uttered) and answers in a fixed, obvious way.
The real browser tests run against Rasa; set WIDGET_TEST_FAKE_RASA=1 to run them against this instead
while iterating. Run by hand with: python -m tests.widget.fake_rasa PORT
"""

from __future__ import annotations

import sys
import uuid

import socketio
from aiohttp import web

REPLIES = {
    "hello": {
        "text": "Hello! I can help you check a job offer or find help. Call +1 888 373 7888 or see www.example.org.",
        "quick_replies": [
            {"content_type": "text", "title": "Check a job offer", "payload": "/ask_job_offer_safe"},
            {"content_type": "text", "title": "Find help", "payload": "/find_help"},
        ],
    },
}


def reply_for(message: str) -> list[dict]:
    """What the fake bot says to a message: a canned answer, the language switch, or an echo."""
    if message in REPLIES:
        return [REPLIES[message]]
    if message.startswith("/switch_language"):
        lang = "es" if '"es"' in message else "en"
        return [{"text": "Vale, hablemos en español." if lang == "es" else "OK, let's talk in English."}]
    if message.startswith("/"):
        return [{"text": f"You chose {message}."}, {"text": "Anything else?"}]
    if message.lower().startswith("hola"):
        return [{"text": "La trata de personas es un delito. Llama al 800 5533 000 o al 911."}]
    return [{"text": f"You wrote: {message}"}]


def create_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    app = web.Application()
    sio.attach(app)

    @sio.on("session_request")
    async def session_request(sid: str, data: dict | None) -> None:
        session_id = (data or {}).get("session_id") or uuid.uuid4().hex
        sio.enter_room(sid, session_id)
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict) -> None:
        room = data.get("session_id")
        if not room:
            return
        for message in reply_for(str(data.get("message", ""))):
            await sio.emit("bot_uttered", message, room=room)

    async def status(_: web.Request) -> web.Response:
        return web.json_response({"model_file": "fake"})

    app.router.add_get("/status", status)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), host="127.0.0.1", port=int(sys.argv[1]) if len(sys.argv) > 1 else 5005)
