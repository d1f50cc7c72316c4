"""The NLU pipeline as the next trained model will run it, on a model trained before its newest components.

A new NLU component (bot.nlu.offer.OfferRouter) only runs in a model trained with it: Rasa fixes the pipeline
when it trains. To measure it before the next training, this runs the trained model's graph up to the danger
classifier (the last node before DangerBackstop), then the new component and the current DangerBackstop and
FallbackClassifier in Python, as config.yml now orders them. On a model whose pipeline already has the router,
it simply calls the model (then the figures are the real ones).

The router is trained here the way its `train` would be inside `rasa train`: from data/nlu and the labelled
offers, so the simulation and the trained component see the same data.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.paths import BUILD_DIR, REPO_ROOT

ROUTER = "bot.nlu.offer.OfferRouter"
STAGE_BEFORE_BACKSTOP = "DangerClassifier"
CONFIG = REPO_ROOT / "config.yml"
CACHE_DIR = BUILD_DIR / "eval_cache"


def _component_config(name: str) -> dict[str, Any]:
    """A component's settings in config.yml (the pipeline the next model will be trained with)."""
    import yaml

    pipeline = (yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for item in pipeline:
        if item.get("name") == name:
            return {k: v for k, v in item.items() if k != "name"}
    return {}


def nlu_training_data() -> Any:
    """data/nlu as Rasa loads it for training."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(REPO_ROOT / "data" / "nlu")], domain_path=str(REPO_ROOT / "domain")
    )
    return importer.get_nlu_data()


def load_agent(model: Path | str) -> Any:
    """The trained model, loaded once for every evaluation that reads it in this process (`make publish`'s gates
    read it three times; loading takes several seconds)."""
    path = Path(model).resolve()
    return _agent(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=1)  # one model in memory at a time: the gates measure the candidate, then the live one
def _agent(model: str, mtime_ns: int) -> Any:
    from rasa.core.agent import Agent

    return Agent.load(model)


def parse_all(model: Path | str, texts: Sequence[str]) -> list[dict[str, Any]]:
    """What the model makes of each text, as the running assistant would parse it."""
    agent = load_agent(model)

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


@dataclass
class Parser:
    """Parses messages with a trained model, adding the components the model predates (see module docstring)."""

    agent: Any
    simulated: bool
    _tail: list[Any]
    _stage: str | None

    @classmethod
    def load(cls, model: Path | str) -> Parser:
        agent = load_agent(model)
        nodes = agent.processor.model_metadata.predict_schema.nodes
        names = {node.uses.__module__ + "." + node.uses.__name__ for node in nodes.values()}
        if ROUTER in names:
            return cls(agent, False, [], None)
        stage = next(name for name, node in nodes.items() if node.uses.__name__ == STAGE_BEFORE_BACKSTOP)
        return cls(agent, True, _tail_components(), stage)

    async def parse(self, text: str) -> dict[str, Any]:
        if not self.simulated:
            return await self.agent.parse_message(text)
        from rasa.core.channels.channel import UserMessage
        from rasa.shared.nlu.constants import TEXT

        processor = self.agent.processor
        results = processor.graph_runner.run(
            inputs={"__message__": [UserMessage(text)], "__tracker__": None}, targets=[self._stage]
        )
        messages = results[self._stage]
        for component in self._tail:
            messages = component.process(messages)
        parse = {TEXT: "", "intent": {"name": None, "confidence": 0.0}, "entities": []}
        parse.update(messages[0].as_dict(only_output_properties=True))
        parse["text"] = text
        return parse

    def parse_all(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        async def run() -> list[dict[str, Any]]:
            return [await self.parse(t) for t in texts]

        return asyncio.run(run())


def _tail_components() -> list[Any]:
    """The router, the danger backstop and the fallback, configured as in config.yml."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

    from bot.nlu.components import DangerBackstop
    from bot.nlu.offer import OfferRouter

    router = OfferRouter.trained_in_process(_component_config(ROUTER))
    backstop = DangerBackstop(
        {**DangerBackstop.get_default_config(), **_component_config("bot.nlu.components.DangerBackstop")}
    )
    fallback = FallbackClassifier(
        {**FallbackClassifier.get_default_config(), **_component_config("FallbackClassifier")}
    )
    return [router, backstop, fallback]


def cached_parses(model: Path | str, texts: Sequence[str], name: str) -> tuple[list[dict[str, Any]], bool]:
    """Parses of `texts` and whether the router was simulated, cached in build/ by model, code and texts
    (a full run takes minutes)."""
    digest = hashlib.sha256()
    digest.update(str(Path(model).stat().st_mtime_ns).encode())
    for path in sorted((REPO_ROOT / "bot").rglob("*.py")) + [CONFIG, *sorted((REPO_ROOT / "data").rglob("*.yml"))]:
        digest.update(path.read_bytes())
    for text in texts:
        digest.update(text.encode("utf-8", "replace"))
    path = CACHE_DIR / f"{name}-{digest.hexdigest()[:16]}.json"
    if path.exists():
        cached = json.loads(path.read_text(encoding="utf-8"))
        return cached["parses"], bool(cached["simulated"])
    parser = Parser.load(model)
    parses = parser.parse_all(texts)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    payload = {"simulated": parser.simulated, "parses": parses}
    path.write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    return parses, parser.simulated
