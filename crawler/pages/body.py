"""An article's body text: several readers of the page, and the rules that choose one.

Readers (the candidates, recorded in ``ArticleItem.extraction["text"]``):

- ``selectors``: the outlet's configured body selectors. When they give text
  they win outright: an outlet configured by hand is read as configured.
- ``markup``: the project's own reading of the HTML, from a known body
  container (``[itemprop=articleBody]``, ``.entry-content``…) or else the
  block holding the most paragraph text, together with its sibling blocks.
- ``trafilatura``: the trafilatura library's choice of the page's main text,
  taken back from the page itself so the text is the page's, verbatim (see
  :func:`anchor`).
- ``json-ld``: the schema.org ``articleBody``, which publishers fill from
  their own database but which often has lost its paragraph breaks.

The rules (:func:`choose`), in order. Words are compared as bags of
word tokens; "holds" means holds at least ``CONTAINS`` of the other's words.

1. Configured selectors win when they give text.
2. With no reader, ``articleBody`` (or nothing).
3. When ``articleBody`` is long enough to be the whole article
   (``REFEREE_MIN_WORDS``), it is the referee: if the readers hold less than
   ``MISSED`` of it, they missed the article and ``articleBody`` wins; if
   only one of the two readers holds it, that reader wins.
   Otherwise a reader that is alone wins.
4. When one reader holds the other, the paragraphs each has that the other
   lacks are weighed (:func:`net_extra`): sentence-long paragraphs
   (``PROSE_WORDS``) count for it, as article text the other missed; short
   lines around the shared text count against it, as furniture (link
   lists, labels, dates); short lines between shared paragraphs are
   subheadings and count for nothing. The reader whose extra paragraphs
   weigh more wins; on a tie, markup, whose paragraphs are the page's blocks.
5. When neither holds the other, trafilatura wins: markup read the wrong
   block.

Paragraphs that are page furniture by their words ("READ MORE: …",
newsletter prompts, video-player messages, cookie notices) are dropped
from every candidate but the configured one.
"""

from __future__ import annotations

import copy
import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import Any

import trafilatura
from lxml import etree
from parsel import Selector

from crawler.pages import text
from crawler.pages.blocks import HIDDEN, HTML_BLOCKS, block_paragraphs

logger = logging.getLogger(__name__)

# Known article-body containers, most specific first.
BODY_CONTAINERS = (
    '[itemprop="articleBody"]',
    ".amp-wp-article-content",
    ".td-post-content",
    ".entry-content",
    ".post-content",
    ".article-body",
    ".article-content",
    ".story-body",
    ".article__body",
)

# Class or id words of furniture found inside article bodies, on top of
# text.FURNITURE: video players, cookie and consent banners, standards boxes,
# related-post lists (``jp-relatedposts``), bylines and timestamps.
BODY_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:video-?player|jwplayer|cookies?|consent|gdpr|trust|signup|recirc|"
    r"more-?stories|outbrain|taboola|related\w*|trending|sharedaddy|likes|byline|dateline|"
    r"timestamp)(?:[\s_-]|$)",
    re.IGNORECASE,
)

# Paragraphs that are furniture by their words. A lead-in counts when it is
# the whole paragraph or is followed by punctuation ("READ MORE: …").
FURNITURE_LEAD_INS = (
    "read more",
    "read also",
    "also read",
    "related",
    "related articles",
    "related stories",
    "related content",
    "recommended",
    "see also",
    "more on this story",
    "advert",
    "advertisement",
    "sponsored",
    "watch",
    "listen",
)
_LEAD_IN = re.compile(
    r"^\W*(?:" + "|".join(re.escape(words) for words in FURNITURE_LEAD_INS) + r")"
    r"\s*(?:$|[:|»>–—-])",
    re.IGNORECASE,
)
# Sentences that only furniture says: (words that must all appear, lowercase).
FURNITURE_PHRASES = (
    ("sign up", "newsletter"),
    ("subscribe", "newsletter"),
    ("this video",),
    ("your browser does not support",),
    ("enable javascript",),
    ("media playback",),
    ("trust principles",),
    ("cookies",),
)
# A paragraph longer than this many words is article text, whatever it says.
FURNITURE_MAX_WORDS = 40

