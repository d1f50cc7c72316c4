"""Maintainers' command line: `python -m bot <command>` (also installed as `cta`).

Each feature registers its own subcommands, so this file only lists them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot import domain_builder

REGISTRARS: list[Callable[[argparse._SubParsersAction], None]] = [domain_builder.register]


def _optional_registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Feature CLIs; imported lazily so `build-domain` works even while one of them is broken."""
    found = []
    modules = ("bot.datacheck", "bot.referrals.cli", "bot.privacy.cli", "bot.job_offer.cli", "bot.maintainer",
               "bot.languages_cli", "bot.publish", "bot.conversations")  # fmt: skip
    for module in modules:
        try:
            found.append(__import__(module, fromlist=["register"]).register)
        except ModuleNotFoundError:
            continue
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in REGISTRARS + _optional_registrars():
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
