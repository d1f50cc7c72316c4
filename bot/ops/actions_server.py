"""`python -m bot.ops.actions_server`: the action server, on loopback, with its request bodies bounded.

`rasa run actions` listens on every interface (0.0.0.0) and inflates a deflate-compressed body without any limit
(rasa_sdk's endpoint calls zlib.decompress on whatever arrives: 1 MB became 2 GiB of memory). Only the Rasa
server ever needs to call it, so here it listens on 127.0.0.1, takes bodies up to MAX_BODY_BYTES, refuses a
compressed body that would inflate beyond MAX_INFLATED_BYTES (413), and answers no cross-origin browser.

It also keeps TensorFlow out of the process: spaCy (the job-offer reader) imports it through thinc whenever it is
installed, and Rasa installs it. Nothing the actions do uses it, and it made the action server about 800 MB
instead of under 300 MB once the first job offer was read (docs/performance.md).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import zlib

from sanic import response
from sanic.request import Request

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_INFLATED_BYTES = 16 * 1024 * 1024
# Installed (Rasa needs them) but never used by an action: an import of these fails here, and libraries that
# only use them when they are importable (thinc, under spaCy) carry on without them.
UNUSED_FRAMEWORKS = ("tensorflow",)

logger = logging.getLogger(__name__)


def inflated_size_ok(body: bytes, limit: int = MAX_INFLATED_BYTES) -> bool:
    """True if a deflate body inflates to at most `limit` bytes; decompresses at most limit + 1 bytes to know."""
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(body, limit + 1)
    except zlib.error:
        return True  # not valid deflate: rasa_sdk will answer 400/500 without allocating anything large
    return not inflater.unconsumed_tail


def keep_unused_frameworks_out() -> None:
    """Makes `import tensorflow` fail in this process (None in sys.modules), unless it is already imported."""
    for name in UNUSED_FRAMEWORKS:
        sys.modules.setdefault(name, None)


def create_app(actions_package: str = "actions"):
    """rasa_sdk's own app, with the limits above in front of it."""
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.middleware("request")
    async def bounded_inflation(request: Request):
        if request.headers.get("Content-Encoding") == "deflate" and not inflated_size_ok(request.body or b""):
            logger.warning("refused a compressed request that would inflate beyond %d bytes", MAX_INFLATED_BYTES)
            return response.json({"error": "request too large"}, status=413)
        return None

    return app


def warm_up(actions_package: str) -> None:
    """Call the actions package's `warm_up()`, if it has one, before listening (see actions/__init__.py)."""
    import importlib
    import time

    hook = getattr(importlib.import_module(actions_package), "warm_up", None)
    if callable(hook):
        started = time.monotonic()
        hook()
        logger.info("actions warmed up in %.1f s", time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    keep_unused_frameworks_out()
    from bot.logging_setup import LogConfigError, process_logging

    try:
        process_logging()
    except LogConfigError as exc:
        print(f"action server: {exc}", file=sys.stderr)
        return 2
    warm_up(args.actions)
    app = create_app(args.actions)
    logger.info("action server on http://%s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
