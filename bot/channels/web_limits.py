"""How many web conversations may start: per address and across the service.

Starting a conversation writes a database row, so a script could otherwise fill the table.
Counted with the `limits` library in the console's storage (Redis when configured, so every
process shares the windows).
"""

from __future__ import annotations

from handoff.console.throttle import Throttle, per_minutes


class ConversationStarts:
    """Allow or refuse starting one more web conversation."""

    def __init__(self, storage_uri: str, *, per_ip_per_hour: int, per_minute: int) -> None:
        self._per_ip = Throttle(storage_uri, per_minutes(per_ip_per_hour, 60), "chat-start-ip")
        self._everyone = Throttle(storage_uri, per_minutes(per_minute, 1), "chat-start-all")

    async def allow(self, address: str) -> bool:
        """Count a start from ``address``; False when this address or the service is over."""
        if not await self._per_ip.hit(address):
            return False
        return await self._everyone.hit("all")

    async def retry_after(self, address: str) -> int:
        """Seconds until a start could be allowed again (from the limit that was hit)."""
        if not await self._per_ip.allowed(address):
            return await self._per_ip.retry_after(address)
        return await self._everyone.retry_after("all")
