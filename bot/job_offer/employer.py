"""Does an offer name an employer a person could look up?

Batch J1 showed the commonest sign of a deceptive offer is the one nobody writes down: the employer has no
name ("a company in Alberta", "una señora de Puebla", "Don Chepe"). A classifier can learn what such offers
look like, but it cannot see that a name is there; these rules can. A company's legal form, a public body
running the programme, the employer's own web or e-mail domain, a street address, or "Employer: X" rule the
sign out. The word lists are data (red_flags.yml, `employer`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.job_offer.text import fold

_DOMAIN = re.compile(
    r"(?:@|\b)(?:www\.)?([a-z0-9][a-z0-9-]*)\.(?:[a-z0-9-]+\.)*(?:com|org|net|gov|edu|info|biz|[a-z]{2})\b(?:\.[a-z]{2})?"
)


@dataclass(frozen=True)
class EmployerRule:
    flag: str
    legal_forms: tuple[str, ...]
    public_bodies: tuple[str, ...]
    free_mail: frozenset[str]
    not_employer_sites: frozenset[str]
    street_words: tuple[str, ...]
    labels: tuple[str, ...]
    only_before_number: tuple[str, ...] = ()
    # An offer-like text naming no employer, with at least this classifier probability, shows the sign.
    unnamed_min_words: int = 12
    unnamed_probability: float = 1.0

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EmployerRule:
        def flat(key: str) -> tuple[str, ...]:
            value = raw.get(key) or ()
            items = [w for code in value.values() for w in code or ()] if isinstance(value, Mapping) else list(value)
            return tuple(fold(str(w)) for w in items)

        return cls(
            flag=str(raw["flag"]),
            legal_forms=flat("legal_forms"),
            public_bodies=flat("public_bodies"),
            free_mail=frozenset(flat("free_mail")),
            not_employer_sites=frozenset(flat("not_employer_sites")),
            street_words=flat("street_words"),
            labels=flat("labels"),
            only_before_number=flat("only_before_number"),
            unnamed_min_words=int(raw.get("unnamed_offer_min_words", 12)),
            unnamed_probability=float(raw.get("unnamed_offer_probability", 1.0)),
        )


@dataclass(frozen=True)
class EmployerName:
    start: int
    end: int
    kind: str  # legal_form, public_body, domain, address, label


def _words(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class EmployerFinder:
    """Evidence in folded text that the employer is named (see the module docstring)."""

    def __init__(self, rule: EmployerRule) -> None:
        self.rule = rule
        forms = _words(rule.legal_forms)
        self._legal = re.compile(rf"[a-z0-9&'.-]+[ ,]+(?:{forms})(?![a-z])") if forms else None
        bodies = _words(rule.public_bodies)
        self._bodies = re.compile(rf"(?<![a-z])(?:{bodies})(?![a-z])") if bodies else None
        streets = _words(rule.street_words)
        after_number = _words(tuple(w for w in rule.street_words if w not in rule.only_before_number))
        # "1200 Oak Street", "Calle 13 # 8-40", "Av. Juárez 240", "7a Avenida 12-30, zona 9", "Km 12 carretera"
        self._address = (
            re.compile(
                rf"(?<![a-z0-9])(?:\d{{1,5}}[a-z]?\.?\s+(?:[a-z]+\.?\s+){{0,3}}(?:{after_number})\.?(?![a-z])"
                rf"|(?:{streets})\.?\s+(?:[a-z#.]+\s+){{0,3}}#?\s*\d{{1,5}}(?:\s*[-#]\s*\d{{1,4}})?)"
            )
            if streets
            else None
        )
        labels = _words(rule.labels)
        self._label = re.compile(rf"(?<![a-z])(?:{labels})\s*:\s*[a-z0-9]") if labels else None

    def find(self, folded: str) -> EmployerName | None:
        """The first piece of evidence that an employer is named, or None."""
        for kind, pattern in (
            ("legal_form", self._legal),
            ("public_body", self._bodies),
            ("address", self._address),
            ("label", self._label),
        ):
            match = pattern.search(folded) if pattern else None
            if match:
                return EmployerName(match.start(), match.end(), kind)
        for match in _DOMAIN.finditer(folded):
            host = match.group(1)
            if host not in self.rule.free_mail and host not in self.rule.not_employer_sites:
                return EmployerName(match.start(), match.end(), "domain")
        return None
