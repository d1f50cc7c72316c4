"""Static server for the embeddable web chat widget and its demo page.

The widget itself (widget/) talks straight to Rasa's socket.io channel; this server only hands out the
built files (widget/build/, made by widget/build.sh) and the demo page, with headers that keep the page
from loading or leaking anything elsewhere. Run it with ``python -m bot.channels.widget``.
"""

from bot.channels.widget.server import create_app
from bot.channels.widget.settings import WidgetSettings

__all__ = ["create_app", "WidgetSettings"]
