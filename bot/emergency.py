"""Emergency replies and every fixed text that names a number, generated from the referral directory's seed files.

Why not from the database or an action: a person in danger must get these numbers even when the action server or
the database is down, so they are compiled into plain Rasa responses with slot conditions on `language` and
`country`, and into the texts the Telegram gateway, the public entry point and the web widget send by themselves
when Rasa cannot answer. The wording lives in data/responses/safety.yml (`labels:`), the numbers only in
data/referrals/<cc>.yml: a text that needs numbers writes a placeholder (see `PLACEHOLDERS`) and gets them here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import datafile
from bot.language import LanguageConfig
from bot.paths import DATA_DIR
from bot.referrals.seeds import review_by

REFERRALS_DIR = DATA_DIR / "referrals"
COUNTRIES_FILE = DATA_DIR / "countries.yml"
SAFETY_LABELS_FILE = DATA_DIR / "responses" / "safety.yml"
CALLABLE = ("phone", "sms", "whatsapp")
# Placeholders a fixed text may contain; Rasa's own {slot} syntax is left alone.
_PLACEHOLDER = re.compile(r"\[\[(\w+)\]\]")


def _load_seed_files(directory: Path) -> dict[str, dict[str, Any]]:
    seeds = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        raw = datafile.read(path) or {}
        if raw.get("country"):
            seeds[str(raw["country"]).upper()] = raw
    return seeds


def _country_names(path: Path) -> dict[str, dict[str, str]]:
    """Display names of every country the country finder knows, so a known country never gets a blank."""
    if not path.exists():
        return {}
    raw = datafile.read(path) or {}
    items = raw.get("countries", raw) if isinstance(raw, dict) else raw
    names: dict[str, dict[str, str]] = {}
    if isinstance(items, dict):
        items = [{"code": code, **(value or {})} for code, value in items.items()]
    for item in items or []:
        if isinstance(item, dict) and item.get("code") and isinstance(item.get("name"), dict):
            names[str(item["code"]).upper()] = {str(k): str(v) for k, v in item["name"].items()}
    return names


@dataclass(frozen=True)
class Directory:
    """The seed files and country names, read once: everything a fixed text needs to name a number."""

    seeds: dict[str, dict[str, Any]]
    names: dict[str, dict[str, str]]
    labels: dict[str, dict]

    @classmethod
    def load(
        cls,
        labels: dict[str, dict] | None = None,
        referrals_dir: Path | None = None,
        countries_file: Path | None = None,
    ) -> Directory:
        seeds = _load_seed_files(referrals_dir or REFERRALS_DIR)
        names = _country_names(countries_file or COUNTRIES_FILE)
        for cc, seed in seeds.items():
            names.setdefault(cc, {k: str(v) for k, v in (seed.get("name") or {}).items()})
        if labels is None:
            labels = (datafile.read(SAFETY_LABELS_FILE) or {}).get("labels") or {}
        return cls(seeds=seeds, names=names, labels=labels)

    @property
    def region(self) -> list[str]:
        """The countries the generic texts cover, in the order they are named (data/responses/safety.yml)."""
        return [cc for cc in self.labels["emergency_country_buttons"]["codes"] if cc in self.seeds]

    def name(self, cc: str, code: str) -> str:
        return self.names.get(cc, {}).get(code) or cc

    def organisations(self, cc: str, need: str) -> list[dict[str, Any]]:
        """Organisations of a country that serve `need` and can be called or texted, in file order."""
        orgs = (self.seeds.get(cc) or {}).get("organisations") or []
        return [o for o in orgs if need in (o.get("needs") or []) and _numbers(o)]

    def phone_values(self) -> list[str]:
        """Every callable number in the directory, as written there (the widget makes exactly these tappable)."""
        values = {
            str(contact.get("value")).strip()
            for seed in self.seeds.values()
            for org in seed.get("organisations") or []
            for contact in org.get("contacts") or []
            if contact.get("kind") in CALLABLE and str(contact.get("value") or "").strip()
        }
        return sorted(values, key=lambda v: (-len(v), v))  # longest first, so "800 5533 000" beats "800"

    # --- generated pieces of text ---------------------------------------------------------------------

    def _emergency_by_number(self, code: str) -> dict[str, list[str]]:
        """Emergency number -> names of the region's countries where it works, most widely used number first."""
        by_number: dict[str, list[str]] = {}
        for cc in self.region:
            for org in self.organisations(cc, "emergency")[:1]:
                phones = _phones(org)
                if phones:
                    by_number.setdefault(phones[0], []).append(self.name(cc, code))
        return dict(sorted(by_number.items(), key=lambda item: -len(item[1])))

    def emergency_numbers(self, code: str) -> str:
        """ "911 in the United States, Canada and Mexico; 110 in Guatemala; ..." for the region's countries."""
        template = self.labels["number_in_countries"][code]
        and_word = self.labels["list_and"][code]
        return "; ".join(
            template.format(number=number, countries=_join(countries, and_word))
            for number, countries in self._emergency_by_number(code).items()
        )

    def emergency_numbers_short(self, code: str) -> str:
        """ "911 (Guatemala 110, Nicaragua 118, ...)": the most common number, then the countries that differ."""
        by_number = self._emergency_by_number(code)
        if not by_number:
            return ""
        main, *others = by_number
        exceptions = [f"{country} {number}" for number in others for country in by_number[number]]
        return f"{main} ({', '.join(exceptions)})" if exceptions else main

    def hotlines(self, code: str) -> str:
        """The first trafficking hotline of each country in the region, with how it can be reached.

        A line that is also the country's emergency number (Panama's 104, Colombia's 123) is already named
        with the emergency numbers, so it is not repeated here.
        """
        template = self.labels["number_in_countries"][code]
        parts = []
        for cc in self.region:
            orgs = [o for o in self.organisations(cc, "trafficking_hotline") if "emergency" not in o.get("needs", [])]
            for org in orgs[:1]:
                number = _contact_list(org, self.labels, code)
                parts.append(template.format(number=number, countries=self.name(cc, code)))
        return "; ".join(parts)

    def fill(self, text: str, code: str) -> str:
        """Replaces [[emergency_numbers]], [[emergency_numbers_short]] and [[hotlines]] in a fixed text.

        An unknown placeholder is an error, so a typo fails the build instead of reaching a user.
        """

        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key not in PLACEHOLDERS:
                raise KeyError(f"unknown placeholder [[{key}]] (known: {', '.join(PLACEHOLDERS)})")
            return PLACEHOLDERS[key](self, code)

        return _PLACEHOLDER.sub(replace, text)

    def unavailable(self, code: str) -> str:
        """What to send when the assistant cannot answer (Rasa down, empty answer): the numbers, in `code`."""
        return self.fill(self.labels["unavailable"][code], code)


