"""The pages of the link browser, rendered from an export's rows."""

from __future__ import annotations

import difflib
import hashlib
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from crawler.export.browser.charts import bar_chart
from crawler.export.card import plural
from crawler.linking.linker import linked_text
from crawler.normalise.parties import default_party_table

ASSETS = ("browser.css", "browser.js")
TOP_SPEAKERS = 15
# Bins of the days between a speech and the article quoting it: (label, first day, last day).
DELAY_BINS = (
    ("same day", 0, 0),
    ("1 day", 1, 1),
    ("2 days", 2, 2),
    ("3–7 days", 3, 7),
    ("8–14 days", 8, 14),
    ("15–30 days", 15, 30),
    ("over 30 days", 31, None),
)

SpeechKey = tuple[str, str]


@dataclass
class Corpus:
    """The rows the pages are made from."""

    articles: list[dict[str, Any]]
    speeches: dict[SpeechKey, dict[str, Any]]
    links: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Links by article id, in the order of their offsets."""

    @classmethod
    def from_rows(
        cls,
        articles: Iterable[dict[str, Any]],
        speeches: Iterable[dict[str, Any]],
        links: Iterable[dict[str, Any]],
    ) -> Corpus:
        by_article: dict[str, list[dict[str, Any]]] = {}
        for link in links:
            by_article.setdefault(link["article_id"], []).append(link)
        for article_links in by_article.values():
            article_links.sort(key=lambda link: (link["article_start"], link["id"]))
        return cls(
            list(articles),
            {(speech["debate_id"], speech["id"]): speech for speech in speeches},
            by_article,
        )

    def speech_of(self, link: dict[str, Any]) -> dict[str, Any]:
        return self.speeches[(link["debate_id"], link["speech_id"])]


def article_page_name(article_id: str) -> str:
    """The page of an article: a name from its id that is safe on any file system."""
    return f"articles/{hashlib.sha256(article_id.encode('utf-8')).hexdigest()[:16]}.html"


def party_name(party: str | None) -> str:
    if not party:
        return "no party"
    known = default_party_table().parties.get(party)
    return known.name_en if known else party


def _day(article: dict[str, Any]) -> str:
    return (article.get("published") or "")[:10]


def _page(title: str, body: str, *, depth: int = 0, script: bool = False) -> str:
    up = "../" * depth
    script_tag = f'<script src="{up}browser.js" defer></script>' if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{up}browser.css">{script_tag}</head>'
        f'<body><nav><a href="{up}index.html">All articles</a>'
        f'<a href="{up}summary.html">Summary</a></nav>{body}</body></html>\n'
    )


# --- the index ------------------------------------------------------------------


def index_page(corpus: Corpus) -> str:
    sites = sorted({article.get("site") or "" for article in corpus.articles} - {""})
    rows = []
    for article in corpus.articles:
        count = len(corpus.links.get(article["id"], []))
        title = article.get("title") or article["id"]
        rows.append(
            f'<tr data-site="{escape(article.get("site") or "")}">'
            f"<td>{escape(article.get('site') or '')}</td>"
            f"<td>{escape(_day(article))}</td>"
            f'<td><a href="{article_page_name(article["id"])}">{escape(title)}</a></td>'
            f'<td class="number" data-value="{count}">{count}</td></tr>'
        )
    options = "".join(f'<option value="{escape(site)}">{escape(site)}</option>' for site in sites)
    body = (
        "<h1>Articles and the speeches they quote</h1>"
        f'<p class="meta"><span id="shown">{len(rows)}</span> of {len(rows)} articles, '
        f"{sum(len(links) for links in corpus.links.values())} links.</p>"
        '<div class="filters">'
        '<input id="filter-words" type="search" placeholder="Filter by words" '
        'aria-label="Filter by words">'
        '<select id="filter-site" aria-label="Site"><option value="">All sites</option>'
        f"{options}</select></div>"
        '<table id="articles"><thead><tr><th>Site</th><th>Date</th><th>Title</th>'
        '<th class="number">Links</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page("Articles — link browser", body, script=True)


# --- an article -----------------------------------------------------------------


def _highlighted_text(text: str, links: list[tuple[int, dict[str, Any]]]) -> str:
    """``text`` with each link's span in a ``mark``; overlapping spans share their marks."""
    bounds = sorted({0, len(text)} | {b for _, link in links for b in _span(link)})
    parts = []
    for start, end in itertools.pairwise(bounds):
        covering = [n for n, link in links if _span(link)[0] <= start and end <= _span(link)[1]]
        segment = escape(text[start:end])
        if covering:
            numbers = " ".join(str(n) for n in covering)
            parts.append(
                f'<mark class="quote" data-links="{numbers}">'
                f'<a href="#link-{covering[0]}">{segment}</a></mark>'
            )
        else:
            parts.append(segment)
    return "".join(parts)


def _span(link: dict[str, Any]) -> tuple[int, int]:
    return link["article_start"], link["article_end"]


def _located(text: str | None, link: dict[str, Any]) -> bool:
    start, end = _span(link)
    return bool(text) and 0 <= start < end <= len(text or "")


