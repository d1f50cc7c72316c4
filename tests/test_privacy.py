"""Privacy: what a watcher or a leaked database can learn about the people who write to us.

Real SQLite files, real Rasa tracker/event classes, real loggers; no mocks.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot import logging_setup
from bot.logging_setup import LogConfigError, RedactMessageText, RedactSecrets, configure_logging, process_logging
from bot.privacy import cli as privacy_cli
from bot.privacy.masking import mask_text
from bot.privacy.tracker_store import PrivateSQLTrackerStore

DAY = 86_400.0
STORE_PATH = "bot.privacy.tracker_store.PrivateSQLTrackerStore"

# --------------------------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mi número es +504 9999-9999", "Mi número es [phone]"),
        ("llámame al (55) 1234 5678 porfa", "llámame al [phone] porfa"),
        ("call me at 555.123.4567 or 555-123-4567", "call me at [phone] or [phone]"),
        ("my sister's cell: 9999-9999, call after 6", "my sister's cell: [phone], call after 6"),
        ("(+504) 9999 9999", "[phone]"),
        ("whatsapp +52 1 55 1234 5678", "whatsapp [phone]"),
        ("su número 55\u00a01234\u00a05678", "su número [phone]"),
        ("escríbeme a juana.perez+tt@gmail.com mañana", "escríbeme a [email] mañana"),
        ("My email is John_Doe99@outlook.com.mx.", "My email is [email]."),
        ("my passport number is G12345678", "my passport number is [id]"),
        ("pasaporte AB1234567, vence en 2027", "pasaporte [id], vence en 2027"),
        ("mi CURP es GOMA800101HDFRRN09", "mi CURP es [id]"),
        ("mi dni 0801-1990-12345", "mi dni [id]"),
        ("my passport is 123456", "my passport is [id]"),
        ("card 4111 1111 1111 1111", "card [id]"),
        # Cases a tester found slipping through (issue 17).
        ("555 123 4567 every day", "[phone] every day"),
        ("9988-7766 cada día", "[phone] cada día"),
        ("2200-3300", "[phone]"),
        ("llámame al ５５５１２３４５６７", "llámame al [phone]"),
        ("mi cel 555\u200b123\u200d4567", "mi cel [phone]"),
        ("escribe a maria.lopez(arroba)gmail.com", "escribe a [email]"),
        ("juan [at] yahoo [dot] com", "[email]"),
        ("pedro arroba hotmail punto com", "[email]"),
        ("whatsapp 3000-4000", "whatsapp [phone]"),
        ("tel 3000 4000 al mes", "tel [phone] al mes"),
    ],
)
def test_personal_numbers_and_addresses_are_masked(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "they pay 3000 a month, $500 upfront, 2,000 dlls",
        "me ofrecen 1.500.000 pesos al mes",
        "salario de 3000-4000 dolares por 12 horas",
        "ganaba $ 1500000 al año",
        "en 2024 me fui, trabajé del 2020-2024 en Monterrey",
        "tengo 25 años y 2 hijos de 5 y 7",
        "llego a las 10:30 del 12/05/2024, vuelo 2024-05-12",
        "llama al 911 o al 110 o al 145",
        "3000pesos y 15000MXN, COVID19, H2A visa",
        "no tengo numero ni correo",
    ],
)
def test_numbers_the_conversation_needs_are_kept(text: str) -> None:
    assert mask_text(text) == text


def test_hotline_numbers_written_by_the_user_are_masked_like_any_phone() -> None:
    # Decision (see bot/privacy/masking.py): a 10-digit number cannot be told apart from a private one.
    assert mask_text("me dieron la linea 800 5533 000") == "me dieron la linea [phone]"


def test_masking_never_raises_on_odd_input() -> None:
    assert mask_text(None) == ""  # type: ignore[arg-type]
    assert mask_text(b"tel 5512345678") == "tel [phone]"  # type: ignore[arg-type]
    assert mask_text(5512345678) == "[phone]"  # type: ignore[arg-type]
    assert mask_text("") == ""


@pytest.mark.parametrize("pattern", ["1 ", "(1", "+1", "123456 x ", "a1", "a@a."])
def test_one_megabyte_of_hostile_input_is_masked_in_linear_time(pattern: str) -> None:
    text = pattern * (1_000_000 // len(pattern))
    started = time.monotonic()
    masked = mask_text(text)
    # Quadratic behaviour would take hours here; linear takes a few seconds even on a busy machine.
    assert time.monotonic() - started < 60
    assert len(masked) <= len(text)


# --------------------------------------------------------------------------------------- tracker store

DOMAIN_YAML = """
version: "3.1"
intents: [greet, inform, forget_me]
slots:
  contact:
    type: text
    mappings: [{type: custom}]
