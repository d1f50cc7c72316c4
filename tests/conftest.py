"""Shared fixtures. The end-to-end ones start the real assistant once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server import MODEL, Assistant


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
