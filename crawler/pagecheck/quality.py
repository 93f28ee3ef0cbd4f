"""Damage a parsed record shows, and whether a re-fetched copy is worse than the stored one.

A page that decoded with invalid bytes (a broken encoding, a page cut in the
middle of a character) holds U+FFFD replacement characters: the record is
kept, with :data:`REPLACEMENT_FLAG` on it (and on each damaged speech).

A re-check of a stored page can come back worse than what the corpus holds:
the text garbled or much shorter, the title or date gone. :func:`article_worse`
and :func:`debate_worse` say why, so the corpus pipelines keep the stored
record rather than let a bad fetch replace a good one. A copy that changed
but is as good (an edited article of similar length) is not worse.
"""

from __future__ import annotations

from typing import Any

from crawler.gid import Gid

REPLACEMENT = "\ufffd"
REPLACEMENT_FLAG = "text:replacement-characters"
"""Flag on a record (and speech) whose text holds U+FFFD where the page had undecodable bytes."""

SHRINK_RATIO = 0.5
"""A re-fetched text (or list of speeches) shorter than this share of the stored one
is a damaged copy."""


def replacements(value: str | None) -> int:
    """How many U+FFFD replacement characters ``value`` holds."""
    return value.count(REPLACEMENT) if value else 0


def article_damage(title: str | None, text: str | None, comments: list[Any]) -> int:
    """Replacement characters in an article's title, body and comments."""
    return (
        replacements(title)
        + replacements(text)
        + sum(replacements(getattr(comment, "text", None)) for comment in comments)
    )


def article_worse(stored: dict[str, Any], incoming: dict[str, Any]) -> list[str]:
    """Why ``incoming`` is a worse copy of the stored article (empty when it is not)."""
    reasons: list[str] = []
    stored_text = stored.get("text") or ""
    new_text = incoming.get("text") or ""
    if replacements(new_text) + replacements(incoming.get("title")) > replacements(
        stored_text
    ) + replacements(stored.get("title")):
        reasons.append("replacement characters the stored copy does not have")
    if stored_text and len(new_text) < SHRINK_RATIO * len(stored_text):
        reasons.append(f"text shrank from {len(stored_text)} to {len(new_text)} characters")
    for field, label in (("title", "title"), ("published_raw", "publication date")):
        if stored.get(field) and not incoming.get(field):
            reasons.append(f"{label} lost")
    return reasons


def debate_worse(stored: dict[str, Any], incoming: dict[str, Any]) -> list[str]:
    """Why the page ``incoming`` is worse than the stored debate (empty when it is not).

    ``incoming`` is the page as parsed, not the merge: where the two interfaces'
    pages merge, a damaged page must not add its flags or values to a good record.
    """
    reasons: list[str] = []
    stored_speeches = {speech["id"]: speech for speech in stored.get("speeches", [])}
    new_speeches = incoming.get("speeches", [])
    damaged = [
        speech["id"]
        for speech in new_speeches
        if replacements(speech.get("text"))
        > replacements(stored_speeches.get(speech["id"], {}).get("text"))
    ]
    if damaged:
        reasons.append(
            f"replacement characters the stored copy does not have in speech {damaged[0]}"
            + (f" and {len(damaged) - 1} more" if len(damaged) > 1 else "")
        )
    # One interface may show a speech the other does not; losing most of them is damage.
    if len(new_speeches) < SHRINK_RATIO * len(stored_speeches):
        reasons.append(f"speeches fell from {len(stored_speeches)} to {len(new_speeches)}")
    if stored.get("title") and not incoming.get("title"):
        reasons.append("title lost")
    # The page as parsed holds raw values only: its sitting date is in its gid or
    # its printed lead line, and lost only when it has neither.
    has_date = incoming.get("date_raw") or Gid.parse(incoming.get("id"))
    if (stored.get("date") or stored.get("date_raw")) and not has_date:
        reasons.append("sitting date lost")
    return reasons