# Choice thresholds (see choose()).
CONTAINS = 0.95  # one text holds this share of another's words: it contains it
MISSED = 0.5  # readers holding less than this share of articleBody missed the article
REFEREE_MIN_WORDS = 50  # a shorter articleBody is a teaser, not the body
PROSE_WORDS = 20  # a paragraph of this many words is a sentence of text, not a label
# Blocks beside the body's block are part of it when their paragraph text
# reaches this share of the body block's and this many characters.
SIBLING_SHARE = 0.2
SIBLING_MIN_CHARS = 100

# Blocks that hold one paragraph each when they hold none of CONTAINER_MARKS.
LEAF_BLOCKS = ("p", "div", "section", "blockquote")
CONTAINER_MARKS = ("p", "div", "section", "article", "li", "table")

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class BodyCandidate:
    """One reader's body: its source name and paragraphs."""

    source: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @cached_property
    def words(self) -> Counter[str]:
        return Counter(_WORD.findall(self.text))

    def __bool__(self) -> bool:
        return bool(self.paragraphs)


def contained(part: BodyCandidate, whole: BodyCandidate) -> float:
    """The share of ``part``'s words (as a bag) that ``whole`` also has."""
    total = sum(part.words.values())
    return sum((part.words & whole.words).values()) / total if total else 0.0


def choose(
    *,
    selectors: BodyCandidate | None = None,
    markup: BodyCandidate | None = None,
    extractor: BodyCandidate | None = None,
    article_body: BodyCandidate | None = None,
) -> BodyCandidate | None:
    """The body to keep, by the rules in this module's docstring."""
    if selectors:
        return selectors
    readers = [reader for reader in (markup, extractor) if reader]
    if not readers:
        return article_body or None
    if article_body and _words(article_body) >= REFEREE_MIN_WORDS:
        held = {reader: contained(article_body, reader) for reader in readers}
        if max(held.values()) < MISSED:
            return article_body
        holders = [reader for reader, share in held.items() if share >= CONTAINS]
        if len(holders) == 1 and len(readers) == 2:
            return holders[0]
    if not (markup and extractor):
        return readers[0]
    if contained(markup, extractor) >= CONTAINS or contained(extractor, markup) >= CONTAINS:
        gained = net_extra(extractor, markup) - net_extra(markup, extractor)
        return extractor if gained > 0 else markup
    return extractor


def net_extra(whole: BodyCandidate, other: BodyCandidate) -> int:
    """What the paragraphs of ``whole`` that ``other`` lacks are worth, in words.

    A paragraph ``other`` has, even split or joined differently, is shared.
    Article text comes in sentences: words in extra paragraphs of
    ``PROSE_WORDS`` or more count for ``whole``. Short extra lines before the
    first or after the last shared paragraph are furniture around the article
    (link lists, labels, dates) and count against it; short lines between
    shared paragraphs are the article's own subheadings and list items, and
    count for nothing.
    """
    has = _letters(other.text)
    shared = [_letters(paragraph) in has for paragraph in whole.paragraphs]
    inside = [number for number, found in enumerate(shared) if found]
    first, last = (inside[0], inside[-1]) if inside else (len(shared), -1)
    worth = 0
    for number, paragraph in enumerate(whole.paragraphs):
        if shared[number]:
            continue
        count = len(_WORD.findall(paragraph))
        if count >= PROSE_WORDS:
            worth += count
        elif not first < number < last:
            worth -= count
    return worth


def _words(candidate: BodyCandidate) -> int:
    return sum(candidate.words.values())


def read_body(
    selector: Selector,
    *,
    configured: Sequence[str] = (),
    remove: Sequence[str] = (),
    article_body: str | None = None,
) -> BodyCandidate | None:
    """The body of a page: ``configured`` selectors first, else the best generic reader."""
    if configured:
        found = configured_body(selector, configured, remove)
        if found:
            return found
    return choose(
        markup=markup_body(selector, remove),
        extractor=extractor_body(selector, remove),
        article_body=json_ld_body(article_body),
    )


# --- configured selectors ----------------------------------------------------
def configured_body(
    selector: Selector, configured: Sequence[str], remove: Sequence[str] = ()
) -> BodyCandidate | None:
    """The first configured body container that has paragraphs, read as configured."""
    for css in configured:
        found = selector.css(css)
        if found:
            paragraphs = text.paragraphs(found[0], remove)
            if paragraphs:
                return BodyCandidate("selectors", tuple(paragraphs))
    return None


