"""Web-chat session ids bound to a server-issued, signed token.

Rasa's socket.io channel trusts whatever session id a browser names: anyone who learns another person's id
receives that person's replies live and can write as them. Here the server issues the id, signs it with a key
from the environment, and resumes a session only for a browser that shows the signature; an id alone is
worthless. The token also expires, so a copy found later on a shared device stops working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

MIN_KEY_LENGTH = 32
KEY_HINT = 'generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
# Conversations reached through the web widget are stored under this prefix, so the public REST webhook can
# refuse to write into them (bot/edge) and nobody can post into a widget conversation by naming its id.
SENDER_PREFIX = "web-"


class SessionKeyError(ValueError):
    """The signing key is missing or too short; the message says how to make one."""


@dataclass(frozen=True)
class SessionSigner:
    """Issues session ids with tokens and checks tokens; `ttl` seconds after issue a token is refused."""

    key: bytes
    ttl: float = 24 * 3600

    @classmethod
    def from_key(cls, key: str | None, ttl: float = 24 * 3600) -> SessionSigner:
        if not key or len(key) < MIN_KEY_LENGTH:
            raise SessionKeyError(
                f"WIDGET_SESSION_KEY must be set to at least {MIN_KEY_LENGTH} characters; {KEY_HINT}"
            )
        return cls(key.encode(), ttl)

    def _signature(self, session_id: str, issued: int) -> str:
        digest = hmac.new(self.key, f"{session_id}.{issued}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def token(self, session_id: str, now: float | None = None) -> str:
        issued = int(time.time() if now is None else now)
        return f"{issued}.{self._signature(session_id, issued)}"

    def new_session(self, now: float | None = None) -> tuple[str, str]:
        """A fresh random session id and its token."""
        session_id = secrets.token_hex(16)
        return session_id, self.token(session_id, now)

    def verify(self, session_id: object, token: object, now: float | None = None) -> bool:
        """True only for a token this server issued for exactly this id, and not yet expired."""
        if not isinstance(session_id, str) or not isinstance(token, str) or len(token) > 200:
            return False
        issued_text, _, signature = token.partition(".")
        if not issued_text.isdigit() or not signature:
            return False
        issued = int(issued_text)
        current = time.time() if now is None else now
        if not 0 <= current - issued <= self.ttl:
            return False
        return hmac.compare_digest(signature, self._signature(session_id, issued))


def sender_for(session_id: str) -> str:
    """The id Rasa stores a widget conversation under."""
    return SENDER_PREFIX + session_id
