"""The live parts a process builds once: bus, console feed and its hub, live chats, alerts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from handoff.live.alerts import AlertMailer
from handoff.live.bus import WakeBus, open_bus
from handoff.live.chats import LiveChatService, LiveParts
from handoff.live.feed import ConsoleFeed, FeedHub
from handoff.live.settings import AlertSettings, LiveSettings


@dataclass
class LiveServices:
    """Live updates, live chats and alerts of one process."""

    bus: WakeBus
    feed: ConsoleFeed
    hub: FeedHub
    chats: LiveChatService
    alerts: AlertMailer

    async def close(self) -> None:
        """Stop background work and release connections."""
        await self.hub.close()
        await self.chats.registry.close()
        await self.alerts.close()
        await self.bus.close()


def build_live_services(
    db: sessionmaker[Session],
    *,
    live: LiveSettings,
    alerts: AlertSettings,
    redis_url: str | None,
) -> LiveServices:
    """Everything live over one database and (when given) Redis; opens no connection yet."""
    bus = open_bus(redis_url)
    feed = ConsoleFeed(db, bus)
    return LiveServices(
        bus=bus,
        feed=feed,
        hub=FeedHub(feed),
        chats=LiveChatService(LiveParts(db=db, feed=feed, settings=live)),
        alerts=AlertMailer(db, alerts),
    )
