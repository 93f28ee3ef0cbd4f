"""A synthetic TheyWorkForYou site in the replay format, for crawl benchmarks.

:func:`build_site` writes a replay folder (``manifest.jsonl`` and the saved
files, see :mod:`crawler.replay`) holding, for every sitting day from
:data:`FIRST_DAY` on and for each interface (``www.`` English, ``cy.`` Welsh):

- ``/debates/?d=<day>``: the Commons day index, one "Defence" heading listing
  the day's sections;
- ``/debates/?id=<day>a.<n>.0``: each section page, its speeches under gids
  ``<day>a.<n>.<k>``;
- ``/mp/?p=<id>`` (a 301) and ``/mp/<id>/<name>/<seat>``: the profile of every
  member whose speaker line prints an office rather than a party, on the
  English host only (the spider reads member pages from there);
- ``/robots.txt`` for each host.

The markup is the shape of the saved pages in ``sample_pages/`` (the day
index, section and member templates of mysociety/theyworkforyou): those pages
are cut into head, repeated block and tail here and filled with generated
titles, speakers and speech text, so the spider's parser reads them as it reads
the real site. Speech text is built from defence sentences with many named
things (the lists of :mod:`bench.synthetic_site`). Names of people are invented.

    .venv/bin/python bench/synthetic_twfy.py /tmp/twfy --sections 1000 --speeches 8400

Crawl it with ``scrapy crawl hansard -s REPLAY_DIR=/tmp/twfy
-a since=<first day> -a until=<last day> -a interface=en`` (see
:attr:`SyntheticTwfy.since` / :attr:`SyntheticTwfy.until`).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_site import ABROAD, AIRCRAFT, BASES, COMPANIES, PROGRAMMES, SHIPS, UNITS

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_pages"
HOSTS = {"en": "www.theyworkforyou.com", "cy": "cy.theyworkforyou.com"}
FIRST_DAY = date(2024, 1, 8)
SECTIONS_PER_DAY = 10
MEMBERS = 120
OFFICE_SHARE = 0.1
"""Share of members whose speaker line prints an office, so the spider reads their profile."""
SAVED_AT = "Fri, 21 Nov 2025 05:42:17 GMT"

# Template pages: the saved sample pages, cut at these markers.
SECTION_PAGE = "debates/id-2025-02-10a.1.1.html"
DAY_PAGE = "debates/d-2025-02-10.html"
MEMBER_PAGE = "mp/90004-graham_pettifer-harrowfield.html"
FIRST_SPEECH = '    <div class="debate-speech" id="g1.2">'
SECOND_SPEECH = '    <div class="debate-speech" id="g1.3">'
SECTION_TAIL = '    <aside class="glossary-drawer'
DAY_LIST = '            <ul class="business-list">\n'
DAY_TAIL = '            </ul>\n        </div>\n        <div class="business-section__secondary">'

# fmt: off
FIRST_NAMES = [
    "Alys", "Bethan", "Callum", "Dafydd", "Eleri", "Fergus", "Gwen", "Hamish", "Iona", "Jac",
    "Keira", "Lowri", "Morgan", "Nia", "Owain", "Priya", "Rhodri", "Sian", "Tomos", "Wyn",
]
SURNAMES = [
    "Ashdown", "Bevan-Hart", "Carrow", "Dunmore", "Elstow", "Fairlie", "Garside", "Holroyd",
    "Ingleby", "Jessop", "Kittow", "Lanyon", "Mardle", "Nettleship", "Orchard", "Penhallow",
    "Quarrie", "Rendle", "Stannard", "Trevaskis",
]
SEATS = [
    "Harrowfield", "Ashby Vale", "Carrow North", "Denholm", "Eastwick", "Fenmoor", "Glenarden",
    "Holmbridge", "Inverlane", "Kestle", "Lowerby", "Marston Fields", "Northope", "Penrith Moor",
]
PARTIES = [
    ("Labour", "Llafur"), ("Conservative", "Ceidwadwyr"),
    ("Liberal Democrat", "Democratiaid Rhyddfrydol"), ("Scottish National Party",) * 2,
    ("Plaid Cymru",) * 2, ("Reform UK",) * 2,
]
OFFICES = [
    "The Secretary of State for Defence", "The Minister for the Armed Forces",
    "The Minister for Defence Procurement and Industry", "Shadow Secretary of State for Defence",
    "Chair, Defence Committee", "Liberal Democrat Spokesperson (Defence)",
]
TITLES = [
    "{programme}", "{programme}: Progress", "{ship}", "Defence Procurement: {company}",
    "Armed Forces Deployments: {abroad}", "{unit}", "{base}: Future", "{aircraft} Fleet",
    "Support for Ukraine", "Service Accommodation", "Armed Forces Recruitment",
]
SENTENCES = [
    "What assessment he has made of the progress of the {programme}.",
    "The {programme} remains on track, and {company} delivered the first milestone at {base}.",
    "Will the Minister confirm when {ship} will return to service from {base}?",
    "{unit} deployed to {abroad} last month alongside allies, and I pay tribute to them.",
    "The {aircraft} fleet flew more hours this year than last, from {base} and from {abroad}.",
    "Can the Secretary of State say how many jobs at {company} depend on the {programme}?",
    "We have committed to spend more on defence, and the {programme} is part of that.",
    "My constituents who work at {base} want to know whether {ship} will be based there.",
    "I thank the hon. Member for her question about {unit} and the welfare of its families.",
    "The contract with {company} for the {programme} was signed in the spring.",
    "Our allies in {abroad} welcomed the visit of {ship} and the {aircraft} detachment.",
    "Will he meet me and representatives of {company} to discuss the future of {base}?",
]
# fmt: on


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    seat: str
    party: tuple[str, str]
    office: str | None

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")

    @property
    def seat_slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.seat.lower()).strip("_")

    def position(self, interface: str) -> str:
        if self.office:
            return self.office
        party = self.party[1] if interface == "cy" else self.party[0]
        return f"{party}, {self.seat}"


@dataclass(frozen=True)
class SyntheticTwfy:
    """What :func:`build_site` wrote: bounds of the sitting days and the counts."""

    folder: Path
    since: date
    until: date
    sections: int
    speeches: int
    members: int


class _Templates:
    """The sample pages cut into the parts the generator repeats."""

    def __init__(self, interface: str):
        host = SAMPLES / HOSTS[interface]
        section = (host / SECTION_PAGE).read_text(encoding="utf-8")
        first = section.index(FIRST_SPEECH)
        self.section_head = section[:first]
        self.speech = section[first : section.index(SECOND_SPEECH)]
        self.section_tail = section[section.index(SECTION_TAIL) :]
        day = (host / DAY_PAGE).read_text(encoding="utf-8")
        self.day_head = day[: day.index(DAY_LIST) + len(DAY_LIST)]
        self.day_tail = day[day.index(DAY_TAIL) :]
        sample_member = SAMPLES / HOSTS["en"] / MEMBER_PAGE
        self.member = sample_member.read_text(encoding="utf-8") if interface == "en" else ""


def _words(interface: str) -> tuple[list[str], list[str]]:
    """Month and weekday names as the interface prints them (from date_words.json)."""
    words = json.loads((REPO / "crawler" / "data" / "date_words.json").read_text("utf-8"))
    if interface == "en":
        return words["en"]["months"], words["en"]["weekdays"]
    months: dict[int, str] = {}
    for name, number in words["cy"]["months"].items():
        months.setdefault(number, name.capitalize())
    weekdays: dict[int, str] = {}
    for name, number in words["cy"]["weekdays"].items():
        weekdays.setdefault(number, name.capitalize())
    return [months[n] for n in range(1, 13)], [weekdays[n] for n in range(1, 8)]


def _fill(rng: random.Random, pattern: str) -> str:
    return pattern.format(
        programme=rng.choice(PROGRAMMES),
        ship=rng.choice(SHIPS),
        company=rng.choice(COMPANIES),
        unit=rng.choice(UNITS),
        base=rng.choice(BASES),
        abroad=rng.choice(ABROAD),
        aircraft=rng.choice(AIRCRAFT),
    )


def _members(rng: random.Random) -> list[Member]:
    members = []
    for number in range(MEMBERS):
        name = f"{FIRST_NAMES[number % 20]} {SURNAMES[(number // 20 + number) % 20]}"
        office = rng.choice(OFFICES) if rng.random() < OFFICE_SHARE else None
        members.append(Member(91000 + number, name, rng.choice(SEATS), rng.choice(PARTIES), office))
    return members


def _section_page(
    t: _Templates,
    day: date,
    section: int,
    title: str,
    speeches: list[tuple[Member, str]],
    interface: str,
    months: list[str],
) -> str:
    day_iso = day.isoformat()
    gid = f"{day_iso}a.{section}.0"
    long_day = f"{day.day} {months[day.month - 1]} {day.year}"
    head = (
        t.section_head.replace("US Administration: NATO", html.escape(title))
        .replace("US+Administration+NATO", re.sub(r"\W+", "+", title))
        .replace("2025-02-10a.2.3", f"{day_iso}a.{section + 1}.0")
        .replace("2025-02-10a.1.1", gid)
        .replace("2025-02-10", day_iso)
        .replace("10 February 2025", long_day)
        .replace("10 Chwefror 2025", long_day)
        .replace("10 Feb 2025", f"{day.day} {months[day.month - 1][:3]} {day.year}")
    )
    blocks = []
    for number, (member, text) in enumerate(speeches, start=1):
        anchor = f"{section}.{number}"
        block = (
            t.speech.replace('id="g1.2"', f'id="g{anchor}"')
            .replace('name="g1.2"', f'name="g{anchor}"')
            .replace("#g1.2", f"#g{anchor}")
            .replace("2025-02-10a.1.2", f"{day_iso}a.{anchor}")
            .replace("2025-02-10a.1.1", gid)
            .replace("a1.2/1", f"a{anchor}/1")
            .replace("25814", str(member.person_id))
            .replace("Wendy Chamberlain", member.name)
            .replace("Liberal Democrat Chief Whip", html.escape(member.position(interface)))
            .replace("10 February 2025", long_day)
            .replace("10 Chwefror 2025", long_day)
            .replace("2025-02-10", day_iso)
        )
        block = re.sub(
            r'(<div class="debate-speech__content"><p [^>]*>).*?(</p></div>)',
            lambda m, text=text: m[1] + html.escape(text) + m[2],
            block,
            flags=re.S,
        )
        blocks.append(block)
    return head + "".join(blocks) + "</div>\n\n" + t.section_tail


def _day_page(
    t: _Templates,
    day: date,
    sections: list[tuple[int, str, int, str]],
    months: list[str],
    weekdays: list[str],
) -> str:
    day_iso = day.isoformat()
    items = "".join(
        f"""                    <li>
                    <a href="/debates/?id={day_iso}a.{section}.0" class="business-list__title">
                        <h3>
                            {html.escape(title)}
                        </h3>
                        <span class="business-list__meta">
                            {count} speeches
                        </span>
                    </a>
                    <p class="business-list__excerpt">
                        {html.escape(excerpt)}
                    </p>
                </li>
