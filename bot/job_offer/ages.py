"""Finding who an offer is for by age ("girls 16+", "jóvenes de 13 a 17 años", "18-25 yrs").

Any offer aimed at under-18s is a serious warning on its own (issue 18), and ages are written in too many
ways for word patterns: "16+", "13 to 17", "de 14 o 15 años", "from 12 years old". A number is read as an age
only when an age word follows it or a word for people comes just before it; the words, the adult age and the
range words are data (red_flags.yml, `ages`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.job_offer.text import fold

_WORD = re.compile(r"[\w'/+\-–&]+|[^\w\s]")


@dataclass(frozen=True)
class AgeRule:
    flag: str
    adult: int
    youngest: int
    after: frozenset[str]
    people: frozenset[str]
    ranges: tuple[str, ...]
    adult_phrases: tuple[str, ...]
    months: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> AgeRule:
        def words(key: str) -> frozenset[str]:
            return frozenset(fold(str(w)) for code in (raw.get(key) or {}).values() for w in code or ())

        return cls(
            flag=str(raw["flag"]),
            adult=int(raw.get("adult", 18)),
            youngest=int(raw.get("youngest", 5)),
            after=words("after"),
            people=words("people"),
            ranges=tuple(fold(str(w)) for w in raw.get("ranges") or ()),
            adult_phrases=tuple(fold(str(p)) for code in (raw.get("adult_phrases") or {}).values() for p in code or ()),
            months=words("months"),
        )


@dataclass(frozen=True)
class AgeMatch:
    start: int
    end: int
    lowest: int


class AgeFinder:
    """Ages in folded text (lowercase, no accents, same offsets as the original)."""

    def __init__(self, rule: AgeRule) -> None:
        self.rule = rule
        joiners = "|".join(re.escape(w) if not w.isalpha() else rf"{w}(?![a-z])" for w in rule.ranges)
        self._pattern = re.compile(
            rf"(?<![\d$€£.,])(?P<low>\d{{1,2}})(?![\d.,]\d)(?:\s*(?P<plus>\+)|\s*(?:{joiners})\s*(?P<high>\d{{1,2}})(?![\d]))?"
        )

    def _is_age(self, folded: str, match: re.Match[str]) -> bool:
        after = re.findall(r"[a-z/'\-]+", folded[match.end() : match.end() + 14])[:1]
        if after and after[0] in self.rule.after:
            return True
        # A day of a month is a date, not an age: "workers, Aug 15 - Nov 10", "del 15 de agosto", "15 March".
        before_word = re.findall(r"[a-z]+", folded[max(0, match.start() - 12) : match.start()])[-1:]
        next_words = re.findall(r"[a-z]+", folded[match.end() : match.end() + 16])[:2]
        if next_words and next_words[0] in {"de", "of"}:
            next_words = next_words[1:]
        if self.rule.months & set(before_word + next_words[:1]):
            return False
        # A digit glued to letters that are not an age word ("6xx xxx xxx", "3rd", "4x4") is no age.
        if re.match(r"[a-z]", folded[match.end() : match.end() + 1]):
            return False
        # Nor is a number followed by more digits ("al 6 12 34 56", a phone number).
        if re.match(r"[ \t]?\d", folded[match.end() : match.end() + 2]):
            return False
        before = re.findall(r"[a-z']+", folded[max(0, match.start() - 30) : match.start()])[-3:]
        return any(word in self.rule.people for word in before)

    def ages(self, folded: str) -> list[AgeMatch]:
        found = []
        for match in self._pattern.finditer(folded):
            low = int(match.group("low"))
            if not self.rule.youngest <= low <= 99 or not self._is_age(folded, match):
                continue
            high = match.group("high")
            if high and int(high) < low:
                continue
            found.append(AgeMatch(match.start(), match.end(), low))
        return found

    def minors(self, folded: str) -> list[AgeMatch]:
        """Ages under the adult age: the offer is (also) for children."""
        return [a for a in self.ages(folded) if a.lowest < self.rule.adult]

    def adults_only(self, folded: str) -> AgeMatch | None:
        """Evidence that the offer is for adults ("18-25", "mayor de 18"), when no younger age is named."""
        if self.minors(folded):
            return None
        for phrase in self.rule.adult_phrases:
            index = folded.find(phrase)
            if index >= 0:
                return AgeMatch(index, index + len(phrase), self.rule.adult)
        return next((a for a in self.ages(folded) if a.lowest >= self.rule.adult), None)
