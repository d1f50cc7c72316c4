"""The referral directory as reviewable files: one YAML file per country under data/referrals/.

These dataclasses are the shared currency of the package: the validator produces them, the loader writes them to
the database, the exporter reads them back, and the emergency-reply generator can use them without a database.
Files whose name starts with "_" (such as _labels.yml) are not seed files and are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.referrals.errors import Issue, SeedError
from bot.referrals.vocab import INTERNATIONAL

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEED_DIR = REPO_ROOT / "data" / "referrals"


@dataclass(frozen=True)
class ContactSeed:
    kind: str
    value: str


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
    # Where the entry starts in its file; not part of equality, so a moved entry is not a changed entry.
    line: int = field(default=0, compare=False)


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


def validate_dir(path: Path | None = None, today: date | None = None) -> ValidationResult:
    """Check every seed file in `path` (default data/referrals) and the rules that span files."""
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
        seed, file_errors, file_warnings = validate_file(file, today)
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
