"""Learning from real conversations, and figures for a report, from the tracker store. No sender ids anywhere.

* `python -m bot review export --out review.csv`: the messages the assistant did not handle well (it asked to
  rephrase or offered a person, it asked "are you safe?", or it was unsure of the intent), as stored: masked
  (phone numbers, e-mails and ID numbers are already replaced when stored), grouped by wording and counted, with
  what the assistant understood, and an empty `label` column for a maintainer. Conversations that were forgotten
  ("forget me", retention) are gone from the store, so nothing of them can appear.
* `python -m bot review import review.csv`: every line with a `label` (an intent such as `greet` or
  `faq/rights_documents`) is added to the data/nlu/ file and language block where that intent's examples are, and
  the command reports what it did not add: duplicates (already an example of that intent), conflicts (already an
  example of another intent: a person must decide), unknown intents (a new intent is a developer's change).
  Then `make check` and `make publish`.
* `python -m bot figures --out build/figures`: per week, by language and channel: conversations, topics (cards),
  countries, needs, job-offer warning signs found, danger alerts, check-ins and fallbacks. A CSV and a one-page
  HTML report with charts. Counts only: no message text, no ids.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import datafile
from bot.language import fold
from bot.paths import DATA_DIR

LOW_CONFIDENCE = 0.7
FALLBACK_INTENTS = {"nlu_fallback", "nonsense"}
FALLBACK_ACTIONS = {"utter_ask_rephrase", "utter_fallback_handoff", "action_default_fallback"}
CHECK_IN_ACTIONS = {"utter_danger_check_in"}
DANGER_ACTIONS = {"utter_emergency_contacts"}
REVIEW_COLUMNS = ["text", "times", "why", "language", "understood_as", "label"]


# --- reading the store ---------------------------------------------------------------------------------------


@dataclass
class Turn:
    """One user message and what the assistant did right after it."""

    text: str
    timestamp: float
    intent: str | None
    confidence: float
    language: str | None
    channel: str | None
    actions: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    flags_found: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)


def read_events(db_url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(conversation key, event) in stored order, straight from the tracker store's table."""
    from bot.privacy.tracker_store import PrivateSQLTrackerStore

    store = PrivateSQLTrackerStore(host=db_url, background=False)
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent.sender_id, store.SQLEvent.data).order_by(
            store.SQLEvent.sender_id, store.SQLEvent.id
        )
        for sender, data in rows.yield_per(1000):
            yield sender, json.loads(data)


def conversations(events: Iterable[tuple[str, dict[str, Any]]]) -> list[Conversation]:
    """Conversations in no particular order, without their keys: nothing downstream can name a sender."""
    by_sender: dict[str, Conversation] = defaultdict(Conversation)
    for sender, event in events:
        conversation = by_sender[sender]
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            entities = {e.get("entity"): e.get("value") for e in parse.get("entities") or [] if isinstance(e, dict)}
            if entities.get("language"):
                conversation.slots["language"] = entities["language"]
            conversation.turns.append(Turn(
                text=str(event.get("text") or ""), timestamp=float(event.get("timestamp") or 0),
                intent=intent.get("name"), confidence=float(intent.get("confidence") or 0),
                language=conversation.slots.get("language"), channel=event.get("input_channel"),
            ))  # fmt: skip
        elif kind == "action" and conversation.turns and event.get("name") != "action_listen":
            conversation.turns[-1].actions.append(str(event.get("name")))
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            conversation.slots[name] = value
            if name == "need" and value:
                conversation.needs.add(str(value))
            if str(name).startswith("job_flag_") and value == "yes":
                conversation.flags_found.add(str(name)[len("job_flag_") :])
    return list(by_sender.values())


# --- review export and import -----------------------------------------------------------------------------------


def why(turn: Turn) -> list[str]:
    reasons = []
    if turn.intent in FALLBACK_INTENTS or FALLBACK_ACTIONS & set(turn.actions):
        reasons.append("not understood")
    if CHECK_IN_ACTIONS & set(turn.actions):
        reasons.append("asked if safe")
    if turn.intent not in FALLBACK_INTENTS and turn.confidence < LOW_CONFIDENCE:
        reasons.append("unsure")
    return reasons


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+|[^\w\s]", fold(text)))


