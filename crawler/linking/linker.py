"""Link articles to the speeches they quote, in whichever order the two are crawled.

* :func:`link_article` — an article was stored: index its quoted passages
  (so a debate crawled later can find it) and link it to the indexed speeches
  of the ``window_days`` before its publication date.
* :func:`link_debate` — a debate was stored: index its speeches, find the
  indexed articles of the ``window_days`` after its sitting date whose quoted
  passages share words with them, and link each again with
  :func:`link_article`, keeping the links into this debate. Relinking the
  whole article keeps both directions in agreement: an article's links are
  the same whichever record arrived first.

Link ids are deterministic (article id, speech id, article offsets), so the
caller stores links by id and replaces an article's or a debate's links as a
set. :func:`match_quote` is the matching policy on its own, without the index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from itemadapter import ItemAdapter

from crawler import settings
from crawler.dedup.sources import superseded_ids
from crawler.gid import Gid
from crawler.items import LinkItem
from crawler.linking.align import MIN_SCORE, Alignment, align, quoted_word_count
from crawler.linking.index import IndexedSpeech, LinkIndex, day_number
from crawler.linking.quotes import (
    ATTRIBUTION_DIRECT,
    SOURCE_OTHER,
    Quote,
    find_quotes,
    same_person,
)

DEFAULT_WINDOW_DAYS: int = settings.LINKING_WINDOW_DAYS
"""Articles are linked to debates held up to this many days before publication: the
crawl's ``LINKING_WINDOW_DAYS``, for callers outside a crawl (tests, benchmarks)."""
MIN_QUOTE_WORDS = 5
"""Fewer quoted words than this (scare quotes, a phrase) never link on their own."""
UNLINKED_SPEECH_KINDS = frozenset({"division", "procedural"})
ORIGINAL = "original"
"""A link's ``speech_text`` when the quotation matched the speech as spoken."""
TRANSLATION = "translation"
"""A link's ``speech_text`` when it matched a translation of the speech."""


@dataclass(frozen=True)
class PassageMatch:
    """One quoted passage of an article matched to a speech."""

    start: int
    """Offset of the passage in the article's text."""
    end: int
    speech: IndexedSpeech
    alignment: Alignment


def is_linkable(quote: Quote, min_words: int = MIN_QUOTE_WORDS) -> bool:
    """Whether a quotation may be a parliamentary quotation worth matching."""
    return quote.source != SOURCE_OTHER and quote.words >= min_words


def match_quote(
    text: str,
    quote: Quote,
    candidates: Sequence[IndexedSpeech],
    *,
    article_date: str | None = None,
    min_words: int = MIN_QUOTE_WORDS,
    min_score: float = MIN_SCORE,
) -> list[PassageMatch]:
    """The speech passages one quotation matches, chosen among ``candidates``.

    Each passage (the parts between ellipses) is aligned to each candidate.
    The quotation's speech is the one matching most quoted words, restricted
    to speeches of the speaker the article names when any of them matches; a
    name given in the quotation's own sentence that fits none of the matching
    speakers means the words are someone else's, and nothing links. Passages
    shorter than ``min_words`` link only to the speech a longer passage of
    the same quotation linked to. Ties go to the speech closest in date
    before the article, then to the smaller speech id.
    """
    if not is_linkable(quote, min_words) or not candidates:
        return []
    passages = list(quote.passages)
    long_ones = [
        i for i, (s, e) in enumerate(passages) if quoted_word_count(text[s:e]) >= min_words
    ]
    if not long_ones:
        return []
    aligned: dict[tuple[int, ReadingKey], Alignment] = {}
    for i, (s, e) in enumerate(passages):
        for speech in candidates:
            found = align(text[s:e], speech.text, min_score=min_score)
            if found is not None:
                aligned[(i, reading_key(speech))] = found
    matching = [c for c in candidates if any((i, reading_key(c)) in aligned for i in long_ones)]
    if not matching:
        return []
    pool = matching
    if quote.speaker:
        named = [c for c in matching if same_person(quote.speaker, c.speaker_name)]
        if named:
            pool = named
        elif quote.attribution == ATTRIBUTION_DIRECT:
            return []
    article_day = day_number(article_date) if article_date else None

    def rank(speech: IndexedSpeech, among: Iterable[int]) -> tuple[float, ...]:
        key = reading_key(speech)
        found = [aligned[(i, key)] for i in among if (i, key) in aligned]
        matched = sum(a.matched for a in found)
        score = sum(a.score for a in found) / len(found) if found else 0.0
        distance = article_day - day_number(speech.date) if article_day is not None else 0
        return (-matched, -score, abs(distance))

    def best(among: list[int]) -> IndexedSpeech:
        # Between two texts of one speech matching equally, the text as spoken.
        return min(pool, key=lambda c: (*rank(c, among), c.speech_id, speech_text(c) != ORIGINAL))

    chosen = best(long_ones)
    matches: list[PassageMatch] = []
    for i, (s, e) in enumerate(passages):
        speech = chosen
        if (i, reading_key(chosen)) not in aligned:
            if i not in long_ones:
                continue
            # A journalist may join two answers with an ellipsis.
            speech = best([i])
            if (i, reading_key(speech)) not in aligned:
                continue
        matches.append(PassageMatch(s, e, speech, aligned[(i, reading_key(speech))]))
    return matches


