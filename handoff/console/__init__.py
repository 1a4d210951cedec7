"""The caseworker console: FastAPI routes, server-rendered pages, the console API.

It lives in ``handoff`` and never imports ``bot``: it reaches workers through the ports of
:mod:`handoff.ports`, which ``bot`` implements at start-up (see ``bot/web/app.py``).
"""