def review_rows(found: list[Conversation]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for conversation in found:
        for turn in conversation.turns:
            reasons = why(turn)
            if not reasons or not turn.text.strip() or turn.text.startswith("/"):
                continue
            row = groups.setdefault(_key(turn.text), {"text": turn.text.strip(), "times": 0, "why": Counter(),
                                                      "language": Counter(), "understood_as": Counter()})
            row["times"] += 1
            row["why"].update(reasons)
            row["language"][turn.language or ""] += 1
            row["understood_as"][turn.intent or ""] += 1
    out = []
    for row in sorted(groups.values(), key=lambda r: (-r["times"], r["text"])):
        reasons = ", ".join(reason for reason, _ in row["why"].most_common())
        out.append({"text": row["text"], "times": row["times"], "why": reasons, "label": "",
                    "language": row["language"].most_common(1)[0][0],
                    "understood_as": row["understood_as"].most_common(1)[0][0]})  # fmt: skip
    return out


def write_review(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class ImportReport:
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (text, intent, file)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (text, intent)
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (text, label, existing intent)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (text, label)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (text, why)


def _examples(block: dict[str, Any]) -> list[str]:
    value = block.get("examples") or ""
    if isinstance(value, list):
        return [str(item.get("text", "")) for item in value if isinstance(item, dict)]
    return [re.sub(r"^\s*-\s?", "", line).strip() for line in str(value).splitlines() if line.strip()]


def import_review(path: Path, data_dir: Path = DATA_DIR) -> ImportReport:
    report = ImportReport()
    nlu = data_dir / "nlu"
    known: dict[str, str] = {}
    blocks: dict[str, list[tuple[Path, int, str | None]]] = defaultdict(list)
    for file in sorted(nlu.glob("*.yml")):
        for index, block in enumerate(datafile.read_mapping(file).get("nlu") or []):
            if not block.get("intent"):
                continue
            intent = str(block["intent"])
            blocks[intent].append((file, index, (block.get("metadata") or {}).get("language")))
            for example in _examples(block):
                known.setdefault(_key(example), intent)
    additions: dict[tuple[Path, int], list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text, label = " ".join((row.get("text") or "").split()), (row.get("label") or "").strip()
            if not label or label.lower() in {"skip", "-"} or not text:
                continue
            if re.search(r"\]\s*[({]", text) or text.startswith(("-", "#")):
                report.refused.append((text, "looks like Rasa's annotation syntax; add it by hand"))
                continue
            existing = known.get(_key(text))
            if existing == label:
                report.duplicates.append((text, label))
                continue
            if existing is not None:
                report.conflicts.append((text, label, existing))
                continue
            if label not in blocks:
                report.unknown.append((text, label))
                continue
            language = (row.get("language") or "").strip() or None
            file, index, _ = next((b for b in blocks[label] if b[2] == language), None) or next(
                (b for b in blocks[label] if b[2] is None), blocks[label][0])  # fmt: skip
            additions[(file, index)].append(text)
            known[_key(text)] = label
            report.added.append((text, label, file.name))
    for (file, index), texts in additions.items():
        _insert_examples(file, index, texts)
    return report


def _insert_examples(file: Path, index: int, texts: list[str]) -> None:
    """Add lines right under the block's `examples: |`, indented like its other lines; the rest is untouched."""
    document = datafile.read_located(file)
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    at = document.line(("nlu", index, "examples"))  # 1-based line of `examples: |`
    following = lines[at] if at < len(lines) else ""
    indent = following[: len(following) - len(following.lstrip())] or " " * 6
    lines[at:at] = [f"{indent}- {text}\n" for text in texts]
    file.write_text("".join(lines), encoding="utf-8")


# --- figures ---------------------------------------------------------------------------------------------------------


def _week(timestamp: float) -> str:
    year, week, _ = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def figures(found: list[Conversation]) -> list[dict[str, Any]]:
    """Rows of (week, language, channel, measure, value, count): counts only."""
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    for conversation in found:
        if not conversation.turns:
            continue
        first = conversation.turns[0]
        week = _week(first.timestamp)
        language = conversation.slots.get("language") or first.language or "unknown"
        channel = first.channel or "unknown"

        def add(measure: str, value: str = "", n: int = 1, _k=(week, language, channel)) -> None:
            counts[(*_k, measure, value)] += n

        add("conversations")
        for turn in conversation.turns:
            if turn.intent and turn.intent.startswith("faq/"):
                add("topic", turn.intent.split("/", 1)[1])
            if DANGER_ACTIONS & set(turn.actions):
                add("danger alerts")
            if CHECK_IN_ACTIONS & set(turn.actions):
                add("check-ins")
            if "not understood" in why(turn):
                add("fallbacks")
        if conversation.slots.get("country"):
            add("country", str(conversation.slots["country"]))
        for need in sorted(conversation.needs):
            add("need", need)
        for flag in sorted(conversation.flags_found):
            add("job-offer sign found", flag)
    return [{"week": k[0], "language": k[1], "channel": k[2], "measure": k[3], "value": k[4], "count": n}
            for k, n in sorted(counts.items())]  # fmt: skip


def names(language: str = "en", data_dir: Path = DATA_DIR) -> dict[str, dict[str, str]]:
    """Readable names for the report, from the data files: card titles, country names, red-flag labels."""
    from bot.content import load_cards

    out: dict[str, dict[str, str]] = {"topic": {}, "country": {}, "job-offer sign found": {}}
    try:
        out["topic"] = {card.id: card.title.get(language, card.id) for card in load_cards(data_dir / "content")}
        for item in datafile.read_mapping(data_dir / "countries.yml").get("countries") or []:
            out["country"][str(item["code"])] = (item.get("name") or {}).get(language) or str(item["code"])
        for flag in datafile.read_mapping(data_dir / "job_offer" / "red_flags.yml").get("flags") or []:
            out["job-offer sign found"][str(flag["id"])] = (flag.get("label") or {}).get(language) or flag["id"]
    except Exception:  # noqa: BLE001 - a report with ids is still a report
        pass
    return out


def write_figures(rows: list[dict[str, Any]], out: Path, language: str = "en") -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    table = out / "figures.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["week", "language", "channel", "measure", "value", "count"])
        writer.writeheader()
        writer.writerows(rows)
    page = out / "figures.html"
    page.write_text(_html(rows, names(language)), encoding="utf-8")
    return table, page


def _totals(rows: list[dict[str, Any]], measure: str, by: str, shown: dict[str, str] | None = None
            ) -> list[tuple[str, int]]:
    total: Counter[str] = Counter()
    for row in rows:
        if row["measure"] == measure:
            key = row[by] or "(none)"
            total[(shown or {}).get(key, key.replace("_", " "))] += row["count"]
    return sorted(total.items(), key=lambda item: (-item[1], item[0]) if by == "value" else (item[0], 0))


def _bars(title: str, items: list[tuple[str, int]]) -> str:
    if not items:
        return f"<section><h2>{html.escape(title)}</h2><p class=none>none in this period</p></section>"
    top = max(n for _, n in items) or 1
    height = 22 * len(items)
    bars = "".join(
        f'<text x="0" y="{22 * i + 15}">{html.escape(label)}</text>'
        f'<rect x="190" y="{22 * i + 4}" width="{max(1, round(360 * n / top))}" height="14"></rect>'
        f'<text x="{196 + round(360 * n / top)}" y="{22 * i + 15}">{n}</text>'
        for i, (label, n) in enumerate(items)
    )
    return (f'<section><h2>{html.escape(title)}</h2><svg width="600" height="{height}" role="img" '
            f'aria-label="{html.escape(title)}">{bars}</svg></section>')  # fmt: skip


def _html(rows: list[dict[str, Any]], shown: dict[str, dict[str, str]] | None = None) -> str:
    shown = shown or {}
    weeks = sorted({row["week"] for row in rows})
    period = f"{weeks[0]} to {weeks[-1]}" if weeks else "no conversations yet"
    sections = [
        _bars("Conversations per week", _totals(rows, "conversations", "week")),
        _bars("Conversations by language", _totals(rows, "conversations", "language")),
        _bars("Conversations by channel", _totals(rows, "conversations", "channel")),
        _bars("Danger alerts per week", _totals(rows, "danger alerts", "week")),
        _bars("Check-ins (\u201care you safe?\u201d) per week", _totals(rows, "check-ins", "week")),
        _bars("Not understood per week", _totals(rows, "fallbacks", "week")),
        _bars("Topics asked (answer cards)", _totals(rows, "topic", "value", shown.get("topic"))[:15]),
        _bars("Countries", _totals(rows, "country", "value", shown.get("country"))[:15]),
        _bars("Kinds of help asked for", _totals(rows, "need", "value")),
        _bars("Job-offer warning signs found",
              _totals(rows, "job-offer sign found", "value", shown.get("job-offer sign found"))),
    ]
    style = ("body{font:14px sans-serif;max-width:1240px;margin:24px auto;color:#222}"
             "main{display:grid;grid-template-columns:1fr 1fr;gap:8px 32px}h2{font-size:15px;margin:12px 0 4px}"
             "rect{fill:#2a6f97}svg text{font-size:12px;fill:#222}.none{color:#777}")  # fmt: skip
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>Assistant figures</title><style>{style}</style>"
            f"<h1>Assistant figures: {html.escape(period)}</h1><p>Counts of conversations from the assistant's "
            "store (conversations deleted on request or after the retention period are not counted). No message "
            f"text and no identifiers. The same figures by week, language and channel: figures.csv.</p>"
            f"<main>{''.join(sections)}</main></html>\n")  # fmt: skip


# --- command line -------------------------------------------------------------------------------------------


def _db_url(args: argparse.Namespace) -> str:
    from bot.privacy.cli import PurgeError, _check_reachable, _kwargs_from_endpoints
    from bot.privacy.tracker_store import PrivateSQLTrackerStore

    if args.db_url:
        url = args.db_url
    else:
        kwargs = _kwargs_from_endpoints(args.endpoints)
        url = str(PrivateSQLTrackerStore.get_db_url(**{k: kwargs.get(k) for k in
                  ("dialect", "host", "port", "db", "username", "password", "login_db", "query")}))  # fmt: skip
    try:
        _check_reachable(url)
    except PurgeError as error:
        raise SystemExit(f"error: {error}") from None
    return url


def register(subparsers: argparse._SubParsersAction) -> None:
    review = subparsers.add_parser("review", help="messages to label (export) and labelled lines to data/nlu (import)")
    commands = review.add_subparsers(dest="review_command", required=True)
    export = commands.add_parser("export", help="messages the assistant did not handle well, masked and counted")
    export.add_argument("--out", type=Path, default=Path("review.csv"))
    importing = commands.add_parser("import", help="add the labelled lines of a review file to data/nlu")
    importing.add_argument("file", type=Path)
    report = subparsers.add_parser("figures", help="weekly figures (CSV and an HTML page), no text, no ids")
    report.add_argument("--out", type=Path, default=Path("build/figures"))
    report.add_argument("--language", default="en", help="language of the report's names (default en)")
    for parser in (export, report):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--endpoints", default="endpoints.yml", help="Rasa endpoints file (tracker_store)")
        source.add_argument("--db-url", help="SQLAlchemy URL of the tracker database")
    export.set_defaults(func=_export)
    importing.set_defaults(func=_import)
    report.set_defaults(func=_figures)


def _export(args: argparse.Namespace) -> int:
    rows = review_rows(conversations(read_events(_db_url(args))))
    write_review(rows, args.out)
    print(f"wrote {args.out}: {len(rows)} message(s) to label ({sum(r['times'] for r in rows)} times in all). "
          "Fill the `label` column with the intent each should have, then: python -m bot review import FILE")
    return 0


def _import(args: argparse.Namespace) -> int:
    report = import_review(args.file)
    for text, intent, file in report.added:
        print(f"added to data/nlu/{file} as {intent}: {text}")
    for text, intent in report.duplicates:
        print(f"duplicate, not added (already an example of {intent}): {text}")
    for text, label, existing in report.conflicts:
        print(f"CONFLICT, not added: labelled {label} but already an example of {existing}: {text}")
    for text, label in report.unknown:
        print(f"unknown intent {label!r}, not added (a new intent is a developer's change): {text}")
    for text, reason in report.refused:
        print(f"not added ({reason}): {text}")
    print(f"\n{len(report.added)} added, {len(report.duplicates)} duplicate(s), {len(report.conflicts)} conflict(s), "
          f"{len(report.unknown)} unknown. Next: make check, then make publish.")
    return 1 if report.conflicts or report.unknown else 0


def _figures(args: argparse.Namespace) -> int:
    table, page = write_figures(figures(conversations(read_events(_db_url(args)))), args.out, args.language)
    print(f"wrote {table} and {page}")
    return 0
