"""Settings that depend on other settings, applied when a crawler is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings


class ContactAddon:
    """Appends ``CONTACT`` (an e-mail address or URL) to the User-Agent.

    Site operators who see the crawler in their logs can then reach whoever
    runs it: ``scrapy crawl hansard -s CONTACT=you@university.ac.uk``.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactAddon:
        return cls()

    def update_settings(self, settings: Settings) -> None:
        contact = (settings.get("CONTACT") or "").strip()
        if not contact:
            return
        user_agent = settings.get("USER_AGENT") or ""
        priority = max(
            settings.getpriority("USER_AGENT") or 0, settings.getpriority("CONTACT") or 0
        )
        settings.set(
            "USER_AGENT", f"{user_agent.rstrip(')')}; contact: {contact})", priority=priority
        )
