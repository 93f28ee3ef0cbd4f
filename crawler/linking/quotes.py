"""Find the quotations in an article's text, with offsets and who said them.

:func:`find_quotes` reads the text paragraph by paragraph (one per line; a
blank line between paragraphs is the corpus's layout) and returns one
:class:`Quote` per quotation:

* curly (“…”, ‘…’), straight ("…", '…') and angle (« ») quotation marks; a
  quotation inside another is part of the outer one;
* a closing mark with no opening mark before it in its paragraph (``Everyone
  in NATO … security,” Healey said.``) opens the quotation at the paragraph's
  start; an opening double mark never closed runs to the paragraph's end (the
  convention for a quotation that continues in the next paragraph);
* the quoted words are split at ellipses (``…``, ``...``, ``[…]``) into
  passages, each aligned on its own;
* the speaker is found from the words around the quotation (``” Healey
  said``, ``she asked``, ``Labour MP Chris McDonald further pressed …``), a
  pronoun being resolved to the nearest earlier named speaker;
* the source is ``other`` when those words show a quotation of something
  other than a parliamentary speech (a readout, a press release, an
  interview…).

Pure functions; the cue words are the tables below.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from crawler.linking.align import quoted_word_count
from crawler.normalise.dates import english_calendar_words

# --- quotation marks ---------------------------------------------------------

DOUBLE_OPEN = {"“": "”", "«": "»", "„": "“"}
DOUBLE_CLOSE = {"”", "»"}
SINGLE_OPEN = {"‘": "’"}

ELLIPSIS_RE = re.compile(r"\s*(?:\[\s*(?:…|\.\s?\.\s?\.)\s*\]|…|\.\s?\.\s?\.)\s*")
# Characters trimmed from the edges of a passage: punctuation the journalist
# adds when cutting a quotation (a comma before the closing mark, a dash).
EDGE_TRIM = " \t,;:–—-"

# --- attribution -------------------------------------------------------------

# Verbs that introduce or follow a quotation, finite forms only: "-ing" forms
# ("stating", "noting") follow their subject at a distance and would pick the
# wrong noun.
# fmt: off
SPEECH_VERBS = [
    "said", "says", "asked", "asks", "added", "adds", "told", "tells", "urged", "urges", "pressed",
    "presses", "warned", "warns", "highlighted", "highlights", "noted", "notes", "stated",
    "states", "reiterated", "reiterates", "insisted", "insists", "reassured", "reassures",
    "replied", "replies", "responded", "responds", "argued", "argues", "claimed", "claims",
    "explained", "explains", "confirmed", "confirms", "declared", "declares", "remarked",
    "remarks", "acknowledged", "acknowledges", "announced", "announces", "continued", "continues",
    "questioned", "questions", "challenged", "challenges", "demanded", "demands", "suggested",
    "suggests", "stressed", "stresses", "emphasised", "emphasises", "emphasized", "emphasizes",
    "admitted", "admits", "wrote", "writes", "spoke", "speaks", "promised", "promises", "pledged",
    "pledges", "vowed", "vows", "accused", "accuses"
]
AUXILIARIES = [
    "has", "had", "have", "also", "then", "later", "further", "again", "once", "previously",
    "earlier"
]
# fmt: on
# Words that may precede or follow a name in a capitalised run but are not the
# name ("Labour MP Chris McDonald", "Defence Secretary John Healey").
# fmt: off
ROLE_WORDS = {
    "the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "our", "its", "mr",
    "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "baroness", "rt", "hon", "right",
    "honourable", "honorable", "mp", "mps", "msp", "msps", "mla", "kc", "qc", "labour",
    "conservative", "conservatives", "tory", "tories", "liberal", "democrat", "democrats", "lib",
    "dem", "dems", "snp", "reform", "green", "greens", "plaid", "cymru", "dup", "sdlp",
    "independent", "crossbench", "shadow", "minister", "ministers", "secretary", "secretaries",
    "defence", "defense", "foreign", "home", "prime", "chancellor", "state", "armed", "forces",
    "veterans", "veteran", "procurement", "uk", "us", "british", "american", "former", "then",
    "general", "admiral", "colonel", "commander", "chief", "whip", "leader", "speaker", "deputy",
    "chair", "chairman", "chairwoman", "committee", "member", "members", "meanwhile", "however",
    "but", "and", "also", "later", "earlier", "separately", "elsewhere", "speaking", "responding",
    "today", "yesterday", "in", "on", "at", "during", "after", "before", "when", "while",
} | (english_calendar_words() - {"may"})  # May is also a surname (Theresa May)
# fmt: on
TRAILING_ROLE_WORDS = {"mp", "mps", "kc", "qc", "msp", "ms"}

NAME_WORD = r"[A-Z][\w’'\-]*\.?"
NAME_RUN = rf"{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,5}}"
_VERB_RE = re.compile(r"\b(?:" + "|".join(sorted(set(SPEECH_VERBS))) + r")\b")
_AUX = r"(?:(?:" + "|".join(AUXILIARIES) + r"|\w+ly)\s+){0,2}"
# The subject right before a verb: "Healey ", "Wendy Chamberlain, MP for North East Fife, ".
_SUBJECT_RE = re.compile(
    rf"(?<![\w’'\-])(?:(?P<pro>[Hh]e|[Ss]he|[Tt]hey)|(?P<name>{NAME_RUN}))"
    rf"(?:,\s[^,.;:~]{{1,70}},)?\s+{_AUX}$"
)
# Inverted attribution after a quotation: ", said Healey", "asked the minister".
_INVERTED_RE = re.compile(
    rf"^[\s,;:–—-]*(?:{'|'.join(sorted(set(SPEECH_VERBS)))})\s+(?P<name>{NAME_RUN})"
)

# --- source cues ---------------------------------------------------------------

# Words near a quotation that show it is not from a parliamentary speech.
OTHER_SOURCE_CUES = (
    r"read-?outs?",
    r"statements?",
    r"press (?:release|conference|briefing)s?",
    r"news release",
    r"spokes(?:person|man|woman|people)",
    r"told (?:reporters|journalists|broadcasters|the press|the (?:BBC|Times|Telegraph|Guardian"
    r"|Financial Times|Independent|Mirror|Sun)|BBC|Sky(?: News)?|ITV|LBC|Channel 4|GB News"
    r"|Reuters|CNN|Fox News|Politico)",
    r"interview(?:ed)?",
    r"(?:in|on) (?:a|an|his|her|their) (?:post|tweet|blog|letter|article|op-ed|podcast|video)",
    r"(?:on|in) (?:X|Twitter|Facebook|LinkedIn|Instagram|Substack)",
    r"tweeted|posted|wrote|writes|written",
    r"(?:the|a|an) (?:report|document|paper|brochure|website|release|transcript)",
    r"(?:Department of \w+|Pentagon|White House|Kremlin|Downing Street|Number 10|No 10"
    r"|Ministry of Defence|MoD|Foreign Office|the company|the firm)\s+(?:said|says|stated"
    r"|confirmed|added)",
)
# Words that place a quotation in Parliament (they win over the cues above:
# "a statement to the House" is a parliamentary speech).
PARLIAMENT_CUES = (
    r"Parliament(?:ary)?",
    r"(?:House of )?Commons",
    r"House of Lords|the Lords|the House|the chamber",
    r"MPs|peers|Hansard|Westminster Hall|PMQs|Prime Minister['’]s Questions",
    r"(?:Defence|oral|urgent) questions|select committee|debate",
)
_OTHER_RE = re.compile(r"\b(?:" + "|".join(OTHER_SOURCE_CUES) + r")\b")
_PARLIAMENT_RE = re.compile(r"\b(?:" + "|".join(PARLIAMENT_CUES) + r")\b")

# Sentence ends outside quotations.
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s|$)")
MASK = "~"

SOURCE_PARLIAMENT = "parliament"
SOURCE_OTHER = "other"
SOURCE_UNKNOWN = "unknown"

ATTRIBUTION_DIRECT = "direct"
"""A name in the quotation's own sentence ("Healey said", "Healey reassured her, noting")."""
ATTRIBUTION_PRONOUN = "pronoun"
"""A pronoun in the quotation's sentence, resolved to the nearest earlier named speaker."""
ATTRIBUTION_CONTEXT = "context"
"""No attribution in the sentence: the nearest earlier named speaker."""


