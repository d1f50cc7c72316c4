"""Problems found in seed files, reported with the file and line a maintainer has to open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Issue:
    """One problem at one place; `line` is 1-based, 0 when the problem concerns the whole file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class SeedError(ValueError):
    """Raised when seed files are invalid; nothing is loaded when it is raised."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        count = len(self.issues)
        header = f"{count} problem{'s' if count != 1 else ''} in the referral seed files:"
        super().__init__("\n".join([header, *(f"  {issue}" for issue in self.issues)]))
