"""Which directory entries a maintainer must check again, and by when.

Every entry has a review-by date 12 months after its `verified_on` (vocab.REVIEW_AFTER_MONTHS). `due` lists the
entries past that date or within vocab.REVIEW_WARNING_DAYS of it, oldest first, with the links to re-read;
`referrals validate` fails once an entry is older than vocab.STALE_AFTER_MONTHS. Read from the seed files, not the
database: the files are what a maintainer edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.referrals.seeds import CountrySeed, OrganisationSeed, stale_after, validate_dir
from bot.referrals.vocab import REVIEW_WARNING_DAYS


@dataclass(frozen=True)
class Due:
    country: str
    organisation: OrganisationSeed
    status: str  # "stale" (validate fails), "overdue" (past review-by) or "soon" (within the warning window)

    @property
    def review_by(self) -> date:
        return self.organisation.review_by


def due_in(seeds: list[CountrySeed], today: date, within_days: int = REVIEW_WARNING_DAYS) -> list[Due]:
    """Entries of `seeds` to re-check on `today`, oldest verification first (stale ones included)."""
    found = []
    for seed in seeds:
        for org in seed.organisations:
            if today > stale_after(org.verified_on):
                status = "stale"
            elif today > org.review_by:
                status = "overdue"
            elif today >= org.review_by - timedelta(days=within_days):
                status = "soon"
            else:
                continue
            found.append(Due(seed.country, org, status))
    return sorted(found, key=lambda item: (item.organisation.verified_on, item.country, item.organisation.id))


def due(path: Path | None = None, today: date | None = None, within_days: int = REVIEW_WARNING_DAYS) -> list[Due]:
    """Entries of the seed files in `path` (default data/referrals) to re-check on `today`.

    Stale entries are listed too (validation would refuse them); files with other errors are skipped, since
    `referrals validate` reports those.
    """
    today = today or date.today()
    return due_in(validate_dir(path, today, stale_is_error=False).seeds, today, within_days)


def next_review(seeds: list[CountrySeed]) -> date | None:
    """The earliest review-by date of `seeds` (None when there are no entries)."""
    dates = [org.review_by for seed in seeds for org in seed.organisations]
    return min(dates) if dates else None
