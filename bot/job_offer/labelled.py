"""The labelled job offers: training data, the held-out set and the blind batches, read one way.

Three kinds of file hold offers labelled with the warning signs their text shows:

- data/job_offer/labelled_offers.yml: what the learned reader is trained on (several named sets);
- tests/job_offer/offers.yml: offers written with them but set apart before any training, never trained on;
- tests/job_offer/unseen/batch_*.yml: batches written blind by people who saw neither rules nor data. A batch
  whose header says NOT YET SCORED is only ever opened to be scored once, by someone else; nothing here reads
  it unless asked for it by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.job_offer.flags import load_yaml
from bot.paths import DATA_DIR, REPO_ROOT

TRAINING_FILE = DATA_DIR / "job_offer" / "labelled_offers.yml"
HELD_OUT_FILE = REPO_ROOT / "tests" / "job_offer" / "offers.yml"
UNSEEN_DIR = REPO_ROOT / "tests" / "job_offer" / "unseen"
NOT_YET_SCORED = "NOT YET SCORED"


@dataclass(frozen=True)
class LabelledOffer:
    """One offer and the signs a careful reader marked in its text."""

    id: str
    language: str
    text: str
    flags: frozenset[str]
    absent: frozenset[str] = frozenset()
    deceptive: bool | None = None
    group: str = ""
    style: str = ""

    @property
    def is_deceptive(self) -> bool:
        """The label when given, else "shows at least one sign" (older sets had no such label)."""
        return bool(self.flags) if self.deceptive is None else self.deceptive


@dataclass(frozen=True)
class LabelledFile:
    """The offers of one file by set name, and the comment lines at its top (where first scores are recorded)."""

    path: Path
    sets: dict[str, list[LabelledOffer]] = field(default_factory=dict)
    header: tuple[str, ...] = ()

    @property
    def offers(self) -> list[LabelledOffer]:
        return [offer for items in self.sets.values() for offer in items]


def read_header(path: Path) -> tuple[str, ...]:
    """The comment block at the top of a file, without the "# " (reads nothing past it). A first line
    `version: ...`, as Rasa's files and the first-message sets start, comes before the block and is skipped."""
    lines: list[str] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number == 0 and line.startswith("version:"):
                continue
            if not line.startswith("#"):
                break
            lines.append(line[1:].strip())
    return tuple(lines)


def is_scored(path: Path) -> bool:
    """False while the batch's header says NOT YET SCORED: then its offers must not be read for development."""
    return NOT_YET_SCORED not in " ".join(read_header(path))


def _offer(raw: dict, group: str) -> LabelledOffer:
    deceptive = raw.get("deceptive")
    return LabelledOffer(
        id=str(raw.get("id") or ""),
        language=str(raw.get("language") or ""),
        text=str(raw.get("text") or ""),
        flags=frozenset(str(f) for f in raw.get("flags") or ()),
        absent=frozenset(str(f) for f in raw.get("absent") or ()),
        deceptive=None if deceptive is None else bool(deceptive),
        group=group,
        style=str(raw.get("style") or ""),
    )


def load_file(path: Path | str) -> LabelledFile:
    """Every set of labelled offers in `path` (top-level keys whose value is a list of offers)."""
    path = Path(path)
    raw = load_yaml(path) or {}
    sets = {
        str(name): [_offer(item, str(name)) for item in items]
        for name, items in raw.items()
        if isinstance(items, list) and items and all(isinstance(i, dict) and "text" in i for i in items)
    }
    return LabelledFile(path, sets, read_header(path))


def training_offers(path: Path | str | None = None) -> list[LabelledOffer]:
    """What the learned reader is trained on: every set of the training file."""
    return load_file(path or TRAINING_FILE).offers


def held_out_offers(path: Path | str | None = None) -> list[LabelledOffer]:
    """The offers set apart from training (never trained on)."""
    return load_file(path or HELD_OUT_FILE).offers


def unseen_batches(directory: Path | str | None = None) -> list[Path]:
    """Every blind batch file, scored or not (only the header of an unscored one may be read)."""
    return sorted(Path(directory or UNSEEN_DIR).glob("batch_*.yml"))


def label_matrix(offers: Iterable[LabelledOffer], signs: Iterable[str]) -> dict[str, list[bool]]:
    """For each sign, whether each offer shows it (the targets of the per-sign classifiers)."""
    items = list(offers)
    return {sign: [sign in offer.flags for offer in items] for sign in signs}
