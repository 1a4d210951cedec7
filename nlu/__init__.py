"""Natural-language understanding for Gongyou: intents and entities from workers' messages.

``load_backend()`` returns the backend chosen in config.yml (``gongyou.nlu.backend``) or by
GONGYOU_NLU_BACKEND; every backend returns ``nlu.types.ParseResult``.
"""

from nlu.backend import load_backend
from nlu.settings import NluSettings

__all__ = ["NluSettings", "load_backend"]
