"""Speed and memory of the parts on every message's path, and of the whole NLU model.

Prints figures only; thresholds belong to whoever reads them, not to the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

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


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn: Callable[[str], object], rounds: int = 200) -> None:
    samples = []
    for _ in range(rounds):
        for message in MESSAGES:
            start = time.perf_counter()
            fn(message)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95)]
    print(f"{label:<34} median {statistics.median(samples):7.3f} ms   p95 {p95:7.3f} ms   ({len(samples)} calls)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/assistant.tar.gz"))
    args = parser.parse_args(argv)
    print(f"start: max RSS {rss_mb():.0f} MB")

    from bot.language import LanguageDetector

    language = LanguageDetector.from_file()
    language.detect("warm up")
    timed("language detection", language.detect)

    from bot.nlp.countries import CountryFinder

    timed("country finder", CountryFinder.from_file().find)

    from bot.safety.danger import DangerDetector

    timed("danger backstop", DangerDetector.from_file().detect)

    # The second opinion on danger, trained here on the repository's examples (the model carries its own copy).
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.paths import DATA_DIR
    from bot.safety.classifier import DangerScorer

    examples = load_data(str(DATA_DIR / "nlu")).intent_examples
    start = time.perf_counter()
    scorer = DangerScorer.fit([e.get("text") for e in examples], [e.get("intent") == "report_danger" for e in examples])
    print(f"danger classifier training ({len(examples)} examples) {time.perf_counter() - start:.1f} s")
    timed("danger classifier", scorer.probability)

    from bot.job_offer import OfferReader

    reader = OfferReader.from_files()
    timed("job-offer reader", lambda text: reader.read(text))

    from bot.privacy.masking import mask_text

    timed("masking", mask_text)
    print(f"rule components loaded: max RSS {rss_mb():.0f} MB")

    if args.model.exists():
        from rasa.core.agent import Agent

        start = time.perf_counter()
        agent = Agent.load(str(args.model))
        print(f"model load {time.perf_counter() - start:.1f} s: max RSS {rss_mb():.0f} MB")
        loop = asyncio.new_event_loop()
        timed("full NLU parse (model)", lambda text: loop.run_until_complete(agent.parse_message(text)), rounds=10)
        print(f"after parsing: max RSS {rss_mb():.0f} MB")
    else:
        print(f"no model at {args.model}: run `make train` for the full-parse figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
