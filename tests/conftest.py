"""Shared fixtures. The end-to-end ones start the real assistant once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.paths import DATA_DIR
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


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of data/ per session, never edited: the `data` fixture copies it for each test."""
    folder = tmp_path_factory.mktemp("pristine") / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


@pytest.fixture()
def data(pristine: Path, tmp_path: Path) -> Path:
    """A copy of data/ a test may edit (the repository's own data is never touched)."""
    folder = tmp_path / "data"
    shutil.copytree(pristine, folder)
    return folder
