"""The job-offer check as a person meets it, offer by offer: `python -m bot.eval.job_offer_conversation`.

Issue 18's "done when" is about conversations, not about the reader alone. For every labelled offer pasted as
the first message of a conversation, answering "I don't know" to every question, this measures:

- routing: the trained model (parse of the pasted text, danger backstop included) starts the check;
- the first reply warns: a deceptive offer gets at least one warning sign in the first reply;
- signs over the conversation: precision and recall of the signs the result lists ("I don't know" adds none,
  so they are the signs read in the text). An offer that is not routed gets no result: its signs count as missed;
- no legitimate offer is graded "serious warning signs";
- no reply calls an offer safe (first reply, questions and result);
- every reply is in the offer's language (the language the pipeline sets for the conversation).

The first reply, the questions and the result are built by the same functions the actions call
(bot/job_offer: start_check, question_text, build_result); the actions only pass them the tracker's slots.
Routing and language come from the model. On a model trained before bot.nlu.offer.OfferRouter existed, the
router, DangerBackstop and the fallback run in Python after the model's classifiers (bot/eval/pipeline.py):
the figures then say what the next training should give, and the report says so.

Blind batches: a NOT YET SCORED batch is only read when named with --set (its single first score).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.eval.nlu import DEFAULT_MODEL
from bot.job_offer import OfferReader, build_result, question_text, start_check
from bot.job_offer.labelled import HELD_OUT_FILE, LabelledOffer, is_scored, load_file, unseen_batches
from bot.job_offer.result import SERIOUS

OFFER_INTENT = "ask_job_offer_safe"
DEFAULT_LANGUAGE = "es"  # the `language` slot's initial value (domain/domain.yml)
# The check must never call an offer safe, not even in a negated sentence.
SAFE_WORDS = re.compile(r"\b(safe|safety|secure|seguro|segura|seguros|seguras|asegur\w*)\b", re.IGNORECASE)
TARGETS = {
    "routed": 0.95,
    "deceptive_warned": 0.90,
    "sign_recall": 0.80,
    "sign_precision": 0.85,
    "legit_serious": 0,
    "safe_replies": 0,
    "language": 1.0,
}


@dataclass
class Conversation:
    """What one pasted offer got."""

    offer: LabelledOffer
    intent: str
    routed: bool
    language: str
    found: tuple[str, ...] = ()
    level: str = ""
    replies: list[str] = field(default_factory=list)
    danger: dict[str, Any] = field(default_factory=dict)


def reply_language(parse: dict[str, Any]) -> str:
    """The language the conversation is answered in after this first message (the `language` slot)."""
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value"):
            return str(entity["value"])
    return DEFAULT_LANGUAGE


def converse(offer: LabelledOffer, parse: dict[str, Any], reader: OfferReader) -> Conversation:
    """The conversation of one pasted offer, every question answered "I don't know"."""
    intent = str((parse.get("intent") or {}).get("name") or "")
    language = reply_language(parse)
    chat = Conversation(offer, intent, intent == OFFER_INTENT, language, danger=parse.get("danger_decision") or {})
    if not chat.routed:
        return chat
    reading = reader.read(offer.text, language)
    start = start_check(reading, language, is_offer=True, book=reader.book)
    result = build_result(start.found, start.ruled_out, start.questions, language, book=reader.book)
    chat.found, chat.level = start.found, result.level
    chat.replies = [start.text] + [question_text(q, language, reader.book) for q in start.questions] + [result.text]
    return chat


@dataclass
class Report:
    name: str
    chats: list[Conversation]
    simulated: bool

    def figures(self) -> dict[str, Any]:
        chats = self.chats
        deceptive = [c for c in chats if c.offer.is_deceptive]
        legit = [c for c in chats if not c.offer.is_deceptive]
        tp = sum(len(set(c.found) & c.offer.flags) for c in chats)
        fp = sum(len(set(c.found) - c.offer.flags) for c in chats)
        fn = sum(len(c.offer.flags - set(c.found)) for c in chats)
        return {
            "offers": len(chats),
            "routed": sum(c.routed for c in chats) / max(len(chats), 1),
            "deceptive_warned": sum(bool(c.found) for c in deceptive) / max(len(deceptive), 1),
            "sign_recall": tp / max(tp + fn, 1),
            "sign_precision": tp / max(tp + fp, 1),
            "legit_serious": sum(c.level == SERIOUS for c in legit),
            "safe_replies": sum(1 for c in chats for r in c.replies if SAFE_WORDS.search(r)),
            "language": sum(c.language == c.offer.language for c in chats) / max(len(chats), 1),
            "counts": {"deceptive": len(deceptive), "legitimate": len(legit), "tp": tp, "fp": fp, "fn": fn},
        }

    def lines(self) -> list[str]:
        f = self.figures()
        how = "simulated router on an older model (see bot/eval/pipeline.py)" if self.simulated else "trained model"
        out = [f"{self.name}: {f['offers']} pasted offers ({f['counts']['deceptive']} deceptive), {how}"]
        out.append(f"  routed to the check               {f['routed']:7.1%}  (target >= {TARGETS['routed']:.0%})")
        warned, target = f["deceptive_warned"], TARGETS["deceptive_warned"]
        out.append(f"  deceptive warned in first reply   {warned:7.1%}  (target >= {target:.0%})")
        out.append(
            f"  signs over the conversation       precision {f['sign_precision']:.2f}, recall {f['sign_recall']:.2f}"
            f"  (targets >= {TARGETS['sign_precision']}, >= {TARGETS['sign_recall']})"
        )
        out.append(f"  legitimate offers graded serious  {f['legit_serious']:4d}     (target 0)")
        out.append(f"  replies that say safe             {f['safe_replies']:4d}     (target 0)")
        out.append(f"  replies in the offer's language   {f['language']:7.1%}  (target 100%)")
        for c in self.chats:
            if not c.routed:
                by = c.danger.get("by") if c.danger.get("danger") else None
                out.append(
                    f"  ! {c.offer.id}: not routed, got {c.intent or 'nothing'}" + (f" (danger by {by})" if by else "")
                )
            elif c.language != c.offer.language:
                out.append(f"  ! {c.offer.id}: answered in {c.language}, offer in {c.offer.language}")
            if c.level == SERIOUS and not c.offer.is_deceptive:
                out.append(f"  ! {c.offer.id}: legitimate offer graded serious ({', '.join(c.found)})")
        return out

    def meets_targets(self) -> bool:
        f = self.figures()
        return all(f[k] <= v if k in ("legit_serious", "safe_replies") else f[k] >= v for k, v in TARGETS.items())


def evaluate(model: Path, sets: list[tuple[str, list[LabelledOffer]]]) -> list[Report]:
    from bot.eval.pipeline import cached_parses

    reader = OfferReader.from_files()
    texts = [o.text for _, offers in sets for o in offers]
    parses, simulated = cached_parses(model, texts, "job_offer_conversations")
    reports, index = [], 0
    for name, offers in sets:
        chats = [converse(o, p, reader) for o, p in zip(offers, parses[index : index + len(offers)], strict=True)]
        index += len(offers)
        reports.append(Report(name, chats, simulated))
    return reports


def default_sets(unseen_dir: Path | None = None) -> list[tuple[str, list[LabelledOffer]]]:
    """The held-out offers and every blind batch already scored (never one marked NOT YET SCORED)."""
    sets = [(f"held out ({HELD_OUT_FILE.name})", load_file(HELD_OUT_FILE).offers)]
    for path in unseen_batches(unseen_dir):
        if is_scored(path):
            sets.append((f"{path.name} (no longer unseen)", load_file(path).offers))
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        default=[],
        help="labelled offers to run (default: held out + scored batches)",
    )
    parser.add_argument("--unseen-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    sets = [(path.name, load_file(path).offers) for path in args.set] or default_sets(args.unseen_dir)
    reports = evaluate(args.model, sets)
    for report in reports:
        print("\n".join(report.lines()))
    if any(r.simulated for r in reports):
        print("Routing and language measured with the offer router simulated on a model trained before it;")
        print("the real figures come with the next `make train`.")
    return 0 if all(r.meets_targets() for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
