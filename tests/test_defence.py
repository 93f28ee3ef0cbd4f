"""The defence filter on real titles of parliamentary business, English and Welsh."""

from __future__ import annotations

import json

import pytest
from scrapy.settings import Settings

from crawler.defence import DefenceTerms, default_defence_terms, defence_terms
from crawler.errors import SettingError

# Titles as Hansard, TheyWorkForYou and the Senedd print them.
TITLES = [
    ("Defence", True),  # Commons oral questions, hs_6bDepartment
    ("Armed Forces Bill", True),
    ("Armed Forces Covenant", True),
    ("Ukraine: UK Military Support", True),
    ("8. Debate: Remembering and supporting our Armed Forces community in Wales", True),
    ("Support for the Armed Forces Community", True),
    ("Short Debate: Defending Wales for the Next Generation", True),
    ("8. Dadl: Cofio a chefnogi cymuned ein Lluoedd Arfog yng Nghymru", True),
    ("Cefnogaeth i gyn-filwyr", True),  # soft mutation of cyn-filwyr
    ("Gwasanaethau i’n cyn-filwyr", True),
    ("Cymorth i'n lluoedd", False),  # "forces" alone is not defence
    ("Cefnogi cyn-filwyr yng Nghymru", True),
    ("Veterans’ Mental Health", True),
    ("10. Voting Time", False),
    ("10. Cyfnod Pleidleisio", False),
    ("Health and Social Care", False),
    ("Business of the House", False),
    ("Senatorial Reform", False),  # "nato" inside a word
    ("Disarmed forces", False),
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_packaged_terms_on_real_titles(title, expected):
    assert default_defence_terms().matches(title) is expected


def test_any_of_several_texts_matches():
    terms = default_defence_terms()
    assert terms.matches(None, "Questions to the First Minister", "Lluoedd Arfog")
    assert not terms.matches(None, "")


def test_a_file_named_in_settings_replaces_the_list(tmp_path):
    path = tmp_path / "terms.json"
    terms_file = {"en": ["shipbuilding"], "cy": ["adeiladu llongau"]}
    path.write_text(json.dumps(terms_file), encoding="utf-8")
    terms = defence_terms(Settings({"PARLIAMENT_DEFENCE_TERMS_FILE": str(path)}))
    assert terms.matches("Shipbuilding: Clyde")
    assert not terms.matches("Armed Forces Bill")


@pytest.mark.parametrize("content", ["not json", json.dumps({"en": []})])
def test_an_unreadable_file_is_a_one_line_setting_error(tmp_path, content):
    path = tmp_path / "terms.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingError, match="PARLIAMENT_DEFENCE_TERMS_FILE"):
        defence_terms(Settings({"PARLIAMENT_DEFENCE_TERMS_FILE": str(path)}))


def test_terms_are_folded_like_the_titles():
    terms = DefenceTerms({"en": ["VETERANS' CARE"]})
    assert terms.matches("Veterans’ care in Wales")