PLACEHOLDERS = {
    "emergency_numbers": Directory.emergency_numbers,
    "emergency_numbers_short": Directory.emergency_numbers_short,
    "hotlines": Directory.hotlines,
    "unavailable": Directory.unavailable,
}


@lru_cache(maxsize=1)
def directory() -> Directory:
    """The directory as the running process first read it (restart to pick up changed seed files)."""
    return Directory.load()


def _join(items: list[str], and_word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_word} {items[-1]}"


def _phones(org: dict[str, Any]) -> list[str]:
    contacts = org.get("contacts") or []
    return [str(c.get("value")).strip() for c in contacts if c.get("kind") == "phone" and c.get("value")]


def _contact_list(org: dict[str, Any], labels: dict[str, dict], code: str) -> str:
    """ "1-888-373-7888 (SMS 233733)": the phone numbers first, other ways to reach the line in brackets."""
    phones = _phones(org)
    others = [
        f"{labels['contact_kind'][code][c['kind']]} {str(c['value']).strip()}"
        for c in org.get("contacts") or []
        if c.get("kind") in CALLABLE and c.get("kind") != "phone" and c.get("value")
    ]
    text = " / ".join(phones) if phones else others.pop(0)
    return f"{text} ({', '.join(others)})" if others else text


def _numbers(org: dict[str, Any]) -> list[str]:
    out = []
    for contact in org.get("contacts") or []:
        kind = contact.get("kind")
        value = str(contact.get("value") or "").strip()
        if kind in CALLABLE and value:
            out.append(value if kind == "phone" else f"{value} ({kind})")
    return out


def _reachable(org: dict[str, Any]) -> list[str]:
    """Numbers first, then a web address where the line is only online (Panama's anonymous reports)."""
    numbers = _numbers(org)
    if numbers:
        return numbers
    return [str(c["value"]).strip() for c in org.get("contacts") or [] if c.get("kind") == "web" and c.get("value")]


