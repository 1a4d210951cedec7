"""The Telegram channel (python-telegram-bot): polling or webhook, an outbox for delivery.

Import the parts from their modules; this package imports nothing on its own, so reading
``config.yml`` never loads python-telegram-bot.
"""
