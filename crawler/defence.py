"""Which parliamentary business is defence business: one list of terms in English and Welsh.

The Hansard and Senedd spiders keep a debate, section or agenda item whose
title (in either language) contains one of the terms, unless run with
``-a all=1``. The terms live in crawler/data/defence_terms.json, whose
``_about`` says where each comes from; ``PARLIAMENT_DEFENCE_TERMS_FILE`` names
another file of the same shape.

    >>> terms = DefenceTerms({"en": ["armed forces"], "cy": ["lluoedd arfog"]})
    >>> terms.matches("Armed Forces Bill"), terms.matches("Cefnogi'r Lluoedd Arfog")
    (True, True)
    >>> terms.matches("Disarmed forces"), terms.matches("Health")
    (False, False)
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from scrapy.settings import BaseSettings

from crawler.errors import SettingError
from crawler.packaged import packaged

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()


class DefenceTerms:
    """Terms per language; :meth:`matches` is true when any text contains any term."""

    def __init__(self, terms: Mapping[str, Iterable[str]]):
        self.terms = {lang: tuple(words) for lang, words in terms.items() if lang != "_about"}
        every = sorted({_fold(t) for words in self.terms.values() for t in words}, key=len)
        if not every:
            raise ValueError("no defence terms")
        # Whole words only: "defence" in "Defence questions", not "nato" in "senatorial".
        self._pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(t) for t in reversed(every)) + r")(?!\w)"
        )

    def matches(self, *texts: str | None) -> bool:
        return any(text and self._pattern.search(_fold(text)) for text in texts)

    @classmethod
    def load(cls, text: str) -> DefenceTerms:
        return cls(json.loads(text))


@cache
def default_defence_terms() -> DefenceTerms:
    """The packaged list."""
    return DefenceTerms.load(packaged("data", "defence_terms.json").read_text(encoding="utf-8"))


def defence_terms(settings: BaseSettings) -> DefenceTerms:
    """The list a crawl reads: ``PARLIAMENT_DEFENCE_TERMS_FILE``, else the packaged one."""
    path = settings.get("PARLIAMENT_DEFENCE_TERMS_FILE")
    if not path:
        return default_defence_terms()
    try:
        return DefenceTerms.load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        message = f"PARLIAMENT_DEFENCE_TERMS_FILE {path}: cannot be read ({error})"
        raise SettingError(message) from None