ReadingKey = tuple[str, str | None]


def reading_key(speech: IndexedSpeech) -> ReadingKey:
    """A speech's reading: its id and which of its texts is being read."""
    return (speech.speech_id, speech.text_language)


def speech_text(speech: IndexedSpeech) -> str:
    """``original`` when the reading is the text as spoken, else ``translation``."""
    if not speech.texts or speech.text_language == speech.language:
        return ORIGINAL
    return TRANSLATION


def speech_language(speech: IndexedSpeech) -> str | None:
    """The language of the text the reading holds."""
    return speech.text_language if speech.texts else speech.language


def linked_text(speech: Mapping[str, Any], link: Mapping[str, Any]) -> str:
    """The text of a stored speech that a link's ``speech_start``/``speech_end`` slice:
    the text in ``speech_language`` when the speech has a text per language, else ``text``."""
    texts = speech.get("texts") or {}
    return texts.get(link.get("speech_language") or "") or speech.get("text") or ""


def link_id(article_id: str, speech_id: str, article_start: int, article_end: int) -> str:
    """Deterministic link id."""
    key = f"{article_id}\x1f{speech_id}\x1f{article_start}\x1f{article_end}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def make_link(article_id: str, text: str, match: PassageMatch) -> LinkItem:
    """The LinkItem of one matched passage."""
    a = match.alignment
    start, end = match.start + a.passage_start, match.start + a.passage_end
    return LinkItem(
        id=link_id(article_id, match.speech.speech_id, start, end),
        article_id=article_id,
        debate_id=match.speech.debate_id,
        speech_id=match.speech.speech_id,
        quote=text[start:end],
        article_start=start,
        article_end=end,
        speech_start=a.speech_start,
        speech_end=a.speech_end,
        score=a.score,
        kind=a.kind,
        speech_language=speech_language(match.speech),
        speech_text=speech_text(match.speech),
    )


def link_article(
    article: Mapping[str, Any] | Any,
    index: LinkIndex,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    min_words: int = MIN_QUOTE_WORDS,
    min_score: float = MIN_SCORE,
) -> list[LinkItem]:
    """Index an article's quoted passages and link them to speeches already indexed.

    ``article`` is an ArticleItem or a dict with ``id``, ``text`` and
    ``published`` (ISO 8601; its calendar date is used). An article without a
    publication date cannot be placed in a window: its passages are removed
    from the index and it gets no links.
    """
    adapter = ItemAdapter(article)
    article_id = adapter.get("id")
    if not article_id:
        raise ValueError("an article needs an id to be linked")
    text = adapter.get("text") or ""
    published = adapter.get("published")
    if not published:
        index.remove_article(article_id)
        return []
    quotes = index_article_quotes(article_id, text, published, index, min_words=min_words)
    links: list[LinkItem] = []
    for quote in quotes:
        candidates: dict[str, IndexedSpeech] = {}
        for s, e in quote.passages:
            for candidate in index.speech_candidates(text[s:e], published, window_days):
                candidates.setdefault(candidate.speech.speech_id, candidate.speech)
        readings = [r for speech in candidates.values() for r in speech.readings()]
        for match in match_quote(
            text,
            quote,
            readings,
            article_date=published,
            min_words=min_words,
            min_score=min_score,
        ):
            links.append(make_link(article_id, text, match))
    return links


def index_article_quotes(
    article_id: str,
    text: str,
    published: str,
    index: LinkIndex,
    *,
    min_words: int = MIN_QUOTE_WORDS,
) -> list[Quote]:
    """Index the passages of an article's linkable quotations; returns the quotations."""
    quotes = [q for q in find_quotes(text) if is_linkable(q, min_words)]
    index.add_article_quotes(
        article_id, published, [text[s:e] for q in quotes for s, e in q.passages]
    )
    return quotes


def linkable_article(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored article as the linker reads it; the fetch time bounds an undated article."""
    if record is None:
        return None
    return {
        "id": record["id"],
        "text": record.get("text") or "",
        "published": record.get("published") or record.get("fetched_at"),
    }


def debate_speeches(debate: Mapping[str, Any] | Any) -> list[IndexedSpeech]:
    """The speeches of a DebateItem (or its dict) worth indexing: spoken words, not votes."""
    adapter = ItemAdapter(debate)
    debate_id = adapter["id"]
    date = debate_date(debate)
    if date is None:
        return []
    out = []
    for position, speech in enumerate(adapter.get("speeches") or []):
        s = ItemAdapter(speech)
        text = s.get("text") or ""
        texts = {lang: t for lang, t in (s.get("texts") or {}).items() if t and t.strip()}
        if s.get("kind") in UNLINKED_SPEECH_KINDS or not (text.strip() or texts):
            continue
        out.append(
            IndexedSpeech(
                speech_id=s["id"],
                debate_id=debate_id,
                date=date,
                text=text,
                speaker_name=s.get("speaker_name"),
                person_id=s.get("person_id"),
                language=s.get("language"),
                texts=texts,
                position=position,
            )
        )
    return out


def debate_date(debate: Mapping[str, Any] | Any) -> str | None:
    """Sitting date of a debate: its ``date``, else the date its gid starts with."""
    adapter = ItemAdapter(debate)
    if adapter.get("date"):
        return str(adapter["date"])[:10]
    gid = Gid.parse(adapter.get("id"))
    return gid.date if gid else None


def link_debate(
    debate: Mapping[str, Any] | Any,
    index: LinkIndex,
    *,
    load_article: Callable[[str], Mapping[str, Any] | Any | None],
    window_days: int = DEFAULT_WINDOW_DAYS,
    min_words: int = MIN_QUOTE_WORDS,
    min_score: float = MIN_SCORE,
) -> list[LinkItem]:
    """Index a debate's speeches and return every link into it from indexed articles.

    ``load_article(article_id)`` returns the stored article (as for
    :func:`link_article`) or ``None`` if it is gone. The debate's earlier
    revisions (``previous_ids``), the official Hansard's record of it when the record took
    that one over (:func:`~crawler.dedup.sources.superseded_ids`) and speeches it no longer
    has leave the index.
    """
    adapter = ItemAdapter(debate)
    debate_id = adapter["id"]
    speeches = debate_speeches(debate)
    # Earlier revisions, and the official Hansard's record this one took over, leave the index.
    previous_ids = [*(adapter.get("previous_ids") or ()), *superseded_ids(adapter.asdict())]
    index.replace_debate(debate_id, speeches, previous_ids=previous_ids)
    date = debate_date(debate)
    if date is None or not speeches:
        return []
    links: list[LinkItem] = []
    texts = [t for s in speeches for t in s.all_texts()]
    for article_id in index.article_candidates(texts, date, window_days):
        article = load_article(article_id)
        if article is None:
            continue
        links.extend(
            link
            for link in link_article(
                article, index, window_days=window_days, min_words=min_words, min_score=min_score
            )
            if link.debate_id == debate_id
        )
    return links
