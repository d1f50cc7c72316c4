"""The vetted answer cards: the only source of what the assistant says about trafficking and smuggling.

Cards live in data/content/*.yml, each with its text in every language, the seed article it comes from and the
date it was reviewed. The bot's FAQ responses are generated from them (see bot.domain_builder), so there is no
second copy of the text to drift.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bot import datafile
from bot.paths import DATA_DIR

CONTENT_DIR = DATA_DIR / "content"
RETRIEVAL_INTENT = "faq"


class ContentError(ValueError):
    """A card file is malformed; the message names the file and the card."""


@dataclass(frozen=True)
class Card:
    id: str
    title: dict[str, str]
    text: dict[str, str]
    source: str
    reviewed_on: dt.date
    file: Path
    related: tuple[str, ...] = field(default_factory=tuple)
    # Who published the source, per language, as the footer names it ("IOM" / "OIM" unless sources.yml says).
    publisher: dict[str, str] = field(default_factory=dict)

    @property
    def response_name(self) -> str:
        return f"utter_{RETRIEVAL_INTENT}/{self.id}"

    @property
    def intent_name(self) -> str:
        return f"{RETRIEVAL_INTENT}/{self.id}"


def _require_languages(value: object, what: str, where: str, languages: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: `{what}` must map language codes to text")
    missing = [lang for lang in languages if not str(value.get(lang) or "").strip()]
    if missing:
        raise ContentError(f"{where}: `{what}` has no text for {', '.join(missing)}")
    return {str(k): str(v).strip() for k, v in value.items()}


def load_cards(directory: Path | None = None, languages: list[str] | None = None) -> list[Card]:
    """Read and check every card; raise ContentError naming the file and card on the first problem."""
    from bot.language import LanguageConfig

    directory = directory or CONTENT_DIR
    languages = languages or LanguageConfig.load().codes
    publishers = _publishers(directory / "sources.yml")
    cards: list[Card] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yml")):
        raw = datafile.read(path) or {}
        if "cards" not in raw:
            continue  # e.g. sources.yml
        for index, item in enumerate(raw["cards"] or []):
            where = f"{path.name}: card #{index + 1}"
            if not isinstance(item, dict) or not item.get("id"):
                raise ContentError(f"{where}: every card needs an `id`")
            card_id = str(item["id"])
            where = f"{path.name}: card {card_id!r}"
            if card_id in seen:
                raise ContentError(f"{where}: id already used in {seen[card_id].name}")
            seen[card_id] = path
            reviewed = item.get("reviewed_on")
            if not isinstance(reviewed, dt.date):
                raise ContentError(f"{where}: `reviewed_on` must be a date (YYYY-MM-DD)")
            if not str(item.get("source") or "").strip():
                raise ContentError(f"{where}: `source` (the seed article's title) is missing")
            cards.append(
                Card(
                    id=card_id,
                    title=_require_languages(item.get("title"), "title", where, languages),
                    text=_require_languages(item.get("text"), "text", where, languages),
                    source=str(item["source"]).strip(),
                    reviewed_on=reviewed,
                    file=path,
                    related=tuple(str(r) for r in item.get("related") or ()),
                    publisher=publishers.get(str(item["source"]).strip(), DEFAULT_PUBLISHER),
                )
            )
    return cards


DEFAULT_PUBLISHER = {"en": "IOM", "es": "OIM"}


def _publishers(path: Path) -> dict[str, dict[str, str]]:
    """Source title -> publisher per language, from sources.yml (IOM when a source names none)."""
    if not path.exists():
        return {}
    raw = datafile.read(path) or {}
    out = {}
    for source in raw.get("sources") or []:
        publisher = source.get("publisher")
        if isinstance(publisher, dict):
            out[str(source["title"])] = {str(k): str(v) for k, v in publisher.items()}
    return out
