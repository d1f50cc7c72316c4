"""`python -m bot.channels.widget`: serve the web widget and its demo page (settings from the environment)."""

from __future__ import annotations

import sys

from bot.channels.widget.assets import MissingBuild
from bot.channels.widget.server import run
from bot.channels.widget.settings import SettingsError, WidgetSettings


def main() -> int:
    try:
        run(WidgetSettings.from_env())
    except (SettingsError, MissingBuild) as exc:
        print(f"widget: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
