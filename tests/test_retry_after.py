"""Reading ``Retry-After``: seconds or an HTTP date, against the server's clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.retry import retry_after_seconds

NOW = datetime(2025, 2, 13, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"30", 30.0),
        (b" 120 ", 120.0),
        (b"0", 0.0),
        (b"Thu, 13 Feb 2025 09:01:30 GMT", 90.0),
        (b"Thu, 13 Feb 2025 08:59:00 GMT", 0.0),  # already past: retry at once
        (None, None),
        (b"", None),
        (b"soon", None),
        (b"-5", None),
        (b"1.5", None),  # RFC 9110: delay-seconds is a non-negative integer
    ],
)
def test_retry_after_values(value: bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds
