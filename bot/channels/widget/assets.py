"""The files the widget server hands out, read once at start-up and kept gzipped in memory.

They are a few tens of kilobytes, so memory is not a concern, and compressing once means a cheap phone
on a slow network gets the small version without the server doing work per request.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

from bot.channels.widget.settings import WidgetSettings

CONTENT_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


class MissingBuild(FileNotFoundError):
    """widget/build/ has not been made yet."""


@dataclass(frozen=True)
class Asset:
    """One servable file: its bytes, their gzip, its type, and an ETag for cheap revalidation."""

    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    embeddable: bool

    @classmethod
    def from_bytes(cls, body: bytes, suffix: str, embeddable: bool = False) -> Asset:
        digest = hashlib.sha256(body).hexdigest()[:20]
        return cls(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            content_type=CONTENT_TYPES[suffix],
            etag=f'"{digest}"',
            embeddable=embeddable,
        )


def render_demo(template: str, settings: WidgetSettings) -> str:
    """Fill the demo page's placeholders; every value is HTML-escaped."""
    exit_attr = f' data-exit-url="{html.escape(settings.exit_url)}"' if settings.exit_url else ""
    return (
        template.replace("{{rasa_url}}", html.escape(settings.rasa_url))
        .replace("{{lang}}", html.escape(settings.demo_lang))
        .replace("{{exit_attr}}", exit_attr)
    )


# widget.js carries this placeholder (widget/src/widget.js); the server puts the runtime data in its place.
RUNTIME_PLACEHOLDER = b"/*@runtime@*/ null"


def runtime_data() -> dict:
    """What the widget must know without asking the assistant: the directory's numbers, for the tap-to-call
    links, and the text to show (with the emergency numbers) when the assistant cannot be reached."""
    from bot.emergency import directory

    book = directory()
    return {
        "phones": book.phone_values(),
        "unavailable": {code: book.unavailable(code) for code in book.labels["unavailable"]},
    }


def load_assets(settings: WidgetSettings, runtime: dict | None = None) -> dict[str, Asset]:
    """Map URL paths to assets. Raises MissingBuild with the command to run when the build is missing.

    `runtime` (default: `runtime_data()`) is written into widget.js in place of its placeholder.
    """
    assets: dict[str, Asset] = {}
    runtime = runtime_data() if runtime is None else runtime
    for name in ("widget.js", "widget.css"):
        path = settings.build_dir / name
        if not path.is_file():
            raise MissingBuild(f"{path} is missing: run widget/build.sh first")
        body = path.read_bytes()
        if name == "widget.js":
            # "<" is escaped so no text in the data can close a <script> element the file is inlined into.
            data = json.dumps(runtime, ensure_ascii=False).replace("<", "\\u003c").encode("utf-8")
            body = body.replace(RUNTIME_PLACEHOLDER, data)
        assets["/" + name] = Asset.from_bytes(body, path.suffix, embeddable=True)
    demo: Path = settings.demo_dir
    page = render_demo((demo / "index.html").read_text(encoding="utf-8"), settings)
    assets["/"] = Asset.from_bytes(page.encode("utf-8"), ".html")
    for path in sorted(demo.iterdir()):
        if path.suffix in CONTENT_TYPES and path.name != "index.html":
            assets["/" + path.name] = Asset.from_bytes(path.read_bytes(), path.suffix)
    return assets
