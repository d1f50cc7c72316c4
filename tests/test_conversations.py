"""Learning from real conversations and the impact figures, on a tracker store filled as the assistant fills it.

What a maintainer and a funder would notice: the review file lists what went wrong, grouped and counted, masked,
with nothing from a forgotten conversation and no sender ids; the import puts labelled lines in the right place
and reports duplicates and conflicts; the figures count without quoting anyone.
"""

from __future__ import annotations

import asyncio
import csv
import shutil
from pathlib import Path

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot import datafile
from bot.cli import main
from bot.conversations import conversations, figures, import_review, read_events, review_rows, write_figures
from bot.datacheck import check
from bot.paths import DATA_DIR
from bot.privacy.tracker_store import PrivateSQLTrackerStore

SENDERS = ["sender-a-7f3e", "sender-b-91c2", "sender-c-0d4b", "sender-forgotten-5a"]
T0 = 1_796_000_000.0  # 2026-11-29


def user(text: str, intent: str, confidence: float, when: float, channel: str = "rest", **entities: str):
    parse = {"intent": {"name": intent, "confidence": confidence}, "text": text,
             "entities": [{"entity": k, "value": v, "start": 0, "end": 1} for k, v in entities.items()]}  # fmt: skip
    return UserUttered(text, parse["intent"], parse["entities"], parse_data=parse, timestamp=when,
                       input_channel=channel)  # fmt: skip


def said(action: str, when: float) -> ActionExecuted:
    return ActionExecuted(action, timestamp=when)


CONVERSATIONS = {
    "sender-a-7f3e": [
        user("me quitaron el pasaporte, llamame al +504 9999 9999", "report_danger", 0.99, T0, language="es"),
        said("utter_emergency_contacts", T0 + 1), SlotSet("country", "HN", timestamp=T0 + 1),
    ],
    "sender-b-91c2": [
        user("asdf qwer", "nlu_fallback", 0.3, T0 + 10, "socketio", language="en"),
        said("utter_ask_rephrase", T0 + 11),
        user("can my boss keep my passport", "faq/rights_documents", 0.52, T0 + 20, "socketio"),
        said("utter_faq", T0 + 21), SlotSet("need", "legal_aid", timestamp=T0 + 21),
        SlotSet("job_flag_passport", "yes", timestamp=T0 + 22),
    ],
    "sender-c-0d4b": [
        user("asdf  QWER", "nlu_fallback", 0.2, T0 + 8 * 86400, language="en"),
        said("utter_ask_rephrase", T0 + 8 * 86400),
        user("my boss is killing me with work lol", "report_danger", 0.9, T0 + 8 * 86400 + 5),
        said("utter_danger_check_in", T0 + 8 * 86400 + 6),
    ],
    "sender-forgotten-5a": [
        user("zebra secret words", "nlu_fallback", 0.1, T0 + 30, language="en"), said("utter_ask_rephrase", T0 + 31),
    ],
}


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.sqlite'}"
    store = PrivateSQLTrackerStore(host=url, background=False)
    slots = [TextSlot(name, mappings=[]) for name in ("language", "country", "need", "job_flag_passport")]
    for sender, events in CONVERSATIONS.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=slots)))
    store.delete_sender("sender-forgotten-5a")  # "forget me"
    return url


@pytest.fixture(scope="module")
def found(db_url: str):
    return conversations(read_events(db_url))


def test_the_review_file_groups_and_counts_what_went_wrong_masked(found, db_url: str, tmp_path: Path) -> None:
    rows = review_rows(found)
    by_text = {row["text"]: row for row in rows}
    assert by_text["asdf qwer"]["times"] == 2 and by_text["asdf qwer"]["why"] == "not understood"
    assert by_text["can my boss keep my passport"]["why"] == "unsure"
    assert by_text["my boss is killing me with work lol"]["why"] == "asked if safe"
    assert "me quitaron el pasaporte, llamame al +504 9999 9999" not in by_text  # handled well: not listed
    written = tmp_path / "review.csv"
    assert main(["review", "export", "--db-url", db_url, "--out", str(written)]) == 0
    content = written.read_text(encoding="utf-8")
    assert "zebra" not in content  # the forgotten conversation is gone
    assert not any(sender in content for sender in SENDERS)
    assert list(csv.DictReader(content.splitlines()))[0]["label"] == ""


