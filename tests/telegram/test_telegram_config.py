"""Settings from the environment, the texts data file, and the Rasa client on its own."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from telegram_fakes import FakeRasa

from bot.channels.telegram.config import ConfigError, Settings
from bot.channels.telegram.gateway import sender_id
from bot.channels.telegram.rasa_client import RasaClient, RasaUnavailable
from bot.channels.telegram.texts import DEFAULT_TEXTS_PATH, REQUIRED_KEYS, Texts

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 40


def test_token_is_required_with_a_hint():
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN.*BotFather"):
        Settings.from_env({})


def test_defaults_are_polling_against_the_real_bot_api():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SENDER_KEY": KEY})
    assert not settings.webhook_mode
    assert settings.rasa_url == "http://localhost:5005"
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.api_base_file_url == "https://api.telegram.org/file/bot"
    # The webhook listens on loopback: the TLS reverse proxy is the only way in.
    assert (settings.webhook_listen, settings.webhook_port, settings.rasa_timeout) == ("127.0.0.1", 8443, 8.0)


def test_a_local_bot_api_server_can_be_given_by_address():
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SENDER_KEY": KEY, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081"}
    )
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_base_file_url == "http://127.0.0.1:8081/file/bot"


def test_webhook_mode_needs_a_valid_secret():
    env = {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SENDER_KEY": KEY, "TELEGRAM_WEBHOOK_URL": "https://a.example/tg"}
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": "has spaces!"})
    settings = Settings.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123", "TELEGRAM_WEBHOOK_PORT": "9000"})
    assert settings.webhook_mode and settings.webhook_path == "/tg" and settings.webhook_port == 9000


@pytest.mark.parametrize("mode", ["production", "development", None])
def test_a_stable_sender_key_is_required_in_every_mode(mode):
    """Without it a chat's id would change on every restart and its owner could never be forgotten."""
    env = {"TELEGRAM_BOT_TOKEN": "1:x", **({"BOT_ENV": mode} if mode else {})}
    with pytest.raises(ConfigError, match="TELEGRAM_SENDER_KEY is not set.*forget"):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({**env, "TELEGRAM_SENDER_KEY": "short"})
    one = Settings.from_env({**env, "TELEGRAM_SENDER_KEY": KEY})
    two = Settings.from_env({**env, "TELEGRAM_SENDER_KEY": KEY})
    assert one.sender_key == two.sender_key == KEY.encode()  # the same ids after a restart


def test_bad_numbers_are_reported_by_name():
    with pytest.raises(ConfigError, match="RASA_TIMEOUT"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_SENDER_KEY": KEY, "RASA_TIMEOUT": "soon"})


def test_repr_never_shows_secrets():
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": "999:SECRET-TOKEN",
            "TELEGRAM_SENDER_KEY": KEY,
            "TELEGRAM_WEBHOOK_URL": "https://a.example/tg",
            "TELEGRAM_WEBHOOK_SECRET": "WEBHOOKSECRET",
        }
    )
    shown = repr(settings)
    assert "SECRET-TOKEN" not in shown and "WEBHOOKSECRET" not in shown and KEY not in shown


def test_module_exits_with_a_clear_message_without_a_token():
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.channels.telegram"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr


def test_every_language_has_every_gateway_text():
    texts = Texts.load()
    default = texts.languages[texts.default]
    for code, entry in texts.languages.items():
        for key in REQUIRED_KEYS:
            assert entry.get(key), f"{code} lacks {key}"
        assert set(entry["unsupported"]) == set(default["unsupported"]), code
        assert set(entry["commands"]) == {"start", "help", "language", "forget"}, code
        assert all(1 <= len(d) <= 256 for d in entry["commands"].values()), code  # Telegram's limit
        apology = entry["rasa_unavailable"]
        assert all(n in apology for n in ("911", "110", "118", "104")) and len(apology) < 1000, code


def test_a_new_language_is_data_only_and_falls_back_for_missing_texts(tmp_path):
    data = DEFAULT_TEXTS_PATH.read_text(encoding="utf-8")
    data += "  fr:\n    label: Français\n    help: Écris ta question.\n"
    path = tmp_path / "telegram.yml"
    path.write_text(data, encoding="utf-8")
    texts = Texts.load(path)
    assert texts.supported("fr-CA") == "fr"
    assert texts.get("fr", "help") == "Écris ta question."
    assert texts.get("fr", "rasa_unavailable") == texts.get(texts.default, "rasa_unavailable")
    assert texts.get("fr", "unsupported", "photo") == texts.get(texts.default, "unsupported", "photo")


async def test_rasa_client_gives_up_within_its_timeout_when_nothing_listens():
    with socket.socket() as sock:  # a port that was free a moment ago: connections are refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = RasaClient(f"http://127.0.0.1:{port}", timeout=1.0, backoff=0.1)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable):
        await client.send("abc", "hello")
    assert time.monotonic() - started <= 1.2
    await client.aclose()


async def test_rasa_client_does_not_log_message_text_above_debug(caplog):
    secret_words = "my boss keeps my passport"
    rasa = FakeRasa(lambda sender, message: [{"text": "reply"}])
    await rasa.start()
    client = RasaClient(rasa.url, timeout=0.5)
    try:
        with caplog.at_level(logging.DEBUG, logger="bot.channels.telegram"):
            assert await client.send("abc", secret_words) == [{"recipient_id": "abc", "text": "reply"}]
            rasa.delay = 1.0
            with pytest.raises(RasaUnavailable):
                await client.send("abc", secret_words)
        assert any(secret_words in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
        assert not any(secret_words in r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG)
    finally:
        await client.aclose()
        await rasa.stop()


async def test_module_runs_from_the_environment_and_stops_on_sigterm(bot_api, rasa):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_", "BOT_ENV"))},
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{bot_api.port}",
        "RASA_URL": rasa.url,
        "TELEGRAM_SENDER_KEY": KEY,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.channels.telegram", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        bot_api.text(701, "/start", language_code="es")
        await bot_api.wait_for_messages(701, timeout=30)
        assert rasa.messages() == ['/greet{"language":"es"}']
        assert rasa.received[0]["sender"] == sender_id(KEY.encode(), 701)  # the key came from the environment
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert bot_api.token not in stderr.decode()  # the token never reaches the logs
