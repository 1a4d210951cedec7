"""ASGI entry point for uvicorn (``bot.web.server:app``)."""

from bot.config import get_settings
from bot.log import configure_logging
from bot.web.app import create_app

_settings = get_settings()
configure_logging(_settings.config.logging.level, json_output=_settings.config.logging.json_output)
app = create_app(_settings)
