"""Sits between the widget and the assistant's WebSocket, so a test can cut the line or hold/alter replies.

Frames are passed through untouched unless a test asks otherwise. Socket.IO event frames look like
`42["bot_uttered",{...}]` (engine.io "message" + socket.io "event").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from playwright.sync_api import Page, WebSocketRoute

SOCKETIO_URL = re.compile(r"/socket\.io/")


class WsTap:
    def __init__(self, page: Page) -> None:
        self.routes: list[WebSocketRoute] = []
        self.hold_bot = False
        self.held: list[tuple[WebSocketRoute, str]] = []
        self.rewrite_bot: Callable[[dict], dict] | None = None
        page.route_web_socket(SOCKETIO_URL, self._handle)

    def _handle(self, ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()
        self.routes.append(ws)
        ws.on_message(lambda message: server.send(message))
        server.on_message(lambda message: self._to_page(ws, message))

    def _to_page(self, ws: WebSocketRoute, message: str | bytes) -> None:
        if isinstance(message, str) and message.startswith('42["bot_uttered"'):
            if self.rewrite_bot is not None:
                event, data = json.loads(message[2:])
                message = "42" + json.dumps([event, self.rewrite_bot(data)])
            if self.hold_bot:
                self.held.append((ws, message))
                return
        ws.send(message)

    def release(self) -> None:
        """Deliver the bot messages held back so far."""
        self.hold_bot = False
        held, self.held = self.held, []
        for ws, message in held:
            ws.send(message)

    def cut(self) -> int:
        """Drop every open connection, as a network outage would; returns how many were open."""
        routes, self.routes = self.routes, []
        for ws in routes:
            ws.close(code=1001, reason="network drop")
        return len(routes)
