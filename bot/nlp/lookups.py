"""spacy-lookups-data's lemma tables, cut down to what the rule readers can ask of them, read once per process.

The danger rules and the job-offer reader look a word's lemma up only to compare it with the words of their data
files (data/safety, data/job_offer). The whole Spanish table (491,547 entries) took about 160 MB in every process
that loaded it, most of the action server; almost all of it is words no pattern can match. So each process keeps:

- the entries whose word or lemma (lowercase or folded) is a word of those data files, or a lemma of one, or starts
  with one of their prefixes ("secuestr*"): dropping any other entry changes no match, because a word without an
  entry is its own lemma, and neither it nor its real lemma is a word the data names;
- the real words one typo away from a word of those files: the danger reader never takes a real word ("kinds")
  for a typo of a pattern word ("kids"), and these are the only real words it ever has to ask about.

The cut-down tables are written to build/lemmas/ with a fingerprint of the data, the lookups package and this
file, so only the first process after a change reads the full table (about a second and 90 MB, given back).
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.paths import BUILD_DIR, DATA_DIR

if TYPE_CHECKING:
    from spacy.lookups import Lookups

logger = logging.getLogger(__name__)

# The data whose words the lemma tables are compared with (every YAML file under these folders).
READER_DATA: tuple[Path, ...] = (DATA_DIR / "safety", DATA_DIR / "job_offer")
CACHE_DIR = BUILD_DIR / "lemmas"
# Data words shorter than this are left out of the typo neighbourhood (the danger reader corrects none under its
# `fuzzy: min_length`, 5 in data/safety/danger_patterns.yml).
NEAR_MIN_LENGTH = 3
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LemmaTable:
    """One language's lemma entries that matter here, and the real words that look like typos of data words."""

    lemmas: dict[str, str]
    near_words: frozenset[str]

    def is_word(self, word: str) -> bool:
        """Whether `word` is a word of the language: exact for every word one typo away from a data word (the only
        words a typo corrector asks about), and for every word the table keeps."""
        return word in self.near_words or word in self.lemmas


@cache
def _folds() -> tuple[Callable[[str], str], ...]:
    """The two ways the readers fold a word: bot/language.py's (NFKD) and bot/job_offer's (NFD)."""
    from bot.job_offer.text import fold as job_offer_fold  # imported here: bot.job_offer imports this module
    from bot.language import fold as language_fold

    return language_fold, job_offer_fold


def _forms(word: str) -> set[str]:
    """The word, lowercase, and folded both ways the readers fold."""
    low = word.lower()
    if low.isascii():
        return {word, low}
    return {word, low, *(fold(low) for fold in _folds())}


