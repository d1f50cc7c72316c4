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

# Words before a business's name that make it a meeting place ("lobby of Hotel X"); "at the", "en el" only when an
# interview or a meeting is spoken of just before ("interviews at the Hotel X"): "a job at the X Hotel" names the
# employer.
_LOBBY = re.compile(r"(?:lobby|vestibulo|recepcion)(?: of| del| de)?(?: the| el)?\W*$")
_AT = re.compile(r"(?:en el|en la|at the|in the)\W*$")
_MEETING = re.compile(
    r"(?<![a-z])(?:interview|interviews|meet|meeting|audition|auditions|come|bring|entrevista|entrevistas|reunion"
    r"|cita|presentarse|presentate|presentese|audicion|audiciones|ven|venga|traer|trae)(?![a-z])"
)


def _meeting_place(before: str) -> bool:
    """Whether the folded text just before a name makes it where people meet, not who employs."""
    if _LOBBY.search(before[-20:]):
        return True
    return bool(_AT.search(before[-20:]) and _MEETING.search(before[-60:]))


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
    # A business's own name, read on the text as typed: capitalised words before ("Golden Harvest Electronics",
    # "Pearl Crest Hotel") or after ("Hotel Las Palmas", "Constructora Del Valle") one of these words.
    business_after: tuple[str, ...] = ()
    business_before: tuple[str, ...] = ()
    not_names: frozenset[str] = frozenset()
    # An offer-like text naming no employer, with at least this classifier probability, shows the sign.
    unnamed_min_words: int = 12
    unnamed_probability: float = 1.0

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EmployerRule:
        def flat(key: str, as_typed: bool = False) -> tuple[str, ...]:
            """Every language's words of `key` in one tuple, folded unless they are matched as typed."""
            value = raw.get(key) or ()
            items = [w for code in value.values() for w in code or ()] if isinstance(value, Mapping) else list(value)
            return tuple(str(w) if as_typed else fold(str(w)) for w in items)

        return cls(
            flag=str(raw["flag"]),
            legal_forms=flat("legal_forms"),
            public_bodies=flat("public_bodies"),
            free_mail=frozenset(flat("free_mail")),
            not_employer_sites=frozenset(flat("not_employer_sites")),
            street_words=flat("street_words"),
            labels=flat("labels"),
            only_before_number=flat("only_before_number"),
            business_after=flat("business_after", as_typed=True),
            business_before=flat("business_before", as_typed=True),
            not_names=frozenset(flat("not_names")),
            unnamed_min_words=int(raw.get("unnamed_offer_min_words", 12)),
            unnamed_probability=float(raw.get("unnamed_offer_probability", 1.0)),
        )


@dataclass(frozen=True)
class EmployerName:
    start: int
    end: int
    kind: str  # legal_form, public_body, domain, address, label, business


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
        # A capitalised name word: "Golden", "Río", "O'Neill", "Tri-County" (not an all-caps shout).
        name = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü'’&-]+"
        after = "|".join(re.escape(w) for w in sorted(set(rule.business_after), key=len, reverse=True))
        before = "|".join(re.escape(w) for w in sorted(set(rule.business_before), key=len, reverse=True))
        self._business_after = (
            re.compile(rf"(?<![\w-])((?:{name}[ \t]+){{1,4}})(?:{after})(?![\w-])") if after else None
        )
        self._business_before = (
            re.compile(
                rf"(?<![\w-])(?:{before})[ \t]+((?:(?:de|del|la|las|los|el|y)[ \t]+)?{name}(?:[ \t]+{name}){{0,3}})"
            )
            if before
            else None
        )
        labels = _words(rule.labels)
        self._label = re.compile(rf"(?<![a-z])(?:{labels})\s*:\s*[a-z0-9]") if labels else None

    def business(self, original: str) -> EmployerName | None:
        """A business's own name in the text as typed ("Golden Harvest Electronics", "Hotel Las Palmas")."""
        for pattern in (self._business_after, self._business_before):
            for match in pattern.finditer(original) if pattern else ():
                words = [fold(w) for w in match.group(1).split()]
                if _meeting_place(fold(original[max(0, match.start() - 60) : match.start()])):
                    continue  # where an interview is held, not who employs
                if any(
                    w not in self.rule.not_names for w in words if w not in ("de", "del", "la", "las", "los", "el", "y")
                ):
                    return EmployerName(match.start(), match.end(), "business")
        return None

    def find(self, folded: str, original: str | None = None) -> EmployerName | None:
        """The first piece of evidence that an employer is named, or None (`original`: the text as typed)."""
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
        return self.business(original) if original else None