def test_stored_text_is_masked_before_anything_reads_it(found) -> None:
    texts = [turn.text for conversation in found for turn in conversation.turns]
    assert not any("9999" in text for text in texts)
    assert not any("zebra" in text for text in texts)


def test_the_figures_count_without_text_or_ids(found, tmp_path: Path) -> None:
    rows = figures(found)
    total = lambda measure, value="": sum(r["count"] for r in rows if r["measure"] == measure  # noqa: E731
                                          and (not value or r["value"] == value))  # fmt: skip
    assert total("conversations") == 3  # the forgotten one is not counted
    assert (total("danger alerts"), total("check-ins"), total("fallbacks")) == (1, 1, 2)
    assert total("topic", "rights_documents") == 1 and total("country", "HN") == 1
    assert total("need", "legal_aid") == 1 and total("job-offer sign found", "passport") == 1
    weeks = {r["week"]: r["count"] for r in rows if r["measure"] == "conversations" and r["channel"] == "rest"}
    assert len(weeks) == 2 and sorted(weeks.values()) == [1, 1]  # conversation C is eight days after A
    assert {r["channel"] for r in rows} == {"rest", "socketio"}
    table, page = write_figures(rows, tmp_path)
    for path in (table, page):
        content = path.read_text(encoding="utf-8")
        assert not any(sender in content for sender in SENDERS)
        for conversation in CONVERSATIONS.values():
            for event in conversation:
                if isinstance(event, UserUttered):
                    assert event.text not in content
    shown = page.read_text(encoding="utf-8")
    assert "<svg" in shown and "Conversations per week" in shown
    assert "Keeping your passport and ID" in shown and "Honduras" in shown  # names from the data, not ids


def test_labelled_lines_go_to_the_right_block_with_duplicates_and_conflicts_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    review = tmp_path / "review.csv"
    rows = [
        {"text": "can my boss lock my passport in his safe", "language": "en", "label": "faq/rights_documents"},
        {"text": "yess pleaseee", "language": "en", "label": "affirm"},
        {"text": "sii porfis", "language": "es", "label": "affirm"},
        {"text": "can a boss keep my passport legally?", "language": "en", "label": "faq/rights_documents"},
        {"text": "hi", "language": "en", "label": "faq/rights_documents"},
        {"text": "something new", "language": "en", "label": "brand_new_intent"},
        {"text": "not labelled", "language": "en", "label": ""},
    ]
    with review.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "times", "why", "language", "understood_as", "label"])
        writer.writeheader()
        writer.writerows(rows)
    report = import_review(review, data)
    assert [(t, i) for t, i, _ in report.added] == [
        ("can my boss lock my passport in his safe", "faq/rights_documents"),
        ("yess pleaseee", "affirm"),
        ("sii porfis", "affirm"),
    ]
    assert report.duplicates == [("can a boss keep my passport legally?", "faq/rights_documents")]
    assert report.conflicts == [("hi", "faq/rights_documents", "greet")]
    assert report.unknown == [("something new", "brand_new_intent")]

    def examples(file: str, intent: str, language: str | None = None) -> list[str]:
        blocks = datafile.read(data / "nlu" / file)["nlu"]
        return [line[2:] for b in blocks if b.get("intent") == intent
                and (language is None or (b.get("metadata") or {}).get("language") == language)
                for line in b["examples"].splitlines()]  # fmt: skip

    assert "can my boss lock my passport in his safe" in examples("faq_rights.yml", "faq/rights_documents")
    assert "yess pleaseee" in examples("answers.yml", "affirm", "en")
    assert "sii porfis" in examples("answers.yml", "affirm", "es")
    assert [p for p in check(data) if not p.warning] == []  # the files are still well formed