responses:
  utter_forgotten: [{text: "Done, I deleted our conversation."}]
"""


@pytest.fixture
def domain() -> Domain:
    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.sqlite"


@pytest.fixture
def store(db_path: Path, domain: Domain) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db_path), background=False)


def rows(db_path: Path, sender_id: str | None = None) -> list[sa.Row]:
    engine = sa.create_engine(f"sqlite:///{db_path}")
    events = sa.table(
        "events", sa.column("sender_id"), sa.column("type_name"), sa.column("timestamp"), sa.column("data")
    )
    query = sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
    if sender_id is not None:
        query = query.where(events.c.sender_id == sender_id)
    with engine.connect() as connection:
        result = list(connection.execute(query))
    engine.dispose()
    return result


def user(text: str, intent: str = "inform", timestamp: float | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, timestamp=timestamp)


async def save_turn(store: PrivateSQLTrackerStore, sender_id: str, *events) -> None:
    tracker = await store.get_or_create_tracker(sender_id)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


def test_endpoints_yml_block_loads_this_store_even_with_blank_env_values(db_path: Path, domain: Domain) -> None:
    # endpoints.yml passes ${TRACKER_DB_PORT} etc., which are empty strings when unset.
    config = EndpointConfig.from_dict(
        {"type": STORE_PATH, "dialect": "sqlite", "db": str(db_path), "url": "", "port": "", "username": ""}
    )
    store = TrackerStore.create(config, domain)
    assert isinstance(store, PrivateSQLTrackerStore)
    assert db_path.exists()


async def test_a_phone_number_is_stored_masked(store: PrivateSQLTrackerStore, db_path: Path) -> None:
    tracker = await store.get_or_create_tracker("maria")
    tracker.update(user("my number is +504 9999-9999 and mail maria@example.org"))
    tracker.update(SlotSet("contact", "+504 9999-9999"))
    tracker.update(BotUttered("Thanks"))
    await store.save(tracker)

    stored = rows(db_path, "maria")
    assert stored, "the conversation should be stored"
    raw = " ".join(row.data for row in stored)
    assert "9999" not in raw and "maria@example.org" not in raw
    user_row = json.loads(next(row.data for row in stored if row.type_name == "user"))
    assert user_row["text"] == "my number is [phone] and mail [email]"
    assert user_row["parse_data"]["text"] == user_row["text"]
    slot_row = json.loads(next(row.data for row in stored if row.type_name == "slot"))
    assert slot_row["value"] == "[phone]"

    # The turn being handled still sees what the user wrote; the stored copy does not.
    assert tracker.latest_message.text.startswith("my number is +504 9999-9999")
    reloaded = await store.retrieve("maria")
    assert reloaded.latest_message.text == "my number is [phone] and mail [email]"
    assert reloaded.get_slot("contact") == "[phone]"


@pytest.mark.parametrize(
    "request_event",
    [
        user("forget me", intent="forget_me"),
        user("borra mis datos", intent="forget_me"),
        user("/forget", "nlu_fallback"),
    ],
)
async def test_forget_me_leaves_no_row_for_that_sender(
    store: PrivateSQLTrackerStore, db_path: Path, request_event: UserUttered
) -> None:
    await save_turn(store, "ana", user("they took my passport, call 5512345678"), BotUttered("I hear you"))
    await save_turn(store, "other", user("hola", intent="greet"), BotUttered("Hola"))
    assert rows(db_path, "ana") and rows(db_path, "other")

    tracker = await store.get_or_create_tracker("ana")
    tracker.update(request_event)
    tracker.update(ActionExecuted("utter_forgotten"))
    tracker.update(BotUttered("Done, I deleted our conversation."))
    await store.save(tracker)

    assert rows(db_path, "ana") == []
    assert len(rows(db_path, "other")) == 3  # action_listen, user, bot
    assert await store.retrieve("ana") is None
    fresh = await store.get_or_create_tracker("ana")
    assert [event for event in fresh.events if isinstance(event, UserUttered)] == []


async def test_an_ordinary_message_deletes_nothing(store: PrivateSQLTrackerStore, db_path: Path) -> None:
    await save_turn(store, "ana", user("how do I forget a bad job offer?"), BotUttered("..."))
    await save_turn(store, "ana", user("/forgetful"))
    assert len(rows(db_path, "ana")) == 4


async def test_delete_sender_removes_only_that_conversation(store: PrivateSQLTrackerStore, db_path: Path) -> None:
    await save_turn(store, "ana", user("hola", intent="greet"))
    await save_turn(store, "luis", user("hola", intent="greet"))
    assert store.delete_sender("ana") == 2
    assert rows(db_path, "ana") == [] and len(rows(db_path, "luis")) == 2
    assert store.delete_sender("nobody") == 0


async def seed_ages(store: PrivateSQLTrackerStore, now: float) -> None:
    """old: last message 40 days ago; recent: 1 day ago; revived: old history but a message 2 days ago."""
    for sender, stamps in {"old": [45, 40], "recent": [3, 1], "revived": [60, 2]}.items():
        tracker = store.init_tracker(sender)
        for days_ago in stamps:
            tracker.update(user("hola", intent="greet", timestamp=now - days_ago * DAY))
        await store.save(tracker)


async def test_purge_removes_old_conversations_only(store: PrivateSQLTrackerStore, db_path: Path) -> None:
    now = time.time()
    await seed_ages(store, now)
    assert store.purge_older_than(30 * DAY, now=now) == 1
    assert rows(db_path, "old") == []
    assert len(rows(db_path, "recent")) == 2 and len(rows(db_path, "revived")) == 2
    assert store.purge_older_than(30 * DAY, now=now) == 0


async def test_the_running_server_purges_by_default_without_cron(
    store: PrivateSQLTrackerStore, db_path: Path, monkeypatch
) -> None:
    """RETENTION unset means 30 days, enforced by a thread the server's tracker store starts itself."""
    from bot.rasa_hooks import start_retention

    monkeypatch.delenv("RETENTION", raising=False)
    await seed_ages(store, time.time())
    thread = start_retention(store, every=0.05)
    try:
        deadline = time.monotonic() + 10
        while rows(db_path, "old") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop.set()
    assert rows(db_path, "old") == [] and len(rows(db_path, "recent")) == 2


