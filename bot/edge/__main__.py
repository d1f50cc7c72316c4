"""`python -m bot.edge`: the public entry point (settings from the environment, see bot/edge/settings.py)."""

from __future__ import annotations

import sys

from bot.channels.widget.assets import MissingBuild
from bot.channels.widget.settings import SettingsError
from bot.edge.app import run
from bot.edge.settings import EdgeSettings
from bot.logging_setup import LogConfigError, process_logging


def main() -> int:
    try:
        process_logging()
        run(EdgeSettings.from_env())
    except (SettingsError, MissingBuild, LogConfigError) as exc:
        print(f"entry point: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
