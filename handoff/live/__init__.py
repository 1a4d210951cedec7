"""Live updates, live takeover and alerts.

- :mod:`handoff.live.bus`: the wake-up signal between processes (Redis pub/sub, or in-process
  on the embedded default). It carries no content; readers then read by cursor from a durable
  store, so a lost signal delays an update but never loses it.
- :mod:`handoff.live.feed`: the console's event log (``ConsoleEvent`` rows) and the one
  subscriber per process that fans events out to that process's open console pages.
- :mod:`handoff.live.chats`: live takeover state (database, with an in-process registry kept
  fresh through the bus) and the sealed messages of a live chat.
- :mod:`handoff.live.alerts`: content-free e-mails to on-duty caseworkers.
"""