@dataclass(frozen=True)
class Quote:
    """One quotation in an article's text. Offsets index the text given to :func:`find_quotes`."""

    start: int
    """Offset of the first character inside the quotation marks."""
    end: int
    """Offset just after the last character inside them."""
    passages: tuple[tuple[int, int], ...]
    """(start, end) of each part between ellipses, trimmed of spaces and edge punctuation."""
    words: int
    """Quoted words, bracketed words excluded."""
    open_mark: str | None
    """The opening mark; ``None`` when it was missing and the paragraph start was used."""
    close_mark: str | None
    """The closing mark; ``None`` when the quotation runs to the paragraph's end."""
    speaker: str | None
    """The name the article attributes the quotation to ("Healey", "Chris McDonald")."""
    speaker_raw: str | None
    """The words that attribute it ("she", "Labour MP Chris McDonald")."""
    attribution: str | None
    """How ``speaker`` was found: ``direct``, ``pronoun``, ``context``; ``None``: not found."""
    source: str
    """``parliament``, ``other`` (readout, press release, interview…) or ``unknown``."""
    paragraph: int
    """Index of the paragraph (non-blank line) holding the quotation."""


@dataclass(frozen=True)
class _Subject:
    position: int
    verb_position: int
    name: str | None
    raw: str
    pronoun: bool


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, in order (short ones included: the caller decides)."""
    quotes: list[Quote] = []
    earlier_subjects: list[_Subject] = []
    for number, (p_start, p_end) in enumerate(_paragraphs(text)):
        paragraph = text[p_start:p_end]
        spans = _quote_spans(paragraph)
        masked = _mask(paragraph, spans)
        subjects = _subjects(masked)
        for index, (q_start, q_end, open_mark, close_mark, outer_end) in enumerate(spans):
            passages = _passages(paragraph, q_start, q_end)
            if not passages:
                continue
            words = sum(quoted_word_count(paragraph[s:e]) for s, e in passages)
            next_start = spans[index + 1][0] - 1 if index + 1 < len(spans) else len(paragraph)
            speaker, raw, how, context = _attribute(
                masked, q_start, outer_end, next_start, subjects, earlier_subjects
            )
            quotes.append(
                Quote(
                    start=p_start + q_start,
                    end=p_start + q_end,
                    passages=tuple((p_start + s, p_start + e) for s, e in passages),
                    words=words,
                    open_mark=open_mark,
                    close_mark=close_mark,
                    speaker=speaker,
                    speaker_raw=raw,
                    attribution=how,
                    source=_source(context),
                    paragraph=number,
                )
            )
        earlier_subjects = [s for s in subjects if not s.pronoun] or earlier_subjects
    return quotes


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _is_closing_straight(paragraph: str, i: int) -> bool:
    before = paragraph[i - 1] if i else " "
    after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
    return not before.isspace() and (after.isspace() or after in ",.;:!?)—–-")


def _is_opening_straight(paragraph: str, i: int) -> bool:
    before = paragraph[i - 1] if i else " "
    after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
    return (before.isspace() or before in "([—–-“‘") and not after.isspace()


def _quote_spans(paragraph: str) -> list[tuple[int, int, str | None, str | None, int]]:
    """(inner start, inner end, open mark, close mark, end after the closing mark)."""
    spans: list[tuple[int, int, str | None, str | None, int]] = []
    open_at: int | None = None
    open_mark: str | None = None
    closing: set[str] = set()
    single = False
    for i, ch in enumerate(paragraph):
        if open_at is None:
            if ch in DOUBLE_OPEN or (ch == '"' and _is_opening_straight(paragraph, i)):
                open_at, open_mark, single = i, ch, False
                closing = {DOUBLE_OPEN.get(ch, '"')} | (DOUBLE_CLOSE if ch != '"' else set())
            elif ch in SINGLE_OPEN or (ch == "'" and _is_opening_straight(paragraph, i)):
                open_at, open_mark, single = i, ch, True
                closing = {SINGLE_OPEN.get(ch, "'")}
            elif not spans and (
                ch in DOUBLE_CLOSE or (ch == '"' and _is_closing_straight(paragraph, i))
            ):
                # A closing mark opening the paragraph's first quotation: the
                # opening mark was lost, the quotation starts the paragraph.
                start = len(paragraph) - len(paragraph.lstrip())
                spans.append((start, i, None, ch, i + 1))
        elif ch in closing and (not single or _is_closing_straight(paragraph, i)):
            spans.append((open_at + 1, i, open_mark, ch, i + 1))
            open_at = None
    if open_at is not None and not single:
        spans.append((open_at + 1, len(paragraph), open_mark, None, len(paragraph)))
    return spans


def _mask(paragraph: str, spans: list[tuple[int, int, str | None, str | None, int]]) -> str:
    """The paragraph with every quotation (marks included) blanked, offsets kept."""
    chars = list(paragraph)
    for start, _end, open_mark, _close, outer_end in spans:
        first = start - 1 if open_mark else start
        for i in range(first, outer_end):
            chars[i] = MASK
    return "".join(chars)


def _passages(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a quotation between ellipses, trimmed."""
    bounds = [start]
    for m in ELLIPSIS_RE.finditer(paragraph, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    out: list[tuple[int, int]] = []
    for s, e in zip(bounds[::2], bounds[1::2], strict=True):
        while s < e and paragraph[s] in EDGE_TRIM:
            s += 1
        while e > s and paragraph[e - 1] in EDGE_TRIM:
            e -= 1
        if re.search(r"[^\W_]", paragraph[s:e]):
            out.append((s, e))
    return out


def _clean_name(raw: str) -> str | None:
    """The person's name in a capitalised run, or ``None`` when it only names a role.

    "Labour MP Chris McDonald" → "Chris McDonald"; "Britain’s Defence Secretary" → None.
    """
    tokens = raw.split()
    if tokens:
        tokens[-1] = tokens[-1].rstrip(".")  # the full stop of "…, said John Healey."

    def is_qualifier(token: str) -> bool:
        plain = token.strip(".").casefold().replace("’", "'")
        return plain in ROLE_WORDS or plain.endswith("'s")

    while tokens and is_qualifier(tokens[0]):
        tokens.pop(0)
    while tokens and tokens[-1].casefold() in TRAILING_ROLE_WORDS:
        tokens.pop()
    return " ".join(tokens) or None


def _subjects(masked: str) -> list[_Subject]:
    """Who speaks before each speech verb outside quotations."""
    found: list[_Subject] = []
    for verb in _VERB_RE.finditer(masked):
        prefix = masked[max(0, verb.start() - 160) : verb.start()]
        offset = verb.start() - len(prefix)
        m = _SUBJECT_RE.search(prefix)
        if not m:
            continue
        if m.group("pro"):
            found.append(_Subject(offset + m.start(), verb.start(), None, m.group("pro"), True))
        else:
            raw = m.group("name")
            found.append(_Subject(offset + m.start(), verb.start(), _clean_name(raw), raw, False))
    return found


def _resolve(before: int, subjects: list[_Subject], earlier: list[_Subject]) -> _Subject | None:
    """The nearest named speaker before ``before``, this paragraph first."""
    named = [s for s in subjects if s.verb_position < before and s.name]
    if named:
        return named[-1]
    named = [s for s in earlier if s.name]
    return named[-1] if named else None


def _attribute(
    masked: str,
    q_start: int,
    outer_end: int,
    next_start: int,
    subjects: list[_Subject],
    earlier: list[_Subject],
) -> tuple[str | None, str | None, str | None, str]:
    """(speaker, words used, how found, context words) for one quotation."""
    after = masked[outer_end:next_start]
    sentence_end = _SENTENCE_END_RE.search(after)
    post = after[: sentence_end.end()] if sentence_end else after
    lead_start = 0
    for m in _SENTENCE_END_RE.finditer(masked, 0, max(0, q_start - 1)):
        lead_start = m.end()
    lead = masked[lead_start : max(0, q_start - 1)]
    context = lead + " " + post

    subject: _Subject | None = None
    post_gap = re.match(r"[\s,;:–—-]*", after)
    post_begin = outer_end + (post_gap.end() if post_gap else 0)
    for s in subjects:
        if s.position == post_begin and s.verb_position < outer_end + len(post) + 1:
            subject = s
    inverted = _INVERTED_RE.match(after)
    if subject is None and inverted:
        raw = inverted.group("name")
        return _clean_name(raw), raw, ATTRIBUTION_DIRECT, context
    if subject is None:
        in_lead = [s for s in subjects if lead_start <= s.position and s.verb_position < q_start]
        subject = in_lead[-1] if in_lead else None
    if subject is not None and not subject.pronoun:
        return subject.name, subject.raw, ATTRIBUTION_DIRECT, context
    if subject is not None:
        named = _resolve(subject.position, subjects, earlier)
        return (named.name if named else None), subject.raw, ATTRIBUTION_PRONOUN, context
    if lead.strip():
        # Words introduce the quotation but name nobody ("A readout confirmed, “…”").
        return None, None, None, context
    # Nothing in the sentence: the quotation continues an earlier speaker's words.
    previous = masked[:lead_start].rstrip()
    prev_start = 0
    for m in _SENTENCE_END_RE.finditer(previous, 0, max(0, len(previous) - 1)):
        prev_start = m.end()
    context = previous[prev_start:] + " " + context
    named = _resolve(q_start, subjects, earlier)
    if named is None:
        return None, None, None, context
    return named.name, named.raw, ATTRIBUTION_CONTEXT, context


def _source(context: str) -> str:
    if _PARLIAMENT_RE.search(context):
        return SOURCE_PARLIAMENT
    if _OTHER_RE.search(context):
        return SOURCE_OTHER
    return SOURCE_UNKNOWN


# --- names -------------------------------------------------------------------

TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "baroness", "rt", "hon",
    "the", "mp", "kc", "qc", "right", "honourable",
}  # fmt: skip


def name_tokens(name: str) -> list[str]:
    """A person's name as comparable tokens, titles dropped ("Mr John Healey" → john, healey)."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return [t for t in re.findall(r"[^\W_]+(?:'[^\W_]+)?", plain) if t not in TITLES]


def _near(a: str, b: str) -> bool:
    """Equal, or one letter apart for longer names ("Healy"/"Healey")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def same_person(attributed: str | None, speaker_name: str | None) -> bool:
    """Whether an article's name for a speaker ("Healey") fits a speaker's name ("John Healey").

    Every word of the article's name must be in the speaker's name, the
    surname allowing one wrong letter.
    """
    if not attributed or not speaker_name:
        return False
    said, full = name_tokens(attributed), name_tokens(speaker_name)
    if not said or not full:
        return False
    if not _near(said[-1], full[-1]):
        return False
    return all(t in full for t in said[:-1])
