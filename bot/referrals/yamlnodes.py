"""Read YAML while remembering the line of every value (the project's one reader, bot/datafile.py).

Kept as a module so the referral validator's imports stay as they were; the parsing itself lives in datafile.
"""

from __future__ import annotations

from bot.datafile import DataFileError, LocatedDocument, locate

__all__ = ["DataFileError", "LocatedDocument", "parse"]


def parse(text: str) -> LocatedDocument:
    """Parse one YAML document (YAML 1.2); raises DataFileError, with the line, on a syntax error."""
    return locate(text)
