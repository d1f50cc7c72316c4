"""Database -> seed files in the same schema as data/referrals/, for review or to seed another installation.

Written by hand rather than with yaml.dump so the output looks like the files maintainers edit (flow style for
short lists, one contact per line) and a diff against data/referrals shows only real changes. Comments in the
original files (such as the NOT IN USE blocks) are not in the database and so are not exported.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from bot.referrals.loader import read_seeds
from bot.referrals.seeds import CountrySeed, OrganisationSeed, seed_file_name


def _text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, and keeps accents readable.
    return json.dumps(value, ensure_ascii=False)


def _word(value: str) -> str:
    """Bare when YAML reads it back unchanged (es, emergency), quoted otherwise (no, on, yes...)."""
    try:
        if yaml.safe_load(value) == value:
            return value
    except yaml.YAMLError:
        pass
    return _text(value)


def _flag(value: bool | None) -> str:
    return "null" if value is None else ("true" if value else "false")


def _value(value: str | bool | None) -> str:
    return _flag(value) if value is None or isinstance(value, bool) else _word(value)


def _organisation(org: OrganisationSeed) -> list[str]:
    lines = [
        f"  - id: {org.id}",
        f"    name: {_text(org.name)}",
        "    description:",
        *(f"      {_word(lang)}: {_text(text)}" for lang, text in sorted(org.description.items())),
        f"    needs: [{', '.join(_word(n) for n in org.needs)}]",
        f"    languages: [{', '.join(_word(lang) for lang in org.languages)}]",
        "    contacts:",
        *(f"      - {{kind: {c.kind}, value: {_text(c.value)}}}" for c in org.contacts),
        f"    hours: {_text(org.hours) if org.hours is not None else 'null'}",
        f"    free: {_flag(org.free)}",
        f"    always_open: {_flag(org.always_open)}",
        f"    confidential: {_flag(org.confidential)}",
        "    when_you_call:",
        *(f"      {key}: {_value(value)}" for key, value in org.call.as_dict().items()),
        "    sources:",
        *(f"      - {_text(url)}" for url in org.sources),
        f"    verified_on: {org.verified_on.isoformat()}",
    ]
    return lines


def dump_country(seed: CountrySeed, exported_on: date | None = None) -> str:
    """One country's seed file as text."""
    names = ", ".join(f"{_word(lang)}: {_text(name)}" for lang, name in sorted(seed.name.items()))
    lines = [
        f"# Exported from the referral database on {(exported_on or date.today()).isoformat()}.",
        f"country: {seed.country}",
        f"name: {{{names}}}",
        "organisations:",
    ]
    for index, org in enumerate(seed.organisations):
        if index:
            lines.append("")
        lines += _organisation(org)
    return "\n".join(lines) + "\n"


def export_dir(session: Session, out: Path, exported_on: date | None = None) -> list[Path]:
    """Write every country in the database to `out` (created if needed); returns the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in read_seeds(session):
        path = out / seed_file_name(seed.country)
        path.write_text(dump_country(seed, exported_on), encoding="utf-8")
        written.append(path)
    return written
