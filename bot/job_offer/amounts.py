"""Finding wages far above ordinary pay ("3000 a month", "2000 dlls semanales") in an offer.

"Too good to be true" is mostly about money, and money is written in too many ways for word patterns:
"$6,000/month", "40 mil pesos a la semana", "3k/mo", "1500weekly". A regular expression built from the
`high_pay` section of the red-flag data reads them; the limits and currencies stay in the data, where
reviewers can see and change them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.job_offer.flags import PayRule
from bot.job_offer.text import fold

_NUMBER = r"(?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"


@dataclass(frozen=True)
class Wage:
    """A wage stated in the text, with its rough value in US dollars per period."""

    start: int
    end: int
    period: str
    usd: float


def parse_number(raw: str) -> float:
    """Read "4,500", "3.500", "16.50" or "1,5" the way a person means it (thousands vs decimals)."""
    parts = re.split(r"[.,]", raw)
    if len(parts) > 1 and len(parts[-1]) in (1, 2):
        return float("".join(parts[:-1]) + "." + parts[-1])
    return float("".join(parts))


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of `words`, longest first, alphabetic words ending at a word boundary."""
    pieces = []
    for word in sorted({fold(w) for w in words if w}, key=len, reverse=True):
        escaped = re.escape(word)
        pieces.append(escaped + r"(?![a-z])" if word[-1].isalpha() else escaped)
    return "|".join(pieces) or r"(?!x)x"


class WageFinder:
    """Finds wages per period in folded text and tells which are above the data's limits."""

    def __init__(self, rule: PayRule) -> None:
        self.rule = rule
        self._period_of = {fold(w): period for period, words in rule.periods.items() for w in words}
        self._currency_of = {fold(w): factor for w, factor in rule.currencies.items()}
        self._rate_words = frozenset(fold(w) for w in rule.rate_words)
        self._multiplier_of = {fold(w): factor for w, factor in rule.multipliers.items()}
        self._local_words = re.compile(rf"(?<![a-z])(?:{_alternation(rule.bare_local_words)})")
        self._dollar_words = re.compile(rf"(?<![a-z])(?:{_alternation(rule.bare_dollar_words)})")
        currency = _alternation(tuple(self._currency_of))
        multiplier = _alternation(tuple(self._multiplier_of))
        connector = _alternation(rule.connectors)
        period = _alternation(tuple(self._period_of))
        self._pattern = re.compile(
            rf"(?<![a-z0-9.,])(?:(?P<cur1>{currency})\s*)?{_NUMBER}(?![\d])"
            rf"(?:\s*(?P<mult>{multiplier}))?(?:\s*(?P<cur2>{currency}))?"
            rf"(?P<conn>(?:\s*(?:{connector})){{0,3}})\s*(?P<per>{period})"
        )

    def _bare_is_local(self, folded: str, language: str | None) -> bool:
        """Whether a bare "$" in this text is read as local pesos rather than dollars."""
        rule = self.rule
        if not rule.bare_symbol:
            return False
        if self._local_words.search(folded):
            return True
        return language == "es" and not self._dollar_words.search(folded)

    def wages(self, folded: str, language: str | None = None) -> list[Wage]:
        """Every wage per period in `folded` (text already lowercased and accent-folded, same offsets).

        `language` matters only for a bare "$": in Spanish it is pesos unless the text speaks of dollars.
        """
        found = []
        bare_local = self._bare_is_local(folded, language)
        for match in self._pattern.finditer(folded):
            currency = match.group("cur1") or match.group("cur2")
            rate = match.group("per") in self._rate_words
            if not currency and not rate and not match.group("conn").strip():
                continue  # "40 hours" is a quantity, not a wage
            value = parse_number(match.group("num"))
            if match.group("mult"):
                value *= self._multiplier_of.get(match.group("mult"), 1.0)
            factor = self._currency_of.get(currency, 1.0) if currency else 1.0
            if currency == self.rule.bare_symbol and bare_local:
                factor = self.rule.bare_local_factor
            period = self._period_of[match.group("per")]
            found.append(Wage(match.start(), match.end(), period, value * factor))
        return found

    def too_high(self, folded: str, language: str | None = None) -> list[Wage]:
        """The wages at or above the limit for their period."""
        return [w for w in self.wages(folded, language) if w.usd >= self.rule.limits.get(w.period, float("inf"))]