# --- JSON-LD -------------------------------------------------------------------
def json_ld_body(article_body: str | None) -> BodyCandidate | None:
    """``articleBody`` as paragraphs: split on blank lines, else on line breaks."""
    if not article_body or not article_body.strip():
        return None
    value = article_body.replace("\r\n", "\n").strip()
    splitter = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", value) else r"\n"
    paragraphs = [part.strip() for part in re.split(splitter, value) if part.strip()]
    return BodyCandidate("json-ld", tuple(_drop_furniture_paragraphs(paragraphs)))


# --- the project's markup reading ------------------------------------------------
def markup_body(selector: Selector, remove: Sequence[str] = ()) -> BodyCandidate | None:
    """The body read from known containers, else from the densest block and its siblings."""
    containers = known_containers(selector) or densest_blocks(selector)
    paragraphs: list[str] = []
    for container in containers:
        paragraphs.extend(read_container(container, remove))
    paragraphs = _drop_furniture_paragraphs(paragraphs)
    return BodyCandidate("markup", tuple(paragraphs)) if paragraphs else None


def known_containers(selector: Selector) -> list[Any]:
    """Every part of the story in the first known container kind the page uses.

    Some pages split one story over several containers of the same kind (with
    an advert or a video between them): those that sit beside the fullest one
    (same parent or same grandparent) are read with it, in page order.
    Containers the page hides (a microdata copy of the text) are skipped.
    """
    for css in BODY_CONTAINERS:
        nodes = [found.root for found in selector.css(css)]
        nodes = [node for node in nodes if not _nested_in(node, nodes)]
        nodes = [node for node in nodes if not rejected_as_furniture(node) and not _hidden(node)]
        nodes = [node for node in nodes if _text_length(node)]
        if not nodes:
            continue
        fullest = max(nodes, key=_text_length)
        return [node for node in nodes if node is fullest or _near(node, fullest)]
    return []


def densest_blocks(selector: Selector) -> list[Any]:
    """The block with the most paragraph text, and sibling blocks that continue it."""
    found = selector.xpath("//body")
    if not found:
        return []
    weigh = _Weigher(found[0].root)
    best: Any = None
    best_weight = 0
    for node in found[0].root.iterdescendants():
        weight = weigh.paragraphs_in(node)
        if weight > best_weight and not rejected_as_furniture(node):
            best, best_weight = node, weight
    if best is None:
        return []
    parent = best.getparent()
    threshold = max(best_weight * SIBLING_SHARE, SIBLING_MIN_CHARS)
    return [
        node
        for node in parent
        if node is best
        or (
            isinstance(node.tag, str)
            and max(weigh.paragraphs_in(node), weigh.leaf(node)) >= threshold
            and not rejected_as_furniture(node)
        )
    ]


class _Weigher:
    """Paragraph text weights of the elements of one page (to find the article body)."""

    def __init__(self, root: Any) -> None:
        # Elements holding a block element: these are containers, not paragraphs.
        self.containers: set[Any] = set()
        for block in root.iter(*CONTAINER_MARKS):
            for ancestor in block.iterancestors():
                if ancestor in self.containers:
                    break
                self.containers.add(ancestor)
        # Elements the page hides (tracking pixels, templates): they weigh nothing.
        self.hidden: set[Any] = set()
        for node in _HIDDEN_BY_MARKUP(root):
            self.hidden.update(node.iter())

    def paragraphs_in(self, node: Any) -> int:
        """Characters of paragraph text directly in ``node``, links left out.

        Counts its ``<p>`` children and its leaf blocks (a ``<div>`` per
        paragraph), and text loose in ``node`` itself or in its inline
        children (paragraphs between ``<br>``s).
        """
        if not isinstance(node.tag, str) or node.tag in HIDDEN or node.tag == "a":
            return 0
        if node in self.hidden:
            return 0
        total = len(text.collapse(node.text or ""))
        for child in node:
            total += len(text.collapse(child.tail or ""))
            if not isinstance(child.tag, str) or child.tag in HIDDEN or child.tag == "a":
                continue
            if child.tag in LEAF_BLOCKS or child.tag not in HTML_BLOCKS:
                total += self.leaf(child)
        return total

    def leaf(self, node: Any) -> int:
        """Characters of non-link text in ``node`` when it is a leaf block (holds no block)."""
        if not isinstance(node.tag, str) or node.tag in HIDDEN or node in self.hidden:
            return 0
        if node.tag != "p" and node in self.containers:
            return 0
        linked = sum(_text_length(link) for link in node.iter("a"))
        return max(_text_length(node) - linked, 0)


