"""Shared fixtures. The end-to-end ones start the real assistant once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.server import MODEL, Assistant

# Production logging is the default (bot/logging_setup.py), and importing Rasa-side modules switches it on for
# the whole process. The test process itself runs in development mode so that one test's logging changes do not
# leak into another's; tests of production logging ask for it explicitly, and servers started by tests get
# BOT_ENV=production in their own environment.
os.environ.setdefault("BOT_ENV", "development")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The trained assistant over REST, in production mode (so the logs can be checked for message text)."""
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train` (make test does it first)")
    running = Assistant(tmp_path_factory.mktemp("assistant"), env={"BOT_ENV": "production"})
    try:
        yield running.start()
    finally:
        running.stop()
