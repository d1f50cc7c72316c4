"""Keep less about the people who write to us: masking, real deletion, retention, quiet logs.

Someone exploiting a user may read the user's phone, and a leaked database must not give away who
wrote or how to reach them. Importing this package is cheap (no Rasa); the tracker store and the CLI
live in their own modules.
"""

from bot.privacy.masking import mask_text

__all__ = ["mask_text"]