def _data_files() -> list[Path]:
    return sorted(p for folder in READER_DATA if folder.is_dir() for p in folder.rglob("*.yml"))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def data_words() -> tuple[set[str], tuple[str, ...]]:
    """Every word of the readers' data files in all its forms, and the prefixes they name ("secuestr*")."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    words: set[str] = set()
    prefixes: set[str] = set()
    for path in _data_files():
        for text in _strings(yaml.load(path.read_text(encoding="utf-8"))):
            for word in _LETTERS.findall(text):
                words |= _forms(word)
            for match in re.finditer(r"([^\W\d_]+)\*", text):
                prefixes |= _forms(match.group(1))
    return words, tuple(sorted(prefixes))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def cut_down(raw: dict[str, str], words: set[str], prefixes: tuple[str, ...]) -> LemmaTable:
    """The entries of `raw` that a comparison with `words` can need, and the real words near `words`."""
    wanted = set(words)
    for word in words:  # a LEMMA pattern also matches the lemma of its word ("paid" matches "pays" through "pay")
        for form in (word, word.lower()):
            lemma = raw.get(form)
            if isinstance(lemma, str):
                wanted |= _forms(lemma)

    def relevant(word: str) -> bool:
        low = word.lower()
        if word in wanted or low in wanted or low.startswith(prefixes):
            return True
        forms = _forms(word) if not low.isascii() else ()  # _forms of an ASCII word adds nothing to `low`
        return not wanted.isdisjoint(forms) or any(f.startswith(prefixes) for f in forms)

    lemma_relevant = {v: relevant(v) for v in set(raw.values()) if isinstance(v, str)}  # 65,000 of 490,000
    lemmas = {k: v for k, v in raw.items() if v in lemma_relevant and (lemma_relevant[v] or relevant(k))}
    index = {d for w in words if len(w) >= NEAR_MIN_LENGTH for d in _deletes(w)}
    near = frozenset(
        w
        for w in set(raw) | set(lemma_relevant)
        if len(w) >= NEAR_MIN_LENGTH - 1 and any(w[:i] + w[i + 1 :] in index for i in range(len(w)))
        or w in index
    )
    return LemmaTable(lemmas, near)


def _fingerprint(language: str) -> str:
    import spacy_lookups_data

    digest = hashlib.sha256(f"{language} {spacy_lookups_data.__version__}".encode())
    digest.update(Path(__file__).read_bytes())
    for path in _data_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _read_cache(path: Path) -> LemmaTable | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return LemmaTable(dict(stored["lemmas"]), frozenset(stored["near_words"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, table: LemmaTable, language: str) -> None:
    payload = {"lemmas": table.lemmas, "near_words": sorted(table.near_words)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as out:
            json.dump(payload, out, ensure_ascii=False)
        os.replace(out.name, path)  # atomic: a server starting at the same time reads all of it or nothing
        for old in path.parent.glob(f"{language}-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only install: the table stays in memory, built again at the next start
        logger.warning("could not write %s; the cut-down lemma table stays in memory", path)


def _give_back_memory() -> None:
    """Return the full table's freed memory to the system (glibc keeps it otherwise)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _cache_path(language: str) -> Path:
    return CACHE_DIR / f"{language}-{_fingerprint(language)}.json"


def full_table(language: str) -> dict[str, str]:
    """The full table, word -> lemma (raises when spacy-lookups-data lacks it); the tests compare with it."""
    from spacy.util import load_language_data, registry

    tables = registry.lookups.get(language)  # raises when the language has no tables at all
    if "lemma_lookup" not in tables:
        raise ValueError(f"spacy-lookups-data has no lemma_lookup table for {language}")
    return load_language_data(tables["lemma_lookup"])


def _build(language: str, path: Path) -> LemmaTable:
    """Read the full table, cut it down and write the result (raises when spacy-lookups-data lacks the table)."""
    raw = full_table(language)
    table = cut_down(raw, *data_words())
    del raw
    _give_back_memory()
    _write_cache(path, table, language)
    return table


def _build_elsewhere(language: str) -> None:
    """Build the cached table in a child process, so a server never holds the full table, even for a moment."""
    command = [sys.executable, "-m", "bot.nlp.lookups", language]
    try:
        subprocess.run(command, check=True, timeout=300, capture_output=True)
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("building the %s lemma table in a child process failed (%s); building it here", language, error)


@cache
def lemma_table(language: str) -> LemmaTable:
    """`language`'s cut-down lemma table (raises as spaCy does when spacy-lookups-data lacks the language)."""
    path = _cache_path(language)
    table = _read_cache(path)
    if table is None:
        _build_elsewhere(language)
        table = _read_cache(path)
    return table if table is not None else _build(language, path)


@cache
def lemma_lookups(language: str) -> Lookups:
    """The cut-down table as spaCy's `Lookups`, for a lookup lemmatizer."""
    from spacy.lookups import Lookups

    lookups = Lookups()
    lookups.add_table("lemma_lookup", lemma_table(language).lemmas)
    return lookups


def main(languages: Iterable[str]) -> None:
    """Write the cut-down tables of `languages` (all the assistant speaks when none is named) to build/lemmas/."""
    from bot.language import supported_codes

    for language in languages or supported_codes():
        _build(language, _cache_path(language))


if __name__ == "__main__":
    sys.modules.setdefault("tensorflow", None)  # spaCy's import would wake it through thinc; not needed here
    main(sys.argv[1:])
