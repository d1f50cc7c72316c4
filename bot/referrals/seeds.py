"""The referral directory as reviewable files: one YAML file per country under data/referrals/.

These dataclasses are the shared currency of the package: the validator produces them, the loader writes them to
the database, the exporter reads them back, and the emergency-reply generator can use them without a database.
Files whose name starts with "_" (such as _labels.yml) are not seed files and are skipped.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from bot.paths import DATA_DIR
from bot.referrals.errors import Issue, SeedError
from bot.referrals.vocab import INTERNATIONAL, REVIEW_AFTER_MONTHS, STALE_AFTER_MONTHS

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEED_DIR = DATA_DIR / "referrals"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (29 Feb + 12 months = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_by(verified_on: date) -> date:
    """When an entry verified on `verified_on` must be checked again (vocab.REVIEW_AFTER_MONTHS later)."""
    return add_months(verified_on, REVIEW_AFTER_MONTHS)


def stale_after(verified_on: date) -> date:
    """The last day an entry verified on `verified_on` may be used; after it `referrals validate` fails."""
    return add_months(verified_on, STALE_AFTER_MONTHS)


@dataclass(frozen=True)
class ContactSeed:
    kind: str
    value: str


@dataclass(frozen=True)
class CallInfo:
    """What happens when you call (see vocab.CALL_KEYS); every field None where the source is silent."""

    answered_by: str | None = None  # vocab.ANSWERED_BY
    police: str | None = None  # vocab.POLICE
    immigration: str | None = None  # vocab.IMMIGRATION
    anonymous: bool | None = None
    from_abroad: bool | None = None
    interpreters: bool | None = None

    def as_dict(self) -> dict[str, str | bool | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class OrganisationSeed:
    id: str
    name: str
    description: Mapping[str, str]
    needs: tuple[str, ...]
    languages: tuple[str, ...]
    contacts: tuple[ContactSeed, ...]
    hours: str | None
    free: bool | None
    always_open: bool | None
    sources: tuple[str, ...]
    verified_on: date
    confidential: bool | None = None
    call: CallInfo = field(default_factory=CallInfo)
    # Where the entry starts in its file; not part of equality, so a moved entry is not a changed entry.
    line: int = field(default=0, compare=False)

    @property
    def review_by(self) -> date:
        return review_by(self.verified_on)


@dataclass(frozen=True)
class CountrySeed:
    country: str
    name: Mapping[str, str]
    organisations: tuple[OrganisationSeed, ...]
    path: Path | None = field(default=None, compare=False)


@dataclass
class ValidationResult:
    """Everything `validate_dir` found; `seeds` holds only the files that had no errors."""

    seeds: list[CountrySeed]
    errors: list[Issue]
    warnings: list[Issue]

    @property
    def ok(self) -> bool:
        return not self.errors


def seed_file_name(country: str) -> str:
    """The one file name a country's seeds may live in, so two files can never describe the same country."""
    return "international.yml" if country == INTERNATIONAL else f"{country.lower()}.yml"


def seed_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yml") if not p.name.startswith("_"))


def validate_dir(
    path: Path | None = None, today: date | None = None, *, stale_is_error: bool = True
) -> ValidationResult:
    """Check every seed file in `path` (default data/referrals) and the rules that span files.

    An entry verified more than vocab.STALE_AFTER_MONTHS ago is an error, unless `stale_is_error` is False (the
    review command, which must still list such entries, passes False and gets a warning instead).
    """
    from bot.referrals.validation import validate_file  # local import: validation imports this module

    directory = Path(path) if path is not None else DEFAULT_SEED_DIR
    today = today or date.today()
    if not directory.is_dir():
        return ValidationResult([], [Issue(directory, 0, "seed directory does not exist")], [])
    files = seed_files(directory)
    if not files:
        return ValidationResult([], [Issue(directory, 0, "no seed files (*.yml) in this directory")], [])

    seeds: list[CountrySeed] = []
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for file in files:
        seed, file_errors, file_warnings = validate_file(file, today, stale_is_error=stale_is_error)
        errors += file_errors
        warnings += file_warnings
        if seed is not None and not file_errors:
            seeds.append(seed)

    errors += _cross_file_errors(seeds)
    return ValidationResult(sorted(seeds, key=lambda s: s.country), errors, warnings)


def _cross_file_errors(seeds: list[CountrySeed]) -> list[Issue]:
    errors = []
    first_seen: dict[str, tuple[Path | None, int]] = {}
    for seed in seeds:
        for org in seed.organisations:
            if org.id in first_seen:
                other_path, other_line = first_seen[org.id]
                message = f"id {org.id!r} is already used at {other_path}:{other_line}"
                errors.append(Issue(seed.path or Path("?"), org.line, message))
            else:
                first_seen[org.id] = (seed.path, org.line)
    return errors


def load_seed_dir(path: Path | None = None, today: date | None = None) -> list[CountrySeed]:
    """All seed files of `path` (default data/referrals), validated; raises SeedError if any file is bad."""
    result = validate_dir(path, today)
    if result.errors:
        raise SeedError(result.errors)
    return result.seeds
