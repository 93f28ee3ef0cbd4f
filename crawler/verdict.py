"""Whether a finished crawl succeeded, judged from its stats.

Scrapy exits 0 even after errors; a scheduled run needs a failing exit status
when something went wrong, with a one-line reason for the cron mail.
"""

from __future__ import annotations

from typing import Any

from crawler.lost import STATS_PREFIX, lost_count

# DropItem subclasses that mean a page could not be turned into a record.
ERROR_DROP_REASONS = ("UnusableRecord",)
# DropItem subclasses that are part of normal work (not errors, not "nothing").
QUIET_DROP_REASONS = ("UnchangedRecord", "StaleRevision")
SNAPSHOT_FAILED_KEY = "corpus/snapshot/failed"
"""Stats key holding why the JSONL snapshot could not be written, when it could not."""
COMMIT_FAILED_KEY = "corpus/store/commit_failed"
"""Stats key holding why the crawl's last batch could not be committed to the store."""
UNCOMMITTED_ITEMS_KEY = "corpus/store/items_not_committed"
"""Stats key holding how many items that failed commit held (rolled back, not stored)."""


def items_text(count: int) -> str:
    """``"1 item"``, ``"3 items"``."""
    return f"{count} item" if count == 1 else f"{count} items"


def lost_reasons(stats: dict[str, Any]) -> str:
    """``"http_404: 2, redirect_loop: 1"``: pages lost per reason."""
    prefix = STATS_PREFIX + "/"
    counts = sorted(
        (key[len(prefix) :], value)
        for key, value in stats.items()
        if key.startswith(prefix) and isinstance(value, int) and value
    )
    return ", ".join(f"{reason}: {count}" for reason, count in counts)


def crawl_failure(stats: dict[str, Any], *, lost_tolerated: int = 0) -> str | None:
    """One line saying why the crawl failed, or ``None`` when it succeeded.

    ``lost_tolerated`` lost pages do not fail the crawl (``CRAWL_LOST_PAGES_TOLERATED``).
    """
    reasons: list[str] = []
    if "finish_reason" not in stats and "start_time" in stats:
        reasons.append("stopped before it finished; the previous snapshot is kept")
    commit_failed = stats.get(COMMIT_FAILED_KEY)
    if commit_failed:
        items = stats.get(UNCOMMITTED_ITEMS_KEY)
        batch = f"the last batch ({items_text(items)})" if items else "the last batch"
        reasons.append(
            f"{batch} was not committed to the store ({commit_failed}); the next"
            " crawl fetches its pages again"
        )
    snapshot_failed = stats.get(SNAPSHOT_FAILED_KEY)
    if snapshot_failed:
        reasons.append(f"snapshot not written ({snapshot_failed}); the previous files are kept")
    errors = stats.get("log_count/ERROR", 0) + stats.get("log_count/CRITICAL", 0)
    if errors:
        reasons.append(f"{errors} error(s) logged")
    error_drops = sum(
        stats.get(f"item_dropped_reasons_count/{reason}", 0) for reason in ERROR_DROP_REASONS
    )
    if error_drops:
        reasons.append(f"{error_drops} item(s) dropped as unusable")
    # Article and debate pages fetched whole (counted by crawler.conditional);
    # without that count, every response but the 304s.
    fetched = stats.get(
        "corpus/fetch/content",
        stats.get("response_received_count", 0)
        - stats.get("downloader/response_status_count/304", 0),
    )
    produced = stats.get("item_scraped_count", 0) + sum(
        stats.get(f"item_dropped_reasons_count/{reason}", 0) for reason in QUIET_DROP_REASONS
    )
    settled = stats.get("corpus/fetch/settled", 0) + stats.get("corpus/fetch/not_modified", 0)
    if fetched > 0 and produced == 0 and settled == 0:
        reasons.append(f"{fetched} page(s) fetched but no record produced")
    lost = lost_count(stats)
    if lost > lost_tolerated:
        tolerated = f", {lost_tolerated} tolerated" if lost_tolerated else ""
        reasons.append(f"{lost} page(s) lost{tolerated} ({lost_reasons(stats)}; listed in the log)")
    if stats.get("corpus/snapshot/refused"):
        reasons.append(stats["corpus/snapshot/refused"])
    reasons.extend(stats.get("corpus/monitor/failed") or [])
    finish_reason = stats.get("finish_reason")
    if finish_reason not in (None, "finished"):
        reasons.append(f"finish reason: {finish_reason}")
    if not reasons:
        return None
    return "crawl failed: " + "; ".join(reasons)