def _org_line(org: dict[str, Any], code: str, labels: dict[str, dict], today: date | None = None) -> str:
    """ "📞 911 — name", its description, and only what the entry's own data says (free, confidential)."""
    description = (org.get("description") or {}).get(code)
    name = org.get("name", "")
    icon = "📞" if _numbers(org) else "🌐"
    lines = [f"{icon} {' / '.join(_reachable(org))} — {name}"]
    if description:
        lines.append(f"   {description}")
    facts = [labels["org_facts"][code][key] for key in ("free", "confidential", "always_open") if org.get(key) is True]
    if (org.get("when_you_call") or {}).get("anonymous") is True:
        facts.append(labels["org_facts"][code]["anonymous"])
    if facts:
        lines.append(f"   {' · '.join(facts)}")
    verified = org.get("verified_on")
    if isinstance(verified, date) and (today or date.today()) > review_by(verified):
        lines.append("   " + labels["org_facts"][code]["last_checked"].format(date=verified.isoformat()))
    return "\n".join(lines)


def country_text(
    seed: dict[str, Any], code: str, labels: dict[str, dict], country_name: str, today: date | None = None
) -> str:
    """Emergency number first, then the trafficking hotline, then one calm next step. Each line once."""
    orgs = seed.get("organisations") or []
    emergency = [o for o in orgs if "emergency" in (o.get("needs") or []) and _numbers(o)][:2]
    hotlines = [
        o for o in orgs if "trafficking_hotline" in (o.get("needs") or []) and _reachable(o) and o not in emergency
    ][:2]
    lines = [labels["emergency_country_intro"][code].format(country=country_name)]
    lines += [_org_line(o, code, labels, today) for o in emergency]
    if hotlines:
        lines.append(labels["emergency_hotline_intro"][code])
        lines += [_org_line(o, code, labels, today) for o in hotlines]
    elif not any("trafficking_hotline" in (o.get("needs") or []) for o in emergency):
        lines.append(labels["emergency_no_hotline"][code].format(country=country_name))
    lines.append(labels["emergency_next_step"][code])
    return "\n".join(lines)


def emergency_variations(
    labels: dict[str, dict],
    config: LanguageConfig,
    referrals_dir: Path | None = None,
    countries_file: Path | None = None,
) -> dict[str, list[dict]]:
    """`utter_emergency_contacts` with a variation per (language, country) and a generic one per language."""
    book = Directory.load(labels, referrals_dir, countries_file)
    variations: list[dict] = []
    for code in config.codes:
        generic = {
            "text": book.fill(labels["emergency_generic"][code], code),
            "buttons": country_buttons(labels, code, book.seeds, book.names),
        }
        variations.append({**generic, "condition": [*_cond("language", code), *_cond("country", None)]})
        for cc in sorted(set(book.names) | set(book.seeds)):
            country_name = book.name(cc, code)
            if cc in book.seeds and cc != "INT":
                text = country_text(book.seeds[cc], code, labels, country_name)
            else:
                text = book.fill(labels["emergency_unknown_country"][code], code).format(country=country_name)
            variations.append({"text": text, "condition": [*_cond("language", code), *_cond("country", cc)]})
    # Last resort if a slot ever holds something unexpected: the generic reply in the default language.
    variations.append({"text": book.fill(labels["emergency_generic"][config.default], config.default)})
    return {"utter_emergency_contacts": variations}


def country_buttons(
    labels: dict[str, dict],
    code: str,
    seeds: dict[str, dict[str, Any]] | None = None,
    names: dict[str, dict[str, str]] | None = None,
) -> list[dict[str, str]]:
    """Buttons to tell the bot the country, for the countries that have verified contacts."""
    seeds = seeds if seeds is not None else _load_seed_files(REFERRALS_DIR)
    names = names if names is not None else _country_names(COUNTRIES_FILE)
    return [
        {
            "title": names.get(cc, {}).get(code) or (seeds[cc].get("name") or {}).get(code, cc),
            # Doubled braces: Rasa fills {slot} placeholders in responses; this is how a literal brace survives.
            "payload": f'/inform_country{{{{"country":"{cc}"}}}}',
        }
        for cc in labels["emergency_country_buttons"]["codes"]
        if cc in seeds
    ]


def _cond(slot: str, value: str | None) -> list[dict[str, Any]]:
    return [{"type": "slot", "name": slot, "value": value}]