def read_container(container: Any, remove: Sequence[str] = ()) -> list[str]:
    """The paragraphs of one body container, furniture and the headline left out."""
    copy_root = copy.deepcopy(container)
    copy_root.tail = None
    holder = Selector(root=copy_root, type="html")
    for css in (*text.ALWAYS_DROP, "h1", *remove):
        for found in holder.css(css):
            if found.root is not copy_root:
                _drop(found.root)
    doomed = [
        node
        for node in copy_root.iterdescendants()
        if isinstance(node.tag, str) and _furniture_words(node)
    ]
    doomed.extend(node for node in _HIDDEN_BY_MARKUP(copy_root) if node is not copy_root)
    for node in doomed:
        _drop(node)
    return block_paragraphs(copy_root)


def rejected_as_furniture(node: Any) -> bool:
    """Whether ``node`` is furniture, or sits inside furniture, as a body container.

    Furniture classes on ``<html>`` or ``<body>`` say nothing about one part of
    the page (``print-…`` on ``<body>``). An element marked as furniture
    (``…read-more``, ``…advertisement…``) that holds most of the page's text
    is a wrapper round the article (a "read more" expander), and the node it
    wraps is rejected only if it is a small part of it (one comment in a
    long thread). Any other furniture around the node rejects it.
    """
    current = node
    while current is not None and current.tag not in ("html", "body"):
        structural = current is not node and current.tag in ("nav", "aside", "footer")
        if (structural or _furniture_words(current)) and not _wraps_article(current, node):
            return True
        current = current.getparent()
    return False


def _wraps_article(wrapper: Any, node: Any) -> bool:
    """Whether ``wrapper`` holds most of the page's text and ``node`` most of its own."""
    held = _text_length(wrapper)
    return held * 2 >= _page_length(wrapper.getroottree().getroot()) and (
        _text_length(node) * 2 >= held
    )


def _furniture_words(node: Any) -> bool:
    words = f"{node.get('class') or ''} {node.get('id') or ''}"
    return bool(text.FURNITURE.search(words) or BODY_FURNITURE.search(words))


_HIDDEN_BY_MARKUP = etree.XPath(
    "//*[@hidden or contains(translate(@style, ' ', ''), 'display:none')]"
)


def _hidden(node: Any) -> bool:
    """Whether the page hides ``node`` or an element around it (``hidden``, ``display:none``)."""
    for element in (node, *node.iterancestors()):
        style = (element.get("style") or "").replace(" ", "").lower()
        if element.get("hidden") is not None or "display:none" in style:
            return True
    return False


_NOT_SHOWN = ("script", "style", "noscript", "template")


def _text_length(node: Any) -> int:
    """Characters of text ``node`` shows, spaces and scripts left out (to compare sizes)."""
    whole = _letter_count(node.itertext())
    unseen = sum(_letter_count(found.itertext(with_tail=False)) for found in node.iter(*_NOT_SHOWN))
    return whole - unseen


def _letter_count(parts: Iterable[str]) -> int:
    return sum(len(part) - sum(map(part.count, " \t\n\r\f")) for part in parts)


@lru_cache(maxsize=4)
def _page_length(root: Any) -> int:
    """:func:`_text_length` of a whole page, asked for once per furniture wrapper."""
    return _text_length(root)


def _nested_in(node: Any, others: Iterable[Any]) -> bool:
    return any(other is not node and node in other.iterdescendants() for other in others)


def _near(node: Any, anchor: Any) -> bool:
    parent, anchor_parent = node.getparent(), anchor.getparent()
    if parent is anchor_parent:
        return True
    return (
        parent is not None
        and anchor_parent is not None
        and parent.getparent() is anchor_parent.getparent()
    )


def _drop(node: Any) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if hasattr(node, "drop_tree"):
        node.drop_tree()  # keeps the tail text
        return
    # An element of a page parsed as XML has no drop_tree: the same by hand.
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _drop_furniture_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    return [paragraph for paragraph in paragraphs if not is_furniture_paragraph(paragraph)]


def is_furniture_paragraph(paragraph: str) -> bool:
    """Whether a short paragraph is furniture by its words ("READ MORE: …", "Advertisement")."""
    if len(paragraph.split()) > FURNITURE_MAX_WORDS:
        return False
    if _LEAD_IN.match(paragraph):
        return True
    lowered = paragraph.lower()
    return any(all(words in lowered for words in phrase) for phrase in FURNITURE_PHRASES)


