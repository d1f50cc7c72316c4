"""Emergency replies per country, generated from the referral directory's seed files.

Why not from the database or an action: a person in danger must get these numbers even when the action server or
the database is down, so they are compiled into plain Rasa responses with slot conditions on `language` and
`country`. The wording lives in data/responses/safety.yml (`labels:`), the numbers in data/referrals/<cc>.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.language import LanguageConfig
from bot.paths import DATA_DIR

REFERRALS_DIR = DATA_DIR / "referrals"
COUNTRIES_FILE = DATA_DIR / "countries.yml"
CALLABLE = ("phone", "sms", "whatsapp")


def _load_seed_files(directory: Path) -> dict[str, dict[str, Any]]:
    seeds = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if raw.get("country"):
            seeds[str(raw["country"]).upper()] = raw
    return seeds


def _country_names(path: Path) -> dict[str, dict[str, str]]:
    """Display names of every country the country finder knows, so a known country never gets a blank."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = raw.get("countries", raw) if isinstance(raw, dict) else raw
    names: dict[str, dict[str, str]] = {}
    if isinstance(items, dict):
        items = [{"code": code, **(value or {})} for code, value in items.items()]
    for item in items or []:
        if isinstance(item, dict) and item.get("code") and isinstance(item.get("name"), dict):
            names[str(item["code"]).upper()] = {str(k): str(v) for k, v in item["name"].items()}
    return names


def _numbers(org: dict[str, Any]) -> list[str]:
    out = []
    for contact in org.get("contacts") or []:
        kind = contact.get("kind")
        value = str(contact.get("value") or "").strip()
        if kind in CALLABLE and value:
            out.append(value if kind == "phone" else f"{value} ({kind})")
    return out


def _org_line(org: dict[str, Any], code: str) -> str:
    description = (org.get("description") or {}).get(code)
    numbers = " / ".join(_numbers(org))
    name = org.get("name", "")
    return f"📞 {numbers} — {name}" + (f"\n   {description}" if description else "")


def country_text(seed: dict[str, Any], code: str, labels: dict[str, dict], country_name: str) -> str:
    """Emergency number first, then the trafficking hotline, then one calm next step."""
    orgs = seed.get("organisations") or []
    emergency = [o for o in orgs if "emergency" in (o.get("needs") or []) and _numbers(o)]
    hotlines = [o for o in orgs if "trafficking_hotline" in (o.get("needs") or []) and _numbers(o)]
    lines = [labels["emergency_country_intro"][code].format(country=country_name)]
    lines += [_org_line(o, code) for o in emergency[:2]]
    if hotlines:
        lines.append(labels["emergency_hotline_intro"][code])
        lines += [_org_line(o, code) for o in hotlines[:2]]
    else:
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
    seeds = _load_seed_files(referrals_dir or REFERRALS_DIR)
    names = _country_names(countries_file or COUNTRIES_FILE)
    for cc, seed in seeds.items():
        names.setdefault(cc, {k: str(v) for k, v in (seed.get("name") or {}).items()})
    variations: list[dict] = []
    for code in config.codes:
        generic = {
            "text": labels["emergency_generic"][code],
            "buttons": country_buttons(labels, code, seeds, names),
        }
        variations.append({**generic, "condition": [*_cond("language", code), *_cond("country", None)]})
        for cc in sorted(set(names) | set(seeds)):
            country_name = names.get(cc, {}).get(code) or cc
            if cc in seeds and cc != "INT":
                text = country_text(seeds[cc], code, labels, country_name)
            else:
                text = labels["emergency_unknown_country"][code].format(country=country_name)
            variations.append({"text": text, "condition": [*_cond("language", code), *_cond("country", cc)]})
    # Last resort if a slot ever holds something unexpected: the generic reply in the default language.
    variations.append({"text": labels["emergency_generic"][config.default]})
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