def _changes(quote: str, passage: str) -> str:
    """The quote word by word against the speech: words the press left out or put in."""
    printed, spoken = quote.split(), passage.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=spoken, b=printed, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(spoken[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f'<del title="said, not printed">{escape(" ".join(spoken[a1:a2]))}</del>')
        if b2 > b1:
            parts.append(f'<ins title="printed, not said">{escape(" ".join(printed[b1:b2]))}</ins>')
    return " ".join(parts)


def _speech_card(number: int, link: dict[str, Any], speech: dict[str, Any]) -> str:
    text = linked_text(speech, link)
    start, end = link["speech_start"], link["speech_end"]
    if 0 <= start < end <= len(text):
        spoken = (
            f'{escape(text[:start])}<mark class="matched">{escape(text[start:end])}</mark>'
            f"{escape(text[end:])}"
        )
    else:
        spoken = escape(text)
    who = " · ".join(
        escape(part)
        for part in (
            party_name(speech.get("party")),
            speech.get("house") or "",
            speech.get("date") or "",
        )
        if part
    )
    source = speech.get("url") or ""
    title = escape(speech.get("debate_title") or speech["debate_id"])
    debate = f'<a href="{escape(source)}">{title}</a>' if source else title
    changes = ""
    if link.get("kind") == "fuzzy" and 0 <= start < end <= len(text):
        changes = (
            '<p class="changes">How the article printed it: '
            f"{_changes(link['quote'], text[start:end])}</p>"
        )
    position = f" ({escape(speech['position'])})" if speech.get("position") else ""
    return (
        f'<section id="link-{number}" class="link {escape(link.get("kind") or "")}">'
        f"<h2>{escape(speech.get('speaker_name') or 'No speaker')}{position}</h2>"
        f'<p class="who">{who}</p><p class="debate">{debate}</p>'
        f'<p class="match">{escape(link.get("kind") or "")} link, score {link["score"]:.2f}</p>'
        f'<blockquote class="speech">{spoken}</blockquote>{changes}</section>'
    )


def article_page(corpus: Corpus, article: dict[str, Any]) -> str:
    links = list(enumerate(corpus.links.get(article["id"], []), start=1))
    text = article.get("text")
    located = [(n, link) for n, link in links if _located(text, link)]
    unlocated = [(n, link) for n, link in links if not _located(text, link)]
    title = article.get("title") or article["id"]
    if text:
        shown = f'<div class="text">{_highlighted_text(text, located)}</div>'
    else:
        shown = "<p>This export leaves out the article's text; its linked quotes follow.</p>"
    if unlocated:
        shown += (
            '<div class="unlocated">'
            + "".join(
                f'<blockquote><mark class="quote" data-links="{n}">'
                f'<a href="#link-{n}">{escape(link["quote"])}</a></mark></blockquote>'
                for n, link in unlocated
            )
            + "</div>"
        )
    cards = "".join(_speech_card(n, link, corpus.speech_of(link)) for n, link in links)
    url = article.get("url") or ""
    body = (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="meta">{escape(article.get("site") or "")} · {escape(_day(article))} · '
        f'<a href="{escape(url)}">source page</a> · {len(links)} '
        f"link{'s' if len(links) != 1 else ''}</p></header>"
        f'<main class="article-page"><article>{shown}</article>'
        f'<aside class="speeches">{cards}</aside></main>'
    )
    return _page(f"{title} — link browser", body, depth=1)


# --- the summary ----------------------------------------------------------------


def _week(day: str) -> str | None:
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def _delay_bin(days: int) -> str | None:
    for label, first, last in DELAY_BINS:
        if days >= first and (last is None or days <= last):
            return label
    return None


def summary_page(corpus: Corpus) -> str:
    articles = {article["id"]: article for article in corpus.articles}
    weeks: Counter[str] = Counter()
    parties: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    delays: Counter[str] = Counter()
    undated = negative = 0
    all_links = [link for links in corpus.links.values() for link in links]
    speeches = {(link["debate_id"], link["speech_id"]) for link in all_links}
    for link in all_links:
        speech = corpus.speech_of(link)
        parties[party_name(speech.get("party"))] += 1
        speakers[speech.get("speaker_name") or "No speaker"] += 1
        day = _day(articles[link["article_id"]])
        week = _week(day)
        if week is None or not speech.get("date"):
            undated += 1
            continue
        weeks[week] += 1
        days = (date.fromisoformat(day) - date.fromisoformat(speech["date"])).days
        label = _delay_bin(days)
        if label is None:
            negative += 1
        else:
            delays[label] += 1
    by_count = sorted(parties.items(), key=lambda item: (-item[1], item[0]))
    top_speakers = sorted(speakers.items(), key=lambda item: (-item[1], item[0]))[:TOP_SPEAKERS]
    delay_bars = [(label, delays[label]) for label, _, _ in DELAY_BINS]
    notes = []
    if undated:
        notes.append(
            f"{undated} links are left out of the week and delay charts: their article "
            "has no full publication date."
        )
    if negative:
        notes.append(f"{negative} links have an article dated before the speech.")
    body = (
        "<h1>Summary of the links</h1>"
        f'<p class="meta">{plural(len(all_links), "link")} between '
        f"{plural(len(corpus.links), 'article')} and "
        f"{plural(len(speeches), 'speech')}.</p>"
        + "".join(f"<p>{escape(note)}</p>" for note in notes)
        + bar_chart(
            "Links per week (ISO week of the article)",
            sorted(weeks.items()),
            chart_id="chart-weeks",
        )
        + bar_chart("Links by party of the speaker", by_count, chart_id="chart-parties")
        + bar_chart(
            f"Links by speaker (top {TOP_SPEAKERS})", top_speakers, chart_id="chart-speakers"
        )
        + bar_chart("Days between the speech and the article", delay_bars, chart_id="chart-delays")
    )
    return _page("Summary — link browser", body)
