"""Safety checks that run before anything else: is the person writing in danger right now?"""

from bot.safety.danger import Assessment, DangerDetector, DangerMatch

__all__ = ["Assessment", "DangerDetector", "DangerMatch"]
