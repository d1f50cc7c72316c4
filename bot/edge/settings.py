"""Settings of the public entry point, read from the environment so `make run`, tests and servers can differ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.channels.widget.settings import WIDGET_DIR, SettingsError, WidgetSettings, http_origin

DEFAULT_MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class EdgeSettings:
    """Where the entry point listens, where Rasa is (inside), and what it lets through."""

    host: str = "127.0.0.1"
    port: int = 5005
    rasa_url: str = "http://127.0.0.1:5006"
    # Other Rasa replicas (sharing the tracker and lock stores), tried in order only when no connection to the
    # one before could be opened: a request that reached a Rasa is never sent to another one by the entry point.
    rasa_fallback_urls: tuple[str, ...] = ()
    public_url: str = "http://localhost:5005"
    allowed_origins: frozenset[str] = field(default_factory=frozenset)
    max_body: int = DEFAULT_MAX_BODY
    rest_per_minute: int = 60
    connects_per_minute: int = 30
    trust_forwarded_for: bool = False
    upstream_timeout: float = 30.0
    exit_url: str | None = None
    demo_lang: str = "en"
    widget_dir: Path = WIDGET_DIR

    @property
    def rasa_urls(self) -> tuple[str, ...]:
        """This entry point's own Rasa first, then the fallbacks."""
        return (self.rasa_url, *self.rasa_fallback_urls)

    @property
    def widget(self) -> WidgetSettings:
        """The widget's own settings: the browser talks to Rasa through this same address."""
        return WidgetSettings(
            host=self.host,
            port=self.port,
            rasa_url=self.public_url,
            exit_url=self.exit_url,
            demo_lang=self.demo_lang,
            widget_dir=self.widget_dir,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EdgeSettings:
        """PUBLIC_HOST, PUBLIC_PORT, PUBLIC_URL, RASA_INTERNAL_URL, ALLOWED_ORIGINS, MAX_REQUEST_BYTES,
        REST_PER_MINUTE, CONNECTS_PER_MINUTE, TRUST_X_FORWARDED_FOR, WIDGET_EXIT_URL, WIDGET_DEMO_LANG.

        RASA_INTERNAL_URL may name several Rasa servers (space or comma separated): the first is this entry
        point's own, the others are fallbacks (see `rasa_fallback_urls`)."""
        env = os.environ if env is None else env
        port = _int(env, "PUBLIC_PORT", 5005)
        if not 0 < port < 65536:
            raise SettingsError(f"PUBLIC_PORT must be between 1 and 65535, not {port}")
        public_url = env.get("PUBLIC_URL", f"http://localhost:{port}").rstrip("/")
        public = http_origin(public_url, "PUBLIC_URL")
        rasa_urls = [
            url.rstrip("/")
            for url in (env.get("RASA_INTERNAL_URL") or "http://127.0.0.1:5006").replace(",", " ").split()
        ]
        for url in rasa_urls:
            http_origin(url, "RASA_INTERNAL_URL")
        origins = {public, f"http://localhost:{port}", f"http://127.0.0.1:{port}"}
        for origin in (env.get("ALLOWED_ORIGINS") or "").replace(",", " ").split():
            origins.add(http_origin(origin, "ALLOWED_ORIGINS"))
        exit_url = env.get("WIDGET_EXIT_URL") or None
        if exit_url:
            http_origin(exit_url, "WIDGET_EXIT_URL")
        max_body = _int(env, "MAX_REQUEST_BYTES", DEFAULT_MAX_BODY)
        if max_body < 1024:
            raise SettingsError(f"MAX_REQUEST_BYTES must be at least 1024, not {max_body}")
        return cls(
            host=env.get("PUBLIC_HOST", "127.0.0.1"),
            port=port,
            rasa_url=rasa_urls[0],
            rasa_fallback_urls=tuple(rasa_urls[1:]),
            public_url=public_url,
            allowed_origins=frozenset(origins),
            max_body=max_body,
            rest_per_minute=_int(env, "REST_PER_MINUTE", 60),
            connects_per_minute=_int(env, "CONNECTS_PER_MINUTE", 30),
            trust_forwarded_for=(env.get("TRUST_X_FORWARDED_FOR", "").strip().lower() in {"1", "true", "yes"}),
            exit_url=exit_url,
            demo_lang=env.get("WIDGET_DEMO_LANG", "en"),
        )

    def origin_allowed(self, origin: str | None) -> bool:
        """No Origin header (curl, the Telegram gateway) is allowed: CORS protects browsers, not servers."""
        if not origin:
            return True
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" in self.allowed_origins


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {text!r}") from None
