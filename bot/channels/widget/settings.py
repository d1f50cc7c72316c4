"""Settings of the widget server, read from the environment so `make run` and tests can move ports."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WIDGET_DIR = Path(__file__).resolve().parents[3] / "widget"


class SettingsError(ValueError):
    """A setting is unusable; the message says which and why."""


@dataclass(frozen=True)
class WidgetSettings:
    """Where to listen, which Rasa server the browser should talk to, and where the files are."""

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://localhost:5005"
    exit_url: str | None = None
    demo_lang: str = "en"
    widget_dir: Path = WIDGET_DIR

    @property
    def build_dir(self) -> Path:
        return self.widget_dir / "build"

    @property
    def demo_dir(self) -> Path:
        return self.widget_dir / "demo"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WidgetSettings:
        """Read WIDGET_HOST, WIDGET_PORT, RASA_PUBLIC_URL, WIDGET_EXIT_URL and WIDGET_DEMO_LANG."""
        env = os.environ if env is None else env
        port_text = env.get("WIDGET_PORT", "8080")
        try:
            port = int(port_text)
        except ValueError:
            raise SettingsError(f"WIDGET_PORT must be a number, not {port_text!r}") from None
        if not 0 < port < 65536:
            raise SettingsError(f"WIDGET_PORT must be between 1 and 65535, not {port}")
        exit_url = env.get("WIDGET_EXIT_URL") or None
        if exit_url is not None:
            http_origin(exit_url, "WIDGET_EXIT_URL")
        settings = cls(
            host=env.get("WIDGET_HOST", "127.0.0.1"),
            port=port,
            rasa_url=env.get("RASA_PUBLIC_URL", "http://localhost:5005").rstrip("/"),
            exit_url=exit_url,
            demo_lang=env.get("WIDGET_DEMO_LANG", "en"),
        )
        http_origin(settings.rasa_url, "RASA_PUBLIC_URL")
        return settings


def http_origin(url: str, name: str) -> str:
    """Return scheme://host[:port] of an http(s) URL; anything else is a configuration mistake."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http:// or https:// address, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"