# --- trafilatura -----------------------------------------------------------------
# Trafilatura's own tags for blocks and line breaks in the tree it returns.
EXTRACTOR_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "code", "table", "row", "cell"})
EXTRACTOR_LINE_BREAKS = frozenset({"lb"})


def extractor_body(selector: Selector, remove: Sequence[str] = ()) -> BodyCandidate | None:
    """Trafilatura's main text, anchored back to the page's own text.

    The outlet's ``remove`` selectors are dropped from the page first. A page
    trafilatura cannot read gives no candidate (logged), not a failed parse.
    """
    if not isinstance(selector.root, etree._Element):
        return None
    tree = copy.deepcopy(selector.root)  # trafilatura prunes the tree it is given
    # As when trafilatura parses a page itself: no comments (its fallbacks trip on them).
    etree.strip_tags(tree, etree.Comment)
    holder = Selector(root=tree, type="html")
    for css in remove:
        for found in holder.css(css):
            _drop(found.root)
    try:
        document = trafilatura.bare_extraction(tree, include_comments=False, with_metadata=False)
    except Exception as error:  # a third-party reader on arbitrary pages: never fatal
        logger.warning("trafilatura could not read the page: %s: %s", type(error).__name__, error)
        return None
    extracted = getattr(document, "body", None)
    if extracted is None:
        return None
    found = block_paragraphs(extracted, blocks=EXTRACTOR_BLOCKS, line_breaks=EXTRACTOR_LINE_BREAKS)
    if not found:
        return None
    page = selector.root.find(".//body")
    paragraphs, _ = anchor(found, block_paragraphs(page if page is not None else selector.root))
    paragraphs = _drop_furniture_paragraphs(paragraphs)
    return BodyCandidate("trafilatura", tuple(paragraphs)) if paragraphs else None


def _visible(character: str) -> bool:
    return character.isprintable() and not character.isspace()


def _letters(paragraph: str) -> str:
    """``paragraph`` without spaces and invisible characters (what anchoring compares)."""
    joined = "".join(paragraph.split())
    return joined if joined.isprintable() else "".join(filter(_visible, joined))


_NOT_SPACE = re.compile(r"[^ ]")


def _visible_offsets(paragraph: str) -> list[int]:
    """The offsets in ``paragraph`` of its visible characters, in order."""
    if paragraph.isprintable():
        # The space is the one printable character that is not visible.
        return [found.start() for found in _NOT_SPACE.finditer(paragraph)]
    return [offset for offset, character in enumerate(paragraph) if _visible(character)]


def anchor(extracted: Sequence[str], page: Sequence[str]) -> tuple[list[str], int]:
    """The page's own text for each extracted paragraph, and how many were not found.

    Extractors tidy what they return (spaces, invisible characters); the
    corpus keeps the page's text. Each extracted paragraph is looked for in
    the page's paragraphs with spaces and invisible characters ignored, from
    where the previous one was found; the page's text of that stretch is kept,
    split where the page has a paragraph break. A paragraph not found is not
    text the page shows (an extractor may read ``articleBody`` or metadata
    too, or rewrite characters) and is left out.
    """
    letters = [_letters(paragraph) for paragraph in page]
    starts = list(accumulate((len(found) for found in letters), initial=0))
    haystack = "".join(letters)

    offsets: dict[int, list[int]] = {}

    def where(position: int) -> tuple[int, int]:
        number = bisect_right(starts, position) - 1
        if number not in offsets:
            offsets[number] = _visible_offsets(page[number])
        return number, offsets[number][position - starts[number]]

    kept: list[str] = []
    missed = 0
    cursor = 0
    for paragraph in extracted:
        needle = _letters(paragraph)
        if not needle:
            continue
        start = haystack.find(needle, cursor)
        if start < 0:
            start = haystack.find(needle)
        if start < 0:
            missed += 1
            continue
        end = start + len(needle) - 1
        cursor = end + 1
        kept.extend(_stretch(page, where(start), where(end)))
    return kept, missed


def _stretch(page: Sequence[str], first: tuple[int, int], last: tuple[int, int]) -> list[str]:
    """The page's text from ``first`` to ``last`` (paragraph, offset), one string per paragraph."""
    (first_number, first_offset), (last_number, last_offset) = first, last
    if first_number == last_number:
        return [page[first_number][first_offset : last_offset + 1]]
    pieces = [page[first_number][first_offset:]]
    pieces.extend(page[first_number + 1 : last_number])
    pieces.append(page[last_number][: last_offset + 1])
    return [piece.strip() for piece in pieces if piece.strip()]