def test_retention_can_be_set_or_switched_off(monkeypatch) -> None:
    from bot.rasa_hooks import retention_seconds

    monkeypatch.setenv("RETENTION", "12h")
    assert retention_seconds() == 12 * 3600
    assert retention_seconds("off") is None
    monkeypatch.delenv("RETENTION")
    assert retention_seconds() == 30 * DAY


async def test_a_huge_message_is_stored_cut(store: PrivateSQLTrackerStore, db_path: Path) -> None:
    from bot.privacy.events import MAX_STORED_CHARS

    await save_turn(store, "paster", user("a" * 5_000_000))
    stored = json.loads(next(row.data for row in rows(db_path, "paster") if row.type_name == "user"))
    assert MAX_STORED_CHARS <= len(stored["text"]) < MAX_STORED_CHARS + 10 and stored["text"].endswith("[...]")


def test_purge_rejects_a_negative_age(store: PrivateSQLTrackerStore) -> None:
    with pytest.raises(ValueError, match="non-negative"):
        store.purge_older_than(-1)


# ------------------------------------------------------------------------------------------------- CLI


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    privacy_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


async def test_cli_purge_with_db_url(store: PrivateSQLTrackerStore, db_path: Path, capsys) -> None:
    await seed_ages(store, time.time())
    assert run_cli(["privacy", "purge", "--older-than", "30d", "--db-url", f"sqlite:///{db_path}"]) == 0
    assert "Removed 1 conversation " in capsys.readouterr().out
    assert {row.sender_id for row in rows(db_path)} == {"recent", "revived"}


