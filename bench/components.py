"""`python -m bench.components`: time per message of each rule component, and of a full NLU parse, in-process.

The per-component figures `make bench` always printed; `make bench` now runs this in a process of its own (so its
memory is not counted in anything else) and folds the figures into results/bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.procs import rss_mb

MESSAGES = [
    "hola",
    "what is human trafficking?",
    "me ofrecieron trabajo en canada pero me piden 500 dolares para la visa, es normal?",
    "they took my passport and won't let me leave",
    "donde puedo pedir ayuda en México",
    "ok",
    "🙏",
    "A company on Facebook offered me a job in Spain, 3000 a month, they pay my flight but keep my passport",
]


def timed(label: str, fn: Callable[[str], object], rounds: int, results: dict) -> None:
    samples = []
    for _ in range(rounds):
        for message in MESSAGES:
            start = time.perf_counter()
            fn(message)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95)]
    median = statistics.median(samples)
    results[label] = {"median_ms": round(median, 3), "p95_ms": round(p95, 3), "calls": len(samples)}
    print(f"{label:<34} median {median:7.3f} ms   p95 {p95:7.3f} ms   ({len(samples)} calls)", flush=True)


def run(model: Path | None, rounds: int = 200, parse_rounds: int = 10) -> dict:
    """Times every rule component (and the whole parse when `model` is given); returns the figures."""
    results: dict = {"timings": {}, "memory_mb": {}}
    timings, memory = results["timings"], results["memory_mb"]
    memory["start"] = round(rss_mb())
    print(f"start: RSS {memory['start']} MB")

    from bot.language import LanguageDetector

    language = LanguageDetector.from_file()
    language.detect("warm up")
    timed("language detection", language.detect, rounds, timings)

    from bot.nlp.countries import CountryFinder

    timed("country finder", CountryFinder.from_file().find, rounds, timings)

    from bot.safety.danger import DangerDetector

    timed("danger backstop", DangerDetector.from_file().detect, rounds, timings)

    # The second opinion on danger, trained here on the repository's examples (the model carries its own copy).
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.paths import DATA_DIR
    from bot.safety.classifier import DangerScorer

    examples = load_data(str(DATA_DIR / "nlu")).intent_examples
    start = time.perf_counter()
    scorer = DangerScorer.fit([e.get("text") for e in examples], [e.get("intent") == "report_danger" for e in examples])
    results["danger_classifier_training_s"] = round(time.perf_counter() - start, 1)
    print(f"danger classifier training ({len(examples)} examples) {results['danger_classifier_training_s']} s")
    timed("danger classifier", scorer.probability, rounds, timings)

    from bot.job_offer import OfferReader

    reader = OfferReader.from_files()
    timed("job-offer reader", lambda text: reader.read(text), rounds, timings)

    from bot.privacy.masking import mask_text

    timed("masking", mask_text, rounds, timings)
    memory["rule_components"] = round(rss_mb())
    print(f"rule components loaded: RSS {memory['rule_components']} MB")

    if model is not None and model.exists():
        from rasa.core.agent import Agent

        start = time.perf_counter()
        agent = Agent.load(str(model))
        results["model_load_s"] = round(time.perf_counter() - start, 1)
        memory["model_loaded"] = round(rss_mb())
        print(f"model load {results['model_load_s']} s: RSS {memory['model_loaded']} MB")
        loop = asyncio.new_event_loop()
        timed("full NLU parse (model)", lambda text: loop.run_until_complete(agent.parse_message(text)),
              parse_rounds, timings)  # fmt: skip
        memory["after_parsing"] = round(rss_mb())
        print(f"after parsing: RSS {memory['after_parsing']} MB")
    elif model is not None:
        print(f"no model at {model}: run `make train` for the full-parse figures")
    return results


def quiet_rasa() -> None:
    """Rasa's structured log prints every parse at debug level unless its CLI configured it: warnings only."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("models/assistant.tar.gz"))
    parser.add_argument("--no-model", action="store_true", help="rule components only (no full parse)")
    parser.add_argument("--rounds", type=int, default=200, help="rounds over the messages per rule component")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    quiet_rasa()
    results = run(None if args.no_model else args.model, rounds=args.rounds)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
