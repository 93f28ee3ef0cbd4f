"""Body text of generic pages: markup classes that lost text, and the rules choosing a reader.

The pages in ``body_pages/`` are small pages written for these tests, each
reproducing one class of markup seen on real news sites.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from parsel import Selector

from crawler.items import ArticleItem
from crawler.outlets import Outlet, Selectors
from crawler.pages import body
from crawler.pages.article import parse_article
from crawler.pages.blocks import block_paragraphs
from crawler.pages.body import BodyCandidate, choose

PAGES = Path(__file__).resolve().parent / "body_pages"
GENERIC = Outlet(key="example", name="Example Defence News", allowed_domains=("example.org",))


@cache
def page(name: str) -> Selector:
    return Selector(text=(PAGES / name).read_text(encoding="utf-8"))


@cache
def article(name: str, outlet: Outlet = GENERIC) -> ArticleItem:
    url = f"https://example.org/news/{name.removesuffix('.html')}"
    return parse_article(page(name), url=url, outlet=outlet, fetched_at="2025-02-12T10:00:00Z")


def paragraphs(name: str) -> list[str]:
    return article(name).text.split("\n\n")


# --- markup: several containers of one story ----------------------------------------
def test_every_container_of_a_split_story_is_read_in_page_order():
    assert paragraphs("split_containers.html") == [
        "An offshore patrol vessel returned to Devonport on Tuesday after seven months in"
        " the Caribbean.",
        "The ship’s company of 60 took part in two hurricane relief exercises during the"
        " deployment.",
        "Her commanding officer said the crew had “earned a proper leave period” before"
        " maintenance begins.",
    ]
    assert article("split_containers.html").extraction["text"] == "markup"


def test_a_container_of_the_same_kind_elsewhere_on_the_page_is_not_joined():
    assert "unrelated teaser" not in article("split_containers.html").text


# --- markup: paragraphs that are not <p> elements -------------------------------------
def test_one_div_per_paragraph_is_read_as_paragraphs():
    found = body.markup_body(page("div_paragraphs.html"))
    assert found is not None
    assert len(found.paragraphs) == 4
    assert found.paragraphs[0].startswith("Around 120 maritime reservists")
    assert found.paragraphs[-1].startswith("A second exercise is planned")


def test_menu_and_short_note_beside_the_div_paragraphs_are_left_out():
    text = article("div_paragraphs.html").text
    assert "Home" not in text
    assert "Short note." not in text


def test_text_in_spans_between_double_line_breaks_makes_paragraphs():
    found = body.markup_body(page("br_spans.html"))
    assert found is not None
    assert found.paragraphs == (
        "Work to resurface the main runway at the airfield has been approved by the council"
        " after a public inquiry.",
        "The project will take eighteen months and flying will move to a nearby station while"
        " it lasts.",
        "A spokesperson said the\xa0contract had been signed on Friday;\nthe first contractors"
        " arrive next month.",
    )


def test_br_spans_page_keeps_non_breaking_space_and_single_line_break_verbatim():
    text = article("br_spans.html").text
    assert "the\xa0contract" in text
    assert "Friday;\nthe first" in text
    assert "Archive" not in text


# --- markup: furniture words on an ancestor ---------------------------------------------
def test_print_class_on_body_and_read_more_wrapper_do_not_reject_the_article():
    found = body.markup_body(page("furniture_ancestor.html"))
    assert found is not None
    assert len(found.paragraphs) == 3
    assert found.paragraphs[0] == (
        "A new frigate fired its first missile during trials off the Hebrides this week."
    )


def test_excerpt_inside_a_related_posts_box_is_still_rejected():
    root = page("furniture_ancestor.html")
    excerpt = root.css(".related-posts .entry-content")[0].root
    article_body = root.css("article .entry-content")[0].root
    assert body.rejected_as_furniture(excerpt)
    assert not body.rejected_as_furniture(article_body)
    assert "Destroyer completes refit." not in article("furniture_ancestor.html").text


# --- furniture inside the body ----------------------------------------------------------
def test_furniture_inside_the_body_is_dropped():
    assert paragraphs("furniture_inside.html") == [
        "The Army’s fleet of light helicopters has been grounded while engineers check a"
        " gearbox part.",
        "The checks follow a fault found on one aircraft during routine maintenance last month.",
        "A spokesperson said flights would restart “as soon as each aircraft is cleared”.",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "READ MORE: Training flights resume at Middle Wallop",
        "Read more » Pilot training review published",
        "Related: Destroyer completes refit",
        "Advertisement",
        "Advert",
        "WATCH: Crews prepare aircraft for inspection",
        "Sign up to our daily newsletter for the latest defence news.",
        "This video can not be played",
        "Your browser does not support the video tag.",
        "Our Standards: The Example Trust Principles.",
        "We use cookies to improve your experience. Accept all cookies?",
    ],
)
def test_furniture_paragraphs_are_recognised_by_their_words(paragraph):
    assert body.is_furniture_paragraph(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Related equipment was flown out on a C-17 the following day.",
        "Watchkeepers on the bridge reported the contact at 0400.",
        "Readers of the report will find the costs in annex B.",
        "The minister said the newsletter sent to families had been withdrawn, and that a"
        " corrected version would go out once the figures had been checked by the department"
        " and by the independent auditor appointed last year to review the programme, with a"
        " sign up page for families who wanted to receive future updates by email.",
    ],
)
def test_article_sentences_that_share_furniture_words_are_kept(paragraph):
    assert not body.is_furniture_paragraph(paragraph)


# --- trafilatura and JSON-LD as candidates --------------------------------------------------
def test_trafilatura_wins_when_the_known_container_holds_only_a_teaser():
    item = article("teaser_container.html")
    assert item.extraction["text"] == "trafilatura"
    found = item.text.split("\n\n")
    assert found[-1].startswith("The ships are due back in Portsmouth before Christmas")
    assert "“ready for whatever the deployment asks of them”" in item.text
    assert "Copyright Example Defence News" not in item.text
    assert "Home" not in item.text


def test_json_ld_article_body_is_the_body_of_a_page_without_text():
    item = article("json_ld_only.html")
    assert item.extraction["text"] == "json-ld"
    assert item.text.split("\n\n")[0] == (
        "A contract to upgrade the Army's main battle tanks was signed on Thursday, the"
        " ministry said."
    )
    assert len(item.text.split("\n\n")) == 3


def test_configured_selectors_win_over_every_other_reader():
    configured = Outlet(
        key="example",
        name="Example Defence News",
        allowed_domains=("example.org",),
        selectors=Selectors(body=(".entry-content",)),
    )
    item = article("teaser_container.html", configured)
    assert item.extraction["text"] == "selectors"
    assert item.text == "The strike group left Portsmouth on Monday."


# --- anchoring an extractor's text back to the page -------------------------------------------
def test_anchor_keeps_the_pages_spaces_and_characters():
    page_text = ["Intro", "The\xa0minister  said ‘yes’\u200b today.", "Outro"]
    kept, missed = body.anchor(["The minister said ‘yes’ today."], page_text)
    assert kept == ["The\xa0minister  said ‘yes’\u200b today."]
    assert missed == 0


def test_anchor_splits_a_stretch_where_the_page_has_a_paragraph_break():
    kept, _ = body.anchor(["First part. Second part."], ["Menu", "First part.", "Second part."])
    assert kept == ["First part.", "Second part."]


def test_anchor_leaves_out_text_the_page_does_not_show():
    kept, missed = body.anchor(["Shown.", "Only in metadata."], ["Shown."])
    assert kept == ["Shown."]
    assert missed == 1


# --- block paragraphs -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div><div>One.</div><div>Two.</div></div>", ["One.", "Two."]),
        ("<div>One.<br><br>Two.<br> <br>Three.</div>", ["One.", "Two.", "Three."]),
        ("<div>Line one<br>line two</div>", ["Line one\nline two"]),
        (
            "<div>Loose text<p>Paragraph.</p>tail text</div>",
            ["Loose text", "Paragraph.", "tail text"],
        ),
        ("<div><p>\xa0</p><p>Kept.</p></div>", ["Kept."]),
        ("<div><p>A <b>bold</b> word</p><script>x()</script></div>", ["A bold word"]),
    ],
)
def test_block_paragraphs_follow_the_layout(html, expected):
    assert block_paragraphs(Selector(text=html).css("body > div")[0].root) == expected


# --- the choice rules -------------------------------------------------------------------------
def candidate(source: str, *paragraphs: str) -> BodyCandidate:
    return BodyCandidate(source, paragraphs)


STORY = (
    "The destroyer sailed from Portsmouth on Monday for a six month deployment to the Gulf,"
    " where she will relieve a frigate that has been on station since the spring.",
    "Her crew of 190 spent the winter in training and passed their final inspection last week,"
    " the navy said in a statement issued shortly after the ship left harbour.",
)
MORE_STORY = (
    "The ship will call at Gibraltar and Souda Bay on the way, and is due to return before"
    " Christmas after exercises with allied navies in the region during the autumn.",
)
LABELS = ("Share", "Most read", "Destroyer completes refit", "12 March 2025")


def test_selectors_win_even_when_shorter():
    chosen = choose(
        selectors=candidate("selectors", STORY[0]),
        markup=candidate("markup", *STORY),
        extractor=candidate("trafilatura", *STORY, *MORE_STORY),
    )
    assert chosen.source == "selectors"


def test_readers_that_agree_give_the_markup_reading():
    chosen = choose(markup=candidate("markup", *STORY), extractor=candidate("trafilatura", *STORY))
    assert chosen.source == "markup"


def test_extra_sentences_make_the_fuller_reader_win():
    short, full = candidate("markup", *STORY), candidate("trafilatura", *STORY, *MORE_STORY)
    assert choose(markup=short, extractor=full).source == "trafilatura"
    short, full = candidate("trafilatura", *STORY), candidate("markup", *STORY, *MORE_STORY)
    assert choose(markup=full, extractor=short).source == "markup"


def test_extra_short_lines_are_furniture_so_the_leaner_reader_wins():
    lean, cluttered = candidate("markup", *STORY), candidate("trafilatura", *STORY, *LABELS)
    assert choose(markup=lean, extractor=cluttered).source == "markup"
    lean, cluttered = candidate("trafilatura", *STORY), candidate("markup", *LABELS, *STORY)
    assert choose(markup=cluttered, extractor=lean).source == "trafilatura"


def test_short_lines_between_shared_paragraphs_are_subheadings_not_furniture():
    shared = candidate("trafilatura", *STORY)
    subheading = candidate("markup", STORY[0], "What happens next", STORY[1])
    trailing = candidate("markup", *STORY, "What happens next")
    assert body.net_extra(subheading, shared) == 0
    assert body.net_extra(trailing, shared) == -3


def test_a_paragraph_split_differently_is_not_extra():
    joined = candidate("markup", " ".join(STORY), *MORE_STORY)
    split = candidate("trafilatura", *STORY, *MORE_STORY)
    assert body.net_extra(joined, split) == 0
    assert body.net_extra(split, joined) == 0
    assert choose(markup=joined, extractor=split).source == "markup"


def test_readers_that_share_little_give_trafilatura():
    chosen = choose(
        markup=candidate("markup", *MORE_STORY, *LABELS), extractor=candidate("trafilatura", *STORY)
    )
    assert chosen.source == "trafilatura"


def test_article_body_referee_picks_the_only_reader_holding_it():
    referee = candidate("json-ld", " ".join(STORY + MORE_STORY))
    holder = candidate("markup", *LABELS, *STORY, *MORE_STORY)
    other = candidate("trafilatura", *STORY)
    assert choose(markup=holder, extractor=other, article_body=referee).source == "markup"


def test_article_body_wins_when_both_readers_missed_the_article():
    referee = candidate("json-ld", " ".join(STORY + MORE_STORY))
    chosen = choose(
        markup=candidate("markup", *LABELS),
        extractor=candidate("trafilatura", "Subscribe today for unlimited access."),
        article_body=referee,
    )
    assert chosen.source == "json-ld"


def test_a_teaser_article_body_is_no_referee():
    teaser = candidate("json-ld", "The destroyer sailed from Portsmouth on Monday.")
    chosen = choose(
        markup=candidate("markup", *STORY),
        extractor=candidate("trafilatura", *STORY, *MORE_STORY),
        article_body=teaser,
    )
    assert chosen.source == "trafilatura"


def test_a_lone_reader_wins_and_article_body_is_the_last_resort():
    only = candidate("trafilatura", *STORY)
    referee = candidate("json-ld", *STORY)
    assert choose(markup=None, extractor=only, article_body=referee) is only
    assert choose(markup=None, extractor=None, article_body=referee) is referee
    assert choose() is None


def test_json_ld_body_splits_paragraphs_on_blank_lines_else_on_line_breaks():
    assert body.json_ld_body("One.\n\nTwo\nstill two.").paragraphs == ("One.", "Two\nstill two.")
    assert body.json_ld_body("One.\nTwo.").paragraphs == ("One.", "Two.")
    assert body.json_ld_body("  ") is None


# --- hidden markup ----------------------------------------------------------------------------
def test_text_the_page_hides_neither_weighs_nor_reads():
    found = body.markup_body(page("hidden_blocks.html"))
    assert found is not None
    assert found.paragraphs == (
        "About 300 civilian jobs will move to the submarine base on the Clyde over the next two"
        " years.",
        "The move brings maintenance teams closer to the boats they support, the ministry said.",
        "Unions said they had been consulted and welcomed the commitment to keep the jobs in"
        " Scotland.",
    )


def test_a_page_trafilatura_cannot_read_keeps_the_markup_body_and_logs_why(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("tree too deep")

    monkeypatch.setattr(body.trafilatura, "bare_extraction", broken)
    chosen = body.read_body(page("split_containers.html"))
    assert chosen is not None and chosen.source == "markup"
    assert "trafilatura could not read the page: ValueError: tree too deep" in caplog.text


def test_a_lone_reader_that_missed_the_article_gives_way_to_article_body():
    referee = candidate("json-ld", " ".join(STORY + MORE_STORY))
    cookie_wall = candidate("trafilatura", "We use cookies. Accept all to continue reading.")
    assert choose(markup=None, extractor=cookie_wall, article_body=referee) is referee


def test_a_hidden_microdata_copy_of_the_text_is_not_the_body_container():
    found = body.markup_body(page("hidden_microdata.html"))
    assert found is not None
    assert found.paragraphs == (
        "A shipyard on the Tyne has won an order for two frigates, the ministry said on Wednesday.",
        "The order is worth about £1bn and secures work at the yard for the next decade.",
    )