"""
        for section, title, count, excerpt in sections
    )
    listing = f"""                    <li>
                    <div class="business-list__title">
                        <h3>
                            Defence
                        </h3>
                    </div>
                    <ul>
{items}                    </ul>
                    </li>
"""
    printed = f"{weekdays[day.weekday()]}, {day.day} {months[day.month - 1]} {day.year}"
    head = re.sub(
        r'(<p class="business-section__header__date">\s*).*?(\s*</p>)',
        lambda m: m[1] + printed + m[2],
        t.day_head,
        flags=re.S,
    ).replace("2025-02-10", day_iso)
    return head + listing + t.day_tail


def _member_page(t: _Templates, member: Member) -> str:
    return (
        t.member.replace("90004", str(member.person_id))
        .replace("graham_pettifer", member.slug)
        .replace("Graham Pettifer", member.name)
        .replace("harrowfield", member.seat_slug)
        .replace("Harrowfield", member.seat)
    )


def build_site(
    folder: Path,
    *,
    sections: int = 1000,
    speeches: int = 8400,
    interfaces: tuple[str, ...] = ("en", "cy"),
    seed: str = "synthetic-twfy",
) -> SyntheticTwfy:
    """Write the replay folder and return its bounds and counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    members = _members(rng)
    manifest: list[dict[str, object]] = []

    def save(url: str, relative: str, body: str, status: int = 200, **headers: str) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        entry_headers = {"Content-Type": "text/html; charset=utf-8", "Date": SAVED_AT, **headers}
        manifest.append({"url": url, "path": relative, "status": status, "headers": entry_headers})

    # The plan: which day, title and speeches each section holds (same for both interfaces).
    per_section = [speeches // sections] * sections
    for extra in rng.sample(range(sections), speeches % sections):
        per_section[extra] += 1
    plan: list[tuple[date, int, str, list[tuple[Member, str]]]] = []
    for index, count in enumerate(per_section):
        day = FIRST_DAY + timedelta(days=index // SECTIONS_PER_DAY)
        number = index % SECTIONS_PER_DAY + 1
        title = _fill(rng, rng.choice(TITLES))
        said = [
            (
                rng.choice(members),
                " ".join(_fill(rng, rng.choice(SENTENCES)) for _ in range(rng.randint(2, 6))),
            )
            for _ in range(count)
        ]
        plan.append((day, number, title, said))

    for interface in interfaces:
        t = _Templates(interface)
        months, weekdays = _words(interface)
        host = HOSTS[interface]
        robots = "User-agent: *\nDisallow: /search/\n"
        save(
            f"https://{host}/robots.txt",
            f"{host}/robots.txt",
            robots,
            **{"Content-Type": "text/plain"},
        )
        days: dict[date, list[tuple[int, str, int, str]]] = {}
        for day, number, title, said in plan:
            page = _section_page(t, day, number, title, said, interface, months)
            gid = f"{day.isoformat()}a.{number}.0"
            save(f"https://{host}/debates/?id={gid}", f"{host}/debates/id-{gid}.html", page)
            days.setdefault(day, []).append((number, title, len(said), said[0][1][:120]))
        for day, listed in days.items():
            page = _day_page(t, day, listed, months, weekdays)
            iso = day.isoformat()
            save(f"https://{host}/debates/?d={iso}", f"{host}/debates/d-{iso}.html", page)
    t = _Templates("en")
    host = HOSTS["en"]
    for member in members:
        if not member.office:
            continue
        canonical = f"https://{host}/mp/{member.person_id}/{member.slug}/{member.seat_slug}"
        save(
            f"https://{host}/mp/?p={member.person_id}",
            f"{host}/mp/p-{member.person_id}.redirect.html",
            f'<html><body><a href="{canonical}">here</a></body></html>',
            status=301,
            Location=canonical,
        )
        save(canonical, f"{host}/mp/{member.person_id}.html", _member_page(t, member))

    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as out:
        for entry in manifest:
            out.write(json.dumps(entry) + "\n")
    return SyntheticTwfy(
        folder=folder,
        since=plan[0][0],
        until=plan[-1][0],
        sections=sections,
        speeches=speeches,
        members=sum(1 for member in members if member.office),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the replay folder")
    parser.add_argument("--sections", type=int, default=1000, help="debate sections (1000)")
    parser.add_argument("--speeches", type=int, default=8400, help="speeches in all (8400)")
    parser.add_argument("--english-only", action="store_true", help="only www. pages")
    args = parser.parse_args()
    interfaces = ("en",) if args.english_only else ("en", "cy")
    site = build_site(
        args.folder, sections=args.sections, speeches=args.speeches, interfaces=interfaces
    )
    print(
        f"{site.sections} sections, {site.speeches} speeches, {site.members} member pages "
        f"in {site.folder}: -a since={site.since} -a until={site.until}"
    )


if __name__ == "__main__":
    main()