async def test_cli_purge_reads_the_store_from_endpoints_yml(
    store: PrivateSQLTrackerStore, db_path: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    await seed_ages(store, time.time())
    monkeypatch.setenv("PRIVACY_TEST_DB", str(db_path))
    monkeypatch.setenv("PRIVACY_TEST_PORT", "")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: {STORE_PATH}\n  dialect: sqlite\n  db: ${{PRIVACY_TEST_DB}}\n"
        "  port: ${PRIVACY_TEST_PORT}\n"
    )
    assert run_cli(["privacy", "purge", "--older-than", "36h", "--endpoints", str(endpoints)]) == 0
    assert "Removed 2 conversations with no message in the last 36 hours." in capsys.readouterr().out
    assert {row.sender_id for row in rows(db_path)} == {"recent"}


@pytest.mark.parametrize("bad", ["30x", "30", "d30", "0d", "-5d", "1.5d"])
def test_cli_rejects_a_bad_duration_with_a_clear_message(bad: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["privacy", "purge", f"--older-than={bad}", "--db-url", "sqlite:///unused.db"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"invalid duration '{bad}'" in error and "e.g. 30d" in error


def test_cli_does_not_create_a_database_that_is_missing(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.sqlite"
    assert run_cli(["privacy", "purge", "--older-than", "30d", "--db-url", f"sqlite:///{missing}"]) == 1
    assert "not found" in capsys.readouterr().err
    assert not missing.exists()


def test_cli_explains_an_in_memory_tracker_store(tmp_path: Path, capsys) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert run_cli(["privacy", "purge", "--older-than", "30d", "--endpoints", str(endpoints)]) == 1
    assert "has no tracker_store" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------- logging

SECRET = "they took my passport G12345678, I am at the hotel Sol room 12"


@pytest.fixture
def log_output(monkeypatch):
    """A real handler on the root logger; every logging change made by the test is undone afterwards."""
    monkeypatch.delenv(logging_setup.ENV_VAR, raising=False)
    names = set(logging_setup.QUIET_LOGGERS) | set(logging_setup.REDACTED_LOGGERS)
    levels = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    for extra in [h for h in root.handlers if h not in root_handlers]:
        root.removeHandler(extra)
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)
    for target in [root, *root.handlers, *logging.Logger.manager.loggerDict.values()]:
        for redact in [f for f in getattr(target, "filters", []) if isinstance(f, RedactMessageText | RedactSecrets)]:
            target.removeFilter(redact)


def log_everything() -> None:
    processor = logging.getLogger("rasa.core.processor")
    processor.debug("Received user message '%s'", SECRET)
    processor.info("Logged UserUtterance - tracker now has 4 events: %s", SECRET)
    processor.warning("Could not parse message '%s'", SECRET)
    logging.getLogger("rasa.nlu.classifiers.diet_classifier").info("text: %s", SECRET)
    logging.getLogger("bot.channels.telegram").error("failed to forward %s", SECRET)
    try:
        raise ValueError(SECRET)
    except ValueError:
        logging.getLogger("rasa_sdk.executor").exception("action failed")
    logging.getLogger("rasa.core.agent").warning("model not loaded yet")


def test_production_logs_hide_message_text(log_output: io.StringIO) -> None:
    assert configure_logging("production") is not None
    # Even if someone turns debug logging back on (e.g. `rasa run --debug`), the text stays out.
    logging.getLogger("rasa.core.processor").setLevel(logging.DEBUG)
    log_everything()
    output = log_output.getvalue()
    assert "passport" not in output and "G12345678" not in output and "hotel" not in output
    assert "WARNING rasa.core.processor" in output
    assert "ERROR bot.channels.telegram" in output
    assert "rasa_sdk.executor" in output and "ValueError" in output  # the kind of failure stays visible
    assert "model not loaded yet" in output  # loggers that never see user text keep their messages
    assert not [line for line in output.splitlines() if line.startswith(("DEBUG ", "INFO "))]


def test_production_is_the_default_mode(log_output: io.StringIO) -> None:
    assert configure_logging() is not None  # BOT_ENV unset means production
    logging.getLogger("rasa.core.processor").warning("Could not parse message '%s'", SECRET)
    assert "passport" not in log_output.getvalue()


def test_development_logs_keep_message_text_when_asked_for(log_output: io.StringIO) -> None:
    assert configure_logging("development") is None
    logging.getLogger("rasa.core.processor").warning("Could not parse message '%s'", SECRET)
    assert SECRET in log_output.getvalue()


TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize("mode", ["production", "development"])
def test_tokens_are_redacted_from_every_line_in_every_mode(log_output: io.StringIO, monkeypatch, mode: str) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "webhook-secret-value-123")
    monkeypatch.setenv("TRACKER_DB_PASSWORD", "pg-password-42")
    configure_logging(mode)
    logging.getLogger("httpx").warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logging.getLogger("somewhere").error("secret header %s", "webhook-secret-value-123")
    logging.getLogger("sqlalchemy.pool").warning("connecting to postgresql://bot:pg-password-42@db/rasa")
    try:
        raise ConnectionError(f"https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except ConnectionError:
        logging.getLogger("telegram.ext").exception("network error")
    output = log_output.getvalue()
    assert TOKEN not in output and "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in output
    assert "webhook-secret-value-123" not in output and "pg-password-42" not in output
    assert "[secret]" in output


def test_debug_is_refused_in_production(log_output: io.StringIO, monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    with pytest.raises(LogConfigError, match="LOG_LEVEL=DEBUG is refused"):
        process_logging("production")
    # Rasa's own `--debug` cannot be refused before it starts: the level is brought back to INFO.
    logging.getLogger().setLevel(logging.DEBUG)
    configure_logging("production")
    assert logging.getLogger().getEffectiveLevel() == logging.INFO


def test_tracker_store_switches_redaction_on_in_production(
    log_output: io.StringIO, db_path: Path, domain: Domain, monkeypatch
) -> None:
    monkeypatch.setenv(logging_setup.ENV_VAR, "production")
    PrivateSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db_path))
    logging.getLogger("rasa.core.channels.rest").warning("message: %s", SECRET)
    assert "passport" not in log_output.getvalue()
    assert "rasa.core.channels.rest" in log_output.getvalue()


def test_a_mistyped_bot_env_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv(logging_setup.ENV_VAR, "prod")
    with pytest.raises(ValueError, match="BOT_ENV must be 'production' or 'development'"):
        configure_logging()


# ----------------------------------------------------------------------------- danger and forget in one message


@pytest.mark.parametrize(
    ("text", "intent", "marked"),
    [
        ("me tienen encerrada en un cuarto, ayúdame y borra esta conversación", "report_danger", True),
        ("they took my passport. delete this chat please", "report_danger", True),
        ("me quitaron el pasaporte, no quiero que quede nada de esto", "report_danger", True),
        ("me quitaron el pasaporte y no me dejan salir", "report_danger", False),
        ("borra esta conversación", "forget_me", False),  # its own intent: nothing to add
        ("el borrador del contrato dice que me quitan el pasaporte", "report_danger", False),
        # Mixed signals and a story that is over: the check-in or the survivor reply, and the deletion too.
        ("no se si estoy bien aqui, el patron guarda los papeles. borra esto por favor", "danger_check_in", True),
        ("hello?? anyone there. delete this conversation after", "danger_check_in", True),
        ("years ago I was trafficked, I got out. please erase this chat", "survivor_story", True),
        ("how do I delete this chat on telegram?", "faq", False),  # a question about deleting, answered as such
    ],
)
def test_a_forget_request_inside_a_cry_for_help_is_marked(text: str, intent: str, marked: bool) -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.forget import ForgetRequestExtractor

    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 1.0}})
    ForgetRequestExtractor(ForgetRequestExtractor.get_default_config()).process([message])  # as config.yml has it
    found = [e for e in message.get("entities", []) if e["entity"] == "forget_request"]
    assert bool(found) is marked


async def test_danger_with_a_forget_request_deletes_the_conversation(store: PrivateSQLTrackerStore, db_path) -> None:
    await save_turn(store, "lucia", user("hola"))
    assert rows(db_path, "lucia")
    cry = UserUttered(
        "me tienen encerrada, borra esta conversación",
        {"name": "report_danger", "confidence": 1.0},
        entities=[{"entity": "forget_request", "value": "true", "start": 22, "end": 44}],
    )
    await save_turn(store, "lucia", cry, BotUttered("Si estás en peligro ahora, llama al 911"))
    assert rows(db_path, "lucia") == []
