"""A synthetic WordPress defence-news site in the replay format, for crawl benchmarks.

:func:`build_site` writes a replay folder (``manifest.jsonl`` and the saved
files, see :mod:`crawler.replay`) for one outlet at its own host,
``https://synthetic-defence.example/``, and an outlet file for it
(``-s NEWS_OUTLETS_FILE=…``) with no selectors, so articles are read by the
generic extraction path:

- ``/robots.txt``;
- ``/feed/``: an RSS 2.0 feed of the newest articles, as WordPress prints it;
- ``/category/news/``, ``/category/news/page/<n>/``: the category archive,
  newest first, ``per_page`` teasers a page, paginated with ``rel=next``;
- ``/<slug>/``: one page per article, shaped like the UK Defence Journal's
  tagDiv/Yoast pages in ``sample_pages/`` (Yoast JSON-LD ``@graph`` with a
  NewsArticle, OpenGraph and ``article:*`` meta tags, ``h1.tdb-title-text``,
  ``div.td-post-content`` paragraphs, tags, share bars, author box, related
  posts, and wpDiscuz comments under some articles).

Every manifest entry carries ``Content-Type``, ``Date``, ``ETag`` and
``Last-Modified``, so the replay layer answers conditional requests with 304.
Article bodies are built from defence-news sentence patterns with many
alternatives and many named things (ships, units, bases, programmes, people),
so no two articles share a content fingerprint or look like near-copies.
Publication dates run back from the moment of building at ``per_day``
articles a day; :attr:`SyntheticSite.since` and :attr:`SyntheticSite.until`
bound them all. Names of people are invented.

    .venv/bin/python bench/synthetic_site.py /tmp/site --articles 2000
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

HOST = "synthetic-defence.example"
BASE = f"https://{HOST}/"
SITE_NAME = "Synthetic Defence Journal"
OUTLET_KEY = "synthetic"
LISTING = f"{BASE}category/news/"
FEED = f"{BASE}feed/"
PER_PAGE = 50
FEED_ITEMS = 10
PER_DAY = 20
FIRST_POST_ID = 600_000

# fmt: off
SHIPS = [
    "HMS Prince of Wales", "HMS Queen Elizabeth", "HMS Diamond", "HMS Dragon", "HMS Duncan",
    "HMS Daring", "HMS Dauntless", "HMS Defender", "HMS Kent", "HMS Richmond", "HMS Iron Duke",
    "HMS Somerset", "HMS Westminster", "HMS Lancaster", "HMS Argyll", "HMS Portland",
    "HMS St Albans", "HMS Northumberland", "HMS Sutherland", "HMS Montrose", "HMS Albion",
    "HMS Tamar", "HMS Spey", "HMS Trent", "HMS Medway", "HMS Forth", "HMS Mersey",
    "HMS Severn", "HMS Tyne", "HMS Astute", "HMS Anson", "HMS Audacious", "HMS Ambush",
    "HMS Artful", "HMS Protector", "HMS Scott", "HMS Bangor", "HMS Middleton",
    "HMS Chiddingfold", "HMS Hurworth", "RFA Tidespring", "RFA Tiderace", "RFA Tidesurge",
    "RFA Argus", "RFA Lyme Bay", "RFA Mounts Bay", "RFA Proteus", "RFA Stirling Castle",
]
AIRCRAFT = [
    "Typhoon", "F-35B Lightning", "P-8A Poseidon", "A400M Atlas", "C-17 Globemaster",
    "Voyager", "Chinook", "Puma", "Wildcat", "Merlin Mk4", "Apache AH-64E", "Juno", "Jupiter",
    "Protector RG1", "Shadow R1", "RC-135 Rivet Joint", "E-7 Wedgetail", "Hawk T2",
    "Texan T1", "Prefect T1", "Phenom T1", "Merlin Mk2",
]
VEHICLES = [
    "Challenger 3", "Boxer", "Ajax", "Jackal", "Foxhound", "Archer", "RCH 155", "GMLRS",
    "Sky Sabre", "Starstreak", "NLAW", "Javelin", "Land Ceptor", "Warrior", "Bulldog",
    "Mastiff", "Panther", "Coyote", "Viking", "Terrier",
]
PROGRAMMES = [
    "Type 26 frigate", "Type 31 frigate", "Type 32 frigate", "Dreadnought submarine",
    "SSN-AUKUS submarine", "Fleet Solid Support ship", "Multi-Role Strike Ship",
    "Global Combat Air Programme", "Land Mobility Programme", "New Medium Helicopter",
    "Skynet 6 satellite", "Mobile Fires Platform", "Future Commando Force",
    "Challenger 3 upgrade", "Boxer mechanised infantry vehicle", "Sky Sabre air defence",
    "Future Air Dominance System", "Maritime Mine Counter Measures", "Project Vanquish",
    "Project Nightfall", "Defence Housing Strategy", "Army Recruiting Partnership",
    "Crowsnest airborne radar", "Sea Venom missile", "Martlet missile", "Brimstone missile",
]
UNITS = [
    "1st Battalion The Rifles", "2nd Battalion The Royal Anglian Regiment",
    "3 Commando Brigade", "16 Air Assault Brigade", "40 Commando", "42 Commando",
    "45 Commando", "the Royal Scots Dragoon Guards", "the King's Royal Hussars",
    "1st Regiment Royal Horse Artillery", "21 Engineer Regiment", "the Royal Gurkha Rifles",
    "2nd Battalion The Parachute Regiment", "No. 1 (Fighter) Squadron", "IX(B) Squadron",
    "617 Squadron", "120 Squadron", "3(F) Squadron", "6 Squadron", "II(AC) Squadron",
    "the Household Cavalry Regiment", "the Black Watch, 3rd Battalion Royal Regiment of Scotland",
    "1st Battalion The Royal Welsh", "1st Battalion Irish Guards",
    "1st Battalion Coldstream Guards",
    "the Royal Logistic Corps", "7th Air Defence Group", "1st Aviation Brigade Combat Team",
    "the Queen's Royal Hussars", "4th Battalion The Rifles", "the Light Dragoons",
    "1 Close Support Battalion REME", "the Royal Marines Band Service", "847 Naval Air Squadron",
    "820 Naval Air Squadron", "814 Naval Air Squadron", "the Fleet Air Arm",
]
BASES = [
    "RAF Lossiemouth", "RAF Coningsby", "RAF Marham", "RAF Brize Norton", "RAF Waddington",
    "RAF Akrotiri", "RAF Valley", "RAF Odiham", "RAF Benson", "RAF Leeming", "RAF Shawbury",
    "HMNB Portsmouth", "HMNB Devonport", "HMNB Clyde", "Salisbury Plain", "Catterick Garrison",
    "Tidworth", "Bulford", "Sennybridge", "Otterburn", "Castlemartin", "Brecon",
    "CTCRM Lympstone", "Faslane", "Rosyth", "Barrow-in-Furness", "Govan", "Scotstoun",
    "Appledore", "RNAS Culdrose", "RNAS Yeovilton", "Larkhill", "Aldershot", "Colchester",
    "Wattisham", "Leuchars Station", "Kinloss Barracks", "Abbey Wood", "Boscombe Down",
]
PORTS_ABROAD = [
    "Duqm", "Bahrain", "Souda Bay", "Gibraltar", "Bergen", "Gdynia", "Yokosuka", "Darwin",
    "Halifax", "Reykjavik", "Tallinn", "Limassol", "Djibouti",
]
CITIES = [
    "Glasgow", "Barrow", "Rosyth", "Belfast", "Bristol", "Derby", "Yeovil", "Preston",
    "Newcastle", "Telford", "Stevenage", "Portsmouth", "Plymouth", "Birkenhead", "Appledore",
    "Lincoln", "Brough", "Warton", "Samlesbury",
]
ABROAD = [
    "Estonia", "Poland", "Norway", "Finland", "Sweden", "Latvia", "Lithuania", "Romania",
    "Cyprus", "Bahrain", "Oman", "Gibraltar", "Kenya", "Brunei", "Belize", "the Falkland Islands",
    "Diego Garcia", "Japan", "Australia", "South Korea", "Iceland", "Canada", "Germany",
    "Jordan", "Qatar", "Singapore", "the United States", "France", "Italy", "Greece",
]
REGIONS = [
    "the High North", "the Baltic", "the Red Sea", "the Gulf", "the Indo-Pacific",
    "the Eastern Mediterranean", "the North Atlantic", "the South Atlantic", "the Arctic",
    "the English Channel", "the North Sea", "the Black Sea region", "the Strait of Hormuz",
    "the Bab el-Mandeb", "the Caribbean", "the Western Approaches", "the GIUK gap",
]
EXERCISES = [
    "Exercise Steadfast Defender", "Exercise Cold Response", "Exercise Joint Warrior",
    "Exercise Iron Wolf", "Exercise Spring Storm", "Exercise Talisman Sabre",
    "Exercise Pitch Black", "Exercise Red Flag", "Exercise Cobra Warrior",
    "Operation Prosperity Guardian", "Operation Kipion", "Operation Shader", "Operation Cabrit",
    "Operation Interflex", "Operation Highmast", "Operation Biloxi", "Exercise Formidable Shield",
    "Exercise Dynamic Mongoose", "Exercise BALTOPS", "Exercise Griffin Lightning",
    "Exercise Saif Sareea", "Exercise Askari Storm", "Exercise Trident Juncture",
    "Exercise Swift Response", "Exercise Hedgehog", "Exercise Atlantic Trident",
]
COMPANIES = [
    "BAE Systems", "Babcock International", "Leonardo UK", "MBDA UK", "Thales UK", "QinetiQ",
    "Rolls-Royce", "General Dynamics UK", "Rheinmetall BAE Systems Land", "Navantia UK",
    "Airbus Defence and Space", "Boeing Defence UK", "Lockheed Martin UK", "Raytheon UK",
    "Chemring", "Ultra Maritime", "Marshall Aerospace", "Cammell Laird", "Harland & Wolff",
    "Serco", "Frazer-Nash Consultancy", "Kraken Robotics", "Anduril UK", "Helsing UK",
    "Supacat", "Pearson Engineering", "Martin-Baker", "Cohort", "AEI Systems", "SEA",
]
COUNTRIES = [
    "Ukraine", "Russia", "China", "Iran", "North Korea", "the United States", "France",
    "Germany", "Poland", "Japan", "Australia", "Norway", "Sweden", "Finland", "Italy",
    "the Netherlands", "Denmark", "Canada", "Estonia", "Turkey", "India", "Saudi Arabia",
]
FIRST_NAMES = [
    "Alex", "Amelia", "Andrew", "Anna", "Ben", "Bethan", "Callum", "Catherine", "Chloe",
    "Daniel", "David", "Eleanor", "Emma", "Fiona", "Gareth", "Grace", "Hannah", "Harry", "Imran",
    "Isla", "Jack", "James", "Jasmine", "Joe", "Kate", "Kieran", "Laura", "Liam", "Lucy",
    "Mark", "Megan", "Michael", "Naomi", "Neil", "Olivia", "Owen", "Paul", "Priya", "Rachel",
    "Rhys", "Rob", "Ruth", "Sam", "Sarah", "Simon", "Sophie", "Stuart", "Tom", "Zara",
]
SURNAMES = [
    "Abbott", "Ahmed", "Ainsworth", "Baxter", "Bell", "Blackwood", "Bradshaw", "Brennan",
    "Campbell", "Carver", "Chandler", "Cole", "Crawford", "Dalton", "Devlin", "Dunmore",
    "Ellison", "Fairbairn", "Fenwick", "Fletcher", "Garside", "Gill", "Greaves", "Hadley",
    "Harcourt", "Holloway", "Hughes", "Iqbal", "Jennings", "Keane", "Kerr", "Lamb", "Lowe",
    "MacLeod", "Marsden", "Mercer", "Moss", "Nairn", "Okafor", "Osborne", "Parry", "Pennock",
    "Quinn", "Ramsay", "Rees", "Rowntree", "Sandhu", "Sinclair", "Stroud", "Thorne",
    "Tremayne", "Vaughan", "Wade", "Whitlock", "Yates",
]
NAVY_RANKS = ["Commander", "Captain", "Lieutenant Commander", "Commodore", "Rear Admiral"]
ARMY_RANKS = ["Major", "Lieutenant Colonel", "Colonel", "Brigadier", "Captain", "Major General"]
RAF_RANKS = ["Wing Commander", "Group Captain", "Squadron Leader", "Air Commodore",
             "Air Vice-Marshal"]
MINISTERS = [
    "the Defence Secretary", "the Armed Forces Minister", "the Minister for Defence Procurement",
    "the Minister for Veterans and People", "the Minister for Defence Readiness and Industry",
]
PARTIES = ["Labour", "Conservative", "Liberal Democrat", "SNP", "Plaid Cymru", "DUP", "Reform UK"]
CONSTITUENCIES = [
    "Plymouth Sutton and Devonport", "Portsmouth North", "Barrow and Furness", "Moray West",
    "Gosport", "Stockton North", "North East Fife", "Yeovil", "Glasgow South West", "Dunfermline",
    "Tewkesbury", "Aldershot", "Colchester", "Richmond and Northallerton", "Brecon, Radnor and Cwm",
    "Ynys Môn", "Carlisle", "South Devon", "Belfast East", "Filton and Bradley Stoke",
    "Lincoln", "North Norfolk", "Hexham", "Salisbury", "Chippenham", "Fareham and Waterlooville",
]
STAFF = [
    ("Alex Harcourt", "alex-harcourt"), ("Naomi Pennock", "naomi-pennock"),
    ("Gareth Vaughan", "gareth-vaughan"), ("Isla MacLeod", "isla-macleod"),
    ("Tom Whitlock", "tom-whitlock"), ("Priya Sandhu", "priya-sandhu"),
]
READERS = [
    "Jim", "Daniele Mandelli", "Supportive Bloke", "Deep32", "Jonathan", "Quentin D63",
    "Grizzler", "Frank62", "Paul.P", "Cripes", "Mark B", "Airborne", "Bloke down the pub",
    "Sceptical Richard", "Ron5", "Watcherzero", "Tim", "NorthernAlly",
]
# fmt: on

# Sentence patterns: ``{a|b|c}`` picks one alternative (they nest), ``[slot]`` is
# filled from the article's cast or the tables above.
LEDES = {
    "naval": [
        "[ship] {has returned to|has arrived back in|sailed into} [home_port] {after|following} "
        "{a [months]-month|an [months]-month|a demanding [months]-month} deployment to [region], "
        "{during which|in which} {her ship's company|the crew|her sailors} {took part in|supported|"
        "led} [exercise].",
        "[ship] {has sailed from|left} [home_port] {for|bound for} [region], {where she will|"
        "to} {join|support|lead} [exercise] {alongside|with} {ships from|warships of} [country] "
        "and [country2].",
        "The Royal Navy {has confirmed|says|has announced} that [ship] will {deploy to|operate in|"
        "patrol} [region] {later this year|this [season]|from [month]} {to|in order to} "
        "{reassure allies|protect shipping lanes|track Russian submarines|support NATO}.",
    ],
    "air": [
        "RAF [aircraft] {aircraft|jets} {from|based at} [base] {were scrambled|were launched|"
        "took off} {on [weekday] [timeofday]|early on [weekday]|shortly after [hour]} to "
        "{shadow|intercept|monitor} {two|three|a pair of|four} Russian {Tu-142|Tu-95|Il-38|Su-24} "
        "aircraft {approaching|near|flying through} [region].",
        "{Personnel|Aircrew|Engineers} from [unit] have {deployed|arrived} {to|in} [abroad] with "
        "{[count]|[small]} [aircraft] {aircraft|jets} {for|to take part in|to lead} [exercise].",
        "The first [aircraft] {to be upgraded|fitted with new sensors|of a new batch} "
        "{has been delivered to|has arrived at|touched down at} [base], the RAF {said|confirmed} "
        "on [weekday].",
    ],
    "land": [
        "{Soldiers|Troops|Gunners|Crews} from [unit] have {completed|wrapped up|begun} "
        "{[weeks] weeks of|a [weeks]-week period of|an intensive programme of} {live-fire "
        "training|field training|exercises} {on|at|across} [training_area] {with|using|alongside} "
        "the [vehicle].",
        "[unit] {has deployed|is deploying|will deploy} {around|some|more than} [troops] "
        "{troops|soldiers|personnel} to [abroad] {for|as part of} [exercise], the Army "
        "{said|announced|confirmed} {on [weekday]|this week}.",
        "The British Army {has taken delivery of|has received|has begun trials of} its "
        "{first|latest|next batch of} [vehicle] {vehicles|systems}, {which will|to} "
        "{replace|serve alongside|support} {older equipment|the [vehicle2]} {in|with} [unit].",
    ],
    "industry": [
        "[company] {has been awarded|has won|has secured} a £[money] {contract|deal|agreement} "
        "{to|that will} {build|support|upgrade|deliver} {the [programme]|[programme] equipment} "
        "{for the Royal Navy|for the Army|for the RAF|for UK Defence}, {sustaining|securing|"
        "supporting} {around|more than|some} [jobs] {jobs|skilled jobs|roles} {in [city]|across "
        "the UK|at [site]}.",
        "{Work has started on|Steel has been cut for|Construction has begun on} the "
        "{first|second|third|fourth|fifth} [programme] at [company]'s {yard|site|facility} in "
        "[city], {marking|a milestone in|in} a programme worth £[money].",
        "The Ministry of Defence {has signed|has agreed|has placed} a £[money] {order|contract} "
        "with [company] for {new|additional|upgraded} [programme] {equipment|systems}, "
        "{expected|due} to enter service {by [year]|in [year]|before the end of [year]}.",
    ],
    "politics": [
        "[minister_name] has told MPs {that|} the Government will {set out|publish|bring forward} "
        "{plans|proposals|a timetable} {for|on} the [programme] {within|in} {the next [small] "
        "months|the coming weeks|the spring|the autumn}.",
        "[mp_full], the [party] MP for [constituency], {has asked|has pressed|has urged} "
        "[minister_role] {to explain|to confirm|to set out} {how|when|whether} the [programme] "
        "{will|would} {be delivered|stay on budget|benefit [constituency]}.",
        "{Answering Defence Questions|Speaking in the Commons|In a written answer}, "
        "[minister_name] {said|confirmed|told the House} {that|} {spending on|work on|investment "
        "in} the [programme] {had risen to|would reach|now stood at} £[money].",
    ],
}

MIDDLES = {
    "naval": [
        "{During the deployment|While on patrol|Over the [weeks] weeks}, [ship] {conducted|"
        "carried out|completed} {[small] boarding operations|more than [count] flying serials|"
        "a series of replenishments at sea} {with|alongside} [ship2].",
        "{Her|The ship's} {Wildcat|Merlin} helicopter {flew|logged} {more than|nearly|over} "
        "[count] hours, {tracking|monitoring|shadowing} {vessels of interest|merchant traffic|"
        "a Russian [russian_ship]} {across|in|near} [region2].",
        "{The ship|She} {also|later|then} {visited|stopped at|called in at} [port_abroad] "
        "{for|to allow} {maintenance|a crew change|engagements with local officials|a defence "
        "industry event}.",
        "[ship] {is one of|is among} {the Royal Navy's|the fleet's} {[small] Type 23 frigates|"
        "[small] Type 45 destroyers|offshore patrol vessels|Astute-class submarines} and "
        "{has been|was} {based in|home-ported at} [home_port] since [year_past].",
        "{The Royal Navy said|A Royal Navy spokesperson said|The Navy added} that [ship2] "
        "{would|will} {take over|relieve her|assume the task} {in|from} [month].",
    ],
    "air": [
        "{An RAF Voyager tanker from RAF Brize Norton|A Voyager from RAF Brize Norton|A tanker} "
        "{supported|refuelled|accompanied} the [aircraft] {jets|aircraft}, {allowing them to|so "
        "they could} {remain on task|stay on station} for {several|[small]} hours.",
        "The [aircraft] {detachment|force|contingent} {will|is due to} {remain|stay} {in|at} "
        "[abroad] {until [month]|for [weeks] weeks|for the rest of the [season]}, "
        "{flying alongside|working with|training with} {aircraft from|crews from} [country].",
        "{Engineers|Ground crew|Technicians} from [unit] {worked|kept going} {around the clock|"
        "in shifts|through the night} to {keep|get} {the jets|the aircraft} {serviceable|ready "
        "to fly}, {achieving|with} {a [percent] per cent|[percent] per cent} availability.",
        "Russian military aircraft {often|routinely|regularly} fly {without filing flight plans|"
        "with transponders switched off|without talking to air traffic control}, {which|and} "
        "{can pose|poses} {a hazard|a risk} to {civilian aircraft|airliners} in [region2].",
        "[base] {is home to|hosts|houses} {[small] front-line squadrons|the RAF's [aircraft] "
        "force|[count] personnel}, {and|while} {it|the station} {has|had} {recently|this year} "
        "{completed|received} {a £[money] runway upgrade|new hangars|new accommodation}.",
    ],
    "land": [
        "{The training|The exercise|The package} {included|ran from|covered} {section attacks|"
        "urban operations|river crossings|night navigation} {to|through to} {brigade-level|"
        "battlegroup|combined-arms} {manoeuvres|exercises} {with|alongside} [country] "
        "{troops|forces}.",
        "{Crews|Commanders|Instructors} said the [vehicle] {had performed|performed|proved} "
        "{well|reliably|better than expected} in {wet|freezing|hot and dusty|muddy} conditions, "
        "{with|and} {[count] rounds fired|few breakdowns|[small] vehicles unavailable}.",
        "[unit] {moved to|returned to|relocated to} [base] {in [year_past]|last year|[small] "
        "years ago} and {is|has been} {held at|kept at|at} {high readiness|[small] days' notice} "
        "{for|as part of} {NATO's Allied Reaction Force|the UK's contribution to NATO|"
        "the Global Response Force}.",
        "{Around|Some|More than} [troops] {reservists|Army Reserve soldiers|personnel from "
        "other units} {joined|supported|reinforced} [unit] {for|during} the {final|first|"
        "second} {phase|week|stage}.",
        "The [vehicle2] {fleet|programme} has {faced|been hit by|suffered} {delays|cost "
        "increases|reliability problems}, and the National Audit Office {warned|said|reported} "
        "in [year_past] that {it|the programme} {was|ran} [small] years behind schedule.",
    ],
    "industry": [
        "{The contract|The deal|The work} {will|is expected to} {sustain|support|create} "
        "{around|some|up to} [jobs] {jobs|roles|skilled jobs} {at|across} {[company]'s sites|"
        "the supply chain} {in [city] and [city2]|in [city]|across the UK}.",
        "{Deliveries are|The first deliveries are|Work is} {expected|due|scheduled} {to begin|to "
        "start} {in [year]|by [year]|from [month] [year]}, {with|and} {the final|the last} "
        "{unit|ship|system} {following|due} {in [year2]|by [year2]}.",
        "[company] {said|confirmed} {it would|it will} {recruit|take on|hire} [small_count] "
        "{apprentices|graduates|engineers} {this year|in [year]|over the next [small] years} "
        "{to|in order to} {meet|deliver|keep up with} {the order|demand|the programme}.",
        "{The Defence Equipment and Support organisation|DE&S|The MoD's procurement agency} "
        "{said|confirmed} the {contract|order|agreement} {included|covers} {spares|training|"
        "in-service support} {for|over} [small] years.",
        "{The [programme] is|The programme is} {one of|among} {the largest|the most significant} "
        "{investments|orders} in {[domain]|UK defence} {since [year_past]|this decade|for a "
        "generation}, {according to|said} {the MoD|industry body ADS}.",
    ],
    "politics": [
        "{Responding|In reply}, [minister_name] said {the Government|ministers} {was|were} "
        "{committed to|focused on} {spending 2.5 per cent of GDP on defence|"
        "rebuilding the Armed Forces|growing the UK defence industry} {and|while} "
        "{backing|supporting} [country] {for as long as it takes|through [year]}.",
        "{The [party] MP|[mp_surname]} {said|added|argued} {constituents|families|firms} in "
        "[constituency] {wanted|needed|deserved} {certainty|clarity|a clear answer} {about|on} "
        "{the future of|jobs at|work on} [base].",
        "{The Defence Committee|MPs on the Defence Committee|The Public Accounts Committee} "
        "{will|is due to} {take evidence|question officials|report} on the [programme] "
        "{in [month]|later this [season]|before the summer recess}.",
        "[minister_name] {also|separately|later} {confirmed|announced|said} {that|} "
        "{[count] new homes|£[money] of new investment|[small_count] new posts} {would be|will be}"
        " {provided|delivered|created} {at|for} [base] {by [year]|over [small] years}.",
    ],
}

QUOTES = [
    "{This|The} {deployment|milestone|contract|exercise|work} {shows|demonstrates|underlines} "
    "{the skill and professionalism of|the commitment of|what can be achieved by} "
    "{our people|everyone involved|the men and women of [unit]|the whole team}.",
    "{We|I} {are|am} {proud|delighted|pleased} {of|with} {what|how much} {the team|the crew|"
    "everyone} {has|have} {achieved|delivered|done} {in|over} {difficult|demanding|challenging} "
    "{conditions|circumstances|months}.",
    "{It|This} {sends|is} a {clear|strong|powerful} {message|signal} to {our allies|"
    "[country]|our adversaries} that the UK {will|is ready to} {play its part|"
    "stand by its partners|defend its interests} {in|across} [region2].",
    "{This|The} {investment|order|programme} {will|is going to} {support|sustain|secure} "
    "{jobs|skills|livelihoods} {in|across} [city] and {keep|make} {the Armed Forces|"
    "the UK} {ready to|able to} {fight|deter|respond} {for decades to come|well into the [year2]s|"
    "today and tomorrow}.",
    "{Nobody|No one} {should|can} {doubt|underestimate} {how|the way} {hard|closely} "
    "{our sailors|our soldiers|our aircrew|these teams} {have|had} {worked|trained} "
    "{with|alongside} {colleagues from [country]|our NATO partners|allies}.",
    "{The people of|Families in|Workers in} [constituency] {deserve|want|need} {to know|"
    "an answer on|clarity about} {when|whether|how} {the [programme]|this work} "
    "{will|is going to} {arrive|be delivered|reach them}.",
]

TITLES = {
    "naval": [
        "[ship] {returns to|arrives back in|sails into} [home_port] after [region] deployment",
        "[ship] {sails for|deploys to|heads to} [region] for [exercise]",
        "Royal Navy sends [ship] to [region] {amid|after|following} {Russian activity|"
        "shipping threats|NATO request}",
    ],
    "air": [
        "[aircraft] jets scrambled {from [base]|} to shadow Russian aircraft",
        "RAF [aircraft] {deploy to|arrive in|land in} [abroad] for [exercise]",
        "First [aircraft] {of new batch|upgrade} {arrives at|delivered to} [base]",
    ],
    "land": [
        "[unit] {completes|finishes|starts} training {with|on} [vehicle] at [training_area]",
        "{British troops|Soldiers|[unit]} {deploy to|arrive in} [abroad] for [exercise]",
        "Army {receives|takes delivery of|begins trials of} {first|new} [vehicle]",
    ],
    "industry": [
        "[company] {wins|awarded|secures} £[money] {[programme] contract|deal for [programme]}",
        "{Work starts on|Steel cut for} [ordinal] [programme] in [city]",
        "MoD {orders|signs deal for} {new|more} [programme] {kit|systems} from [company]",
    ],
    "politics": [
        "Minister {questioned|pressed|challenged} on [programme] {timetable|costs|delays}",
        "MP {presses|asks|urges} {Government|ministers} on [programme] {jobs|plans|future}",
        "[minister_short] {sets out|confirms|announces} £[money] for [programme]",
    ],
}

COMMENT_TEXTS = [
    "{Good to see|Great news for|About time for} [ship]. {Now we need|Shame we only have} "
    "{more hulls|[small] of them|the crews to match}.",
    "{How many|When will} [programme] {will we actually get|actually arrive}? {Every year it "
    "slips|We have heard this before|I'll believe it when I see it}.",
    "{Well done|Respect} to [unit]. {Proper soldiering|Hard work in grim weather|Nothing easy "
    "about that}.",
    "{The real question is|What matters is} {funding|crewing|spares}. {Without that|Otherwise} "
    "{it is just|this is} {a press release|another announcement}.",
    "£[money] {sounds a lot|is a drop in the ocean|is good value} {for|compared with} "
    "{what we get|what the French spend|what it replaces}.",
]

# A phrase grammar for most sentences: fixed patterns alone would give every
# article the same word runs, which real reporting does not.
# fmt: off
VERBS = [  # (base, past participle)
    ("deliver", "delivered"), ("complete", "completed"), ("test", "tested"),
    ("upgrade", "upgraded"), ("trial", "trialled"), ("secure", "secured"),
    ("expand", "expanded"), ("review", "reviewed"), ("approve", "approved"),
    ("delay", "delayed"), ("accelerate", "accelerated"), ("fund", "funded"),
    ("inspect", "inspected"), ("escort", "escorted"), ("track", "tracked"),
    ("resupply", "resupplied"), ("certify", "certified"), ("commission", "commissioned"),
    ("modernise", "modernised"), ("replace", "replaced"), ("order", "ordered"),
    ("extend", "extended"), ("renew", "renewed"), ("sign", "signed"), ("unveil", "unveiled"),
    ("publish", "published"), ("rehearse", "rehearsed"), ("integrate", "integrated"),
    ("refurbish", "refurbished"), ("relocate", "relocated"), ("evaluate", "evaluated"),
    ("demonstrate", "demonstrated"), ("validate", "validated"), ("hand over", "handed over"),
    ("retire", "retired"), ("regenerate", "regenerated"), ("protect", "protected"),
    ("reinforce", "reinforced"), ("finance", "financed"), ("scrap", "scrapped"),
    ("pause", "paused"), ("restart", "restarted"), ("mobilise", "mobilised"),
    ("overhaul", "overhauled"), ("survey", "surveyed"), ("monitor", "monitored"),
]
NOUNS = [
    "frigate", "destroyer", "patrol ship", "radar", "sonar suite", "missile system", "drone",
    "helicopter", "runway", "hangar", "dry dock", "barracks", "simulator", "contract",
    "budget line", "review", "capability", "refit", "trial", "rotation", "task group",
    "battlegroup", "squadron", "battalion", "apprenticeship scheme", "supply chain", "shipyard",
    "munitions line", "test range", "communications network", "satellite", "data link",
    "combat management system", "engine", "propulsion system", "hull section", "turret",
    "howitzer", "rocket launcher", "armoured vehicle", "logistics hub", "training pipeline",
    "recruitment campaign", "housing project", "field hospital", "cyber unit",
    "intelligence cell", "air defence battery", "minehunting system", "uncrewed boat",
    "surveillance aircraft", "tanker", "transport aircraft", "mission system", "sensor suite",
    "spares package", "maintenance contract", "support contract", "export deal",
    "framework agreement", "memorandum of understanding", "evacuation plan", "reserve force",
    "cadet unit", "pension scheme", "fuel depot", "ammunition store", "training area",
    "jetty", "control tower", "flight simulator", "night-vision kit", "body armour order",
    "vehicle fleet", "software release", "fire-control system", "towed array",
]
ADJECTIVES = [
    "new", "upgraded", "long-delayed", "modernised", "uncrewed", "autonomous", "heavy",
    "light", "joint", "multinational", "British-built", "Norwegian-designed", "next-generation",
    "interim", "replacement", "ageing", "revised", "expanded", "permanent", "temporary",
    "forward-based", "carrier-based", "land-based", "long-range", "short-range", "low-cost",
    "high-readiness", "specialist", "additional", "refurbished", "prototype",
    "production-standard", "digital", "hybrid-electric", "all-weather", "cold-weather",
    "second-hand", "Scottish-built", "jointly funded", "smaller", "larger", "faster",
]
ADJUNCTS = [
    "in [place]", "{near|off|close to|around} [region2]", "on [weekday]",
    "{last|earlier this|late last} [period]", "{ahead of|before|in preparation for} [exercise]",
    "{for the first time since|the first such move since|not attempted since} [year_past]",
    "{as part of|during|under} [exercise]", "{with|together with|backed by} [country] forces",
    "{at a cost of|costing|worth|in a package worth} £[money]",
    "{despite|after} [small] {months|years} of {delays|setbacks|disputes}",
    "{by|no later than|in} [month] [year]", "{under|through} a £[money] {deal|award|order}",
    "{alongside|next to|in step with} [country2]", "{at|outside|inside} [base]",
    "{from|out of} [home_port]", "{over|across|in} the {past|last} [weeks] weeks",
    "{before the end of|by the close of|early in} [month]", "{in|over} the [season]",
    "{after|following} talks in [city]", "{with support from|helped by|funded by} [company]",
    "{on behalf of|for} [unit]", "{within|inside} [small] {days|weeks}",
    "{while|as} [country] {watched|objected|looked on}",
]
ATTRIBUTIONS = [
    "{officials|MoD officials|defence officials} {said|confirmed|say}",
    "{the MoD|the Ministry of Defence|the department} {said|confirmed|added}",
    "{according to|said} [company]", "{a spokesperson|a spokeswoman|a spokesman} {said|confirmed}",
    "[officer] {said|confirmed|explained}", "{documents|papers|figures} {show|suggest|reveal}",
    "{the Army|the Royal Navy|the RAF|Strategic Command|Navy Command} {said|confirmed|added}",
    "[minister_name] {said|told MPs|confirmed}", "{a defence source|an industry source} said",
    "figures {released|published} on [weekday] show",
]
SUBJECTS = [
    "[ship]", "[unit]", "[company]", "[minister_name]", "[officer]", "the Ministry of Defence",
    "the Royal Navy", "the British Army", "the Royal Air Force", "NATO", "[country]",
    "the [programme] team", "{engineers|technicians|planners} in [city]",
    "[count] {personnel|reservists|contractors}", "the [adj] [noun]",
    "[country2]'s {defence ministry|armed forces|navy}", "a team from [company]",
    "{crews|specialists} from [unit]", "the procurement agency", "the Treasury", "[mp_full]",
    "the crew of [ship]", "the [noun] programme",
]
GROUPS = [
    "our sailors", "our soldiers", "our aircrew", "the families at [base]", "industry",
    "the workforce in [city]", "our partners in [country]", "the whole of NATO",
    "the people of [constituency]", "everyone at [company]", "the crews of [unit]",
    "the apprentices at [site]", "reservists", "the veterans of [unit]",
]
# fmt: on
SHAPES = [
    "[subject] {has|have} [pp] the [adj] [noun] [adjunct].",
    "[adjunct], [subject] [pp] {a|the|its} [adj] [noun] and [pp2] {its|the|a} [noun2].",
    "[subject] {has|had} [pp] {a|the} [noun] [adjunct], [attribution].",
    "[subject] {said|confirmed|expects that|hopes} {it|the force|the service|the programme} "
    "{would|will|could|aims to} [verb] the [adj] [noun] [adjunct].",
    "{According to|Figures from|A briefing by} [attribution_source], the [noun] {will|is "
    "expected to|could|may} [verb] [count] [adj] [noun2] {units|items|systems} [adjunct].",
    "The [adj] [noun], {which was|first} [pp] [adjunct], {is due to|will|should|may yet} "
    "[verb] the [noun2] [adjunct2].",
    "{Separately|Meanwhile|Elsewhere|In a related move|At the same time}, [subject] [pp] the "
    "[noun] [adjunct].",
    "The [noun] {has been|was|had been} [pp] [adjunct] and {is|was|will be} [pp2] [adjunct2], "
    "[attribution].",
    "[subject] and [subject2] {have|had} [pp] {plans for|work on|a study into|talks on} the "
    "[adj] [noun] [adjunct].",
    "{Some|About|Nearly|More than} [count] [noun2] {checks|hours|sorties|tests} {were|have "
    "been} {logged|completed|recorded} [adjunct], [attribution].",
    "{Officials|Defence sources|Industry executives|Planners at [base]} {said|expect|believe} "
    "that the [adj] [noun] {would|will|might} {not|} [verb] [adjunct].",
    "{Asked|Pressed|Questioned} about the [noun], [subject] {said|replied|would say} {only|} "
    "that [adj] {work|planning|funding|trials|talks} {continued|went on|had [pp] [count] "
    "[noun2] {reviews|milestones}} [adjunct].",
]
QUOTE_SHAPES = [
    "We have [pp] the [adj] [noun] [adjunct], and {that|this|it} {matters|counts|is a real "
    "step forward|makes a difference} {for|to} [group].",
    "{The|This|That} [noun] {will|is going to|should} [verb] {what|how much} [group] {can do|"
    "deliver|achieve} [adjunct].",
    "{Nobody|No one|Not one of us} {should|could|would} {doubt|question|forget} {how hard|how "
    "long|how well} [group] {worked|trained|pushed} to [verb] the [noun] [adjunct].",
    "{It is|This is|That was} {the right|a sensible|an overdue|a difficult} {decision|step|"
    "investment|call} {for|by} [group], and we {will|intend to|must} [verb] the [adj] [noun] "
    "[adjunct].",
    "{I|We} {saw|watched|heard} [group] [verb] the [noun] [adjunct], and {frankly|honestly|"
    "simply} {it was|that was} {impressive|remarkable|hard work}.",
    "{If|Unless|Until} we [verb] the [adj] [noun], [group] {will|would|could} {pay|suffer|"
    "wait} [adjunct].",
]

_ALTERNATIVE = re.compile(r"\{([^{}]*)\}")
_SLOT = re.compile(r"\[(\w+)\]")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def _months() -> list[str]:
    return [date(2000, month, 1).strftime("%B") for month in range(1, 13)]


MONTHS = _months()


@dataclass(frozen=True)
class SyntheticSite:
    """A built replay folder and what a crawl of it needs."""

    folder: Path
    outlets_file: Path
    articles: int
    listing_pages: int
    since: date
    until: date
    built_at: datetime
    bytes_written: int

    def crawl_options(self) -> list[str]:
        """The ``scrapy crawl defence_news`` settings that read this site: its replay
        folder, its outlet file, and every page of its one long paginated listing."""
        return [
            "-s", f"REPLAY_DIR={self.folder}",
            "-s", f"NEWS_OUTLETS_FILE={self.outlets_file}",
            "-s", f"NEWS_LISTING_MAX_PAGES={self.listing_pages + 1}",
        ]  # fmt: skip


@dataclass(frozen=True)
class _Post:
    index: int
    post_id: int
    slug: str
    title: str
    kind: str
    published: datetime
    modified: datetime
    author: tuple[str, str]
    seed: str

    @property
    def url(self) -> str:
        return f"{BASE}{self.slug}/"


class _Writer:
    """Fills sentence patterns for one article, keeping its cast consistent."""

    def __init__(self, rng: random.Random, kind: str, when: datetime, cast_seed: str):
        self.rng = rng
        self.kind = kind
        self.when = when
        # The cast has its own generator, so the title and the body tell one story.
        pick = random.Random(cast_seed).choice
        minister_first, minister_last = pick(FIRST_NAMES), pick(SURNAMES)
        minister_role = pick(MINISTERS)
        role_title = minister_role.removeprefix("the ")
        mp_first, mp_last = pick(FIRST_NAMES), pick(SURNAMES)
        rank = pick(NAVY_RANKS if kind == "naval" else RAF_RANKS if kind == "air" else ARMY_RANKS)
        self.cast = {
            "ship": pick(SHIPS),
            "ship2": pick(SHIPS),
            "aircraft": pick(AIRCRAFT),
            "vehicle": pick(VEHICLES),
            "vehicle2": pick(VEHICLES),
            "programme": pick(PROGRAMMES),
            "unit": pick(UNITS),
            "base": pick(BASES),
            "home_port": pick(["Portsmouth", "Devonport", "Plymouth", "Faslane", "Rosyth"]),
            "training_area": pick(
                ["Salisbury Plain", "Sennybridge", "Otterburn", "Castlemartin", "Catterick"]
            ),
            "abroad": pick(ABROAD),
            "port_abroad": pick(PORTS_ABROAD),
            "region": pick(REGIONS),
            "region2": pick(REGIONS),
            "exercise": pick(EXERCISES),
            "company": pick(COMPANIES),
            "country": pick(COUNTRIES),
            "country2": pick(COUNTRIES),
            "city": pick(CITIES),
            "city2": pick(["Sheffield", "Leeds", "Cardiff", "Edinburgh", "Swansea", "Coventry"]),
            "site": pick(["Govan", "Scotstoun", "Barrow", "Rosyth", "Warton", "Filton"]),
            "constituency": pick(CONSTITUENCIES),
            "party": pick(PARTIES),
            "minister_name": f"{role_title[0].upper()}{role_title[1:]} {minister_first} "
            f"{minister_last}",
            "minister_role": minister_role,
            "minister_short": f"{role_title.split(' for ')[0]}",
            "mp_full": f"{mp_first} {mp_last}",
            "mp_surname": mp_last,
            "officer": f"{rank} {pick(FIRST_NAMES)} {pick(SURNAMES)}",
            "domain": pick(["naval shipbuilding", "combat air", "land equipment", "space"]),
            "season": pick(["spring", "summer", "autumn", "winter", "year"]),
            "ordinal": pick(["First", "Second", "Third", "Fourth", "Fifth"]),
            "russian_ship": pick(["submarine", "frigate", "intelligence ship", "corvette"]),
        }

    def fill(self, pattern: str, *, capital: bool = True) -> str:
        rng = self.rng
        while True:
            expanded = _ALTERNATIVE.sub(lambda m: rng.choice(m.group(1).split("|")), pattern)
            if expanded == pattern:
                break
            pattern = expanded
        text = _SLOT.sub(lambda m: self.slot(m.group(1)), pattern)
        text = re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".").strip()
        return text[0].upper() + text[1:] if capital else text

    def slot(self, name: str) -> str:
        rng = self.rng
        if name in self.cast:
            return self.cast[name]
        year = self.when.year
        grammar = {
            "subject": lambda: self.fill(rng.choice(SUBJECTS), capital=False),
            "subject2": lambda: self.fill(rng.choice(SUBJECTS), capital=False),
            "adj": lambda: rng.choice(ADJECTIVES),
            "noun": lambda: rng.choice(NOUNS),
            "noun2": lambda: rng.choice(NOUNS),
            "verb": lambda: rng.choice(VERBS)[0],
            "pp": lambda: rng.choice(VERBS)[1],
            "pp2": lambda: rng.choice(VERBS)[1],
            "adjunct": lambda: self.fill(rng.choice(ADJUNCTS), capital=False),
            "adjunct2": lambda: self.fill(rng.choice(ADJUNCTS), capital=False),
            "attribution": lambda: self.fill(rng.choice(ATTRIBUTIONS), capital=False),
            "attribution_source": lambda: self.fill(
                rng.choice(
                    ["[company]", "[officer]", "the MoD", "[minister_name]", "[unit]", "[ship]"]
                ),
                capital=False,
            ),
            "group": lambda: self.fill(rng.choice(GROUPS), capital=False),
            "place": lambda: rng.choice([*BASES, *ABROAD, *CITIES]),
            "period": lambda: rng.choice(["week", "month", "year", "spring", "summer", "autumn"]),
        }
        if name in grammar:
            return grammar[name]()
        numbers = {
            "months": lambda: str(rng.randint(3, 9)),
            "weeks": lambda: str(rng.randint(2, 12)),
            "small": lambda: rng.choice(["two", "three", "four", "five", "six", "seven"]),
            "small_count": lambda: str(rng.randint(12, 480)),
            "count": lambda: f"{rng.randint(20, 2400):,}",
            "troops": lambda: f"{rng.randint(1, 40) * 50:,}",
            "jobs": lambda: f"{rng.randint(2, 90) * 50:,}",
            "percent": lambda: str(rng.randint(70, 99)),
            "money": lambda: rng.choice(
                [f"{rng.randint(5, 950)} million", f"{rng.randint(11, 95) / 10:.1f} billion"]
            ),
            "year": lambda: str(year + rng.randint(1, 6)),
            "year2": lambda: str(year + rng.randint(7, 15)),
            "year_past": lambda: str(year - rng.randint(1, 20)),
            "month": lambda: rng.choice(MONTHS),
            "weekday": lambda: rng.choice(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            ),
            "timeofday": lambda: rng.choice(["morning", "afternoon", "evening", "night"]),
            "hour": lambda: rng.choice(["6am", "7am", "midday", "2pm", "5pm", "11pm", "3am"]),
        }
        if name in numbers:
            return numbers[name]()
        raise KeyError(f"unknown slot [{name}]")

    def quote_paragraph(self) -> str:
        speaker = self.rng.choice(
            [
                self.cast["minister_name"],
                self.cast["officer"],
                f"{self.cast['officer']}, who {self.rng.choice(['leads', 'commands'])} the "
                f"{self.rng.choice(['detachment', 'task group', 'battlegroup', 'team'])},",
                f"{self.cast['company']}'s "
                f"{self.rng.choice(['chief executive', 'managing director'])} "
                f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}",
                f"{self.cast['mp_full']}, the {self.cast['party']} MP for "
                f"{self.cast['constituency']},",
            ]
        )
        first = self.fill(self.rng.choice(QUOTE_SHAPES))
        second = self.fill(self.rng.choice(QUOTES if self.rng.random() < 0.15 else QUOTE_SHAPES))
        verb = self.rng.choice(["said", "added", "said on [weekday]", "told reporters"])
        verb = self.fill(verb, capital=False)
        return f"{speaker} {verb}: “{first} {second}”"

    def body(self) -> list[str]:
        rng = self.rng
        paragraphs = [self.fill(rng.choice(LEDES[self.kind]))]
        patterns = list(MIDDLES[self.kind])
        count = rng.randint(8, 13)
        quoted = {rng.randint(1, 2), count - rng.randint(1, 3)}
        for position in range(count):
            if position in quoted and rng.random() < 0.85:
                paragraphs.append(self.quote_paragraph())
                continue
            sentences = []
            for _ in range(rng.choice((1, 2, 2, 3))):
                if patterns and rng.random() < 0.25:
                    pattern = patterns.pop(rng.randrange(len(patterns)))
                else:
                    pattern = rng.choice(SHAPES)
                sentences.append(self.fill(pattern))
            paragraphs.append(" ".join(sentences))
        return paragraphs

    def tags(self) -> list[str]:
        keys = {
            "naval": ["ship", "region", "exercise"],
            "air": ["aircraft", "base", "exercise"],
            "land": ["unit", "vehicle", "abroad"],
            "industry": ["company", "programme", "city"],
            "politics": ["programme", "constituency", "party"],
        }[self.kind]
        tags = [self.cast[key] for key in keys]
        tags.append(self.rng.choice(["NATO", "Ministry of Defence", "UK Defence", "Royal Navy",
                                     "British Army", "Royal Air Force"]))  # fmt: skip
        return list(dict.fromkeys(tags))

    def comments(self, post: _Post, now: datetime) -> list[dict[str, object]]:
        rng = self.rng
        if rng.random() > 0.35:
            return []
        comments: list[dict[str, object]] = []
        moment = post.published
        for number in range(rng.randint(1, 4)):
            moment = min(now, moment + timedelta(minutes=rng.randint(5, 600)))
            parent = comments[-1]["id"] if comments and rng.random() < 0.3 else 0
            comments.append(
                {
                    "id": post.post_id * 10 + number + 1_000_000_000,
                    "parent": parent,
                    "author": rng.choice(READERS),
                    "at": moment,
                    "text": self.fill(rng.choice(COMMENT_TEXTS)),
                }
            )
        return comments


def slugify(title: str) -> str:
    return _SLUG_DROP.sub("-", title.lower().replace("'", "").replace("£", "")).strip("-")


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'


def _long_date(moment: datetime) -> str:
    return f"{moment.day} {moment.strftime('%B %Y')}"


def _ago(then: datetime, now: datetime) -> str:
    """wpDiscuz's dateDiff(): the largest unit only."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            value = seconds // size
            return f"{value} {unit}{'s' if value > 1 else ''} ago"
    return "1 minute ago"


def plan_posts(count: int, *, now: datetime, per_day: int, seed: str) -> list[_Post]:
    """Titles, slugs and dates of every article, newest first."""
    interval = 86400 / per_day
    posts: list[_Post] = []
    slugs: set[str] = set()
    kinds = list(TITLES)
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")
        kind = rng.choice(kinds)
        jitter = rng.uniform(0, interval * 0.8)
        published = now - timedelta(seconds=3600 + index * interval + jitter)
        published = published.replace(microsecond=0)
        modified = published
        if rng.random() < 0.15:
            modified = min(now, published + timedelta(minutes=rng.randint(20, 2000)))
        writer = _Writer(rng, kind, published, f"{seed}:{index}:cast")
        title = writer.fill(rng.choice(TITLES[kind]))
        slug = slugify(title)[:90].rstrip("-")
        base, suffix = slug, 2
        while slug in slugs:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        slugs.add(slug)
        posts.append(
            _Post(
                index=index,
                post_id=FIRST_POST_ID + count - index,
                slug=slug,
                title=title,
                kind=kind,
                published=published,
                modified=modified,
                author=rng.choice(STAFF),
                seed=f"{seed}:{index}",
            )
        )
    return posts


# ----------------------------------------------------------------------- markup
def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


_MENU = "".join(
    f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category tdb-menu-item-button'
    f' tdb-menu-item tdb-normal-menu"><a href="{BASE}{path}"><div class="tdb-menu-item-text">'
    f"{label}</div></a></li>"
    for label, path in (
        ("Home", ""),
        ("News", "category/news/"),
        ("Analysis", "category/news/analysis/"),
        ("Naval", "category/naval-news/"),
        ("Army", "category/army/"),
        ("Air", "category/aviation-news/"),
        ("Submissions", "submissions/"),
        ("About", "about-us/"),
    )
)

_HEADER = f"""<div class="td-scroll-up" data-style="style1"><i class="td-icon-menu-up"></i></div>
<div id="td-outer-wrap" class="td-theme-wrap">
    <div class="td-header-template-wrap" style="position: relative">
        <div class="td-header-desktop-wrap "><div class="td_block_wrap tdb_header_logo tdi_7 td-pb-border-top td_block_template_1 tdb-header-align"><div class="tdb-block-inner td-fix-index"><a class="tdb-logo-a" href="{BASE}"><span class="tdb-logo-img-wrap"><img class="tdb-logo-img" src="{BASE}wp-content/uploads/2019/12/logo.png" alt="{SITE_NAME} Logo" title="{SITE_NAME}" width="544" height="180" /></span></a></div></div><div class="td_block_wrap tdb_header_menu tdi_10 tds_menu_active1 td-pb-border-top td_block_template_1 tdb-header-align" style=" z-index: 999;"><div id="tdi_10" class="td_block_inner td-fix-index"><ul id="menu-main-menu-1" class="tdb-block-menu tdb-menu tdb-menu-items-visible">{_MENU}</ul></div></div><div class="td_block_wrap tdb_header_search tdi_12 tdb-header-search-trigger-enabled td-pb-border-top td_block_template_1 tdb-header-align"><div class="tdb-block-inner td-fix-index"><div class="tdb-drop-down-search"><div class="tdb-drop-down-search-inner"><form method="get" class="tdb-search-form" action="{BASE}"><div class="tdb-search-form-inner"><input class="tdb-head-search-form-input" placeholder=" " type="text" value="" name="s" autocomplete="off" /><button class="wpb_button wpb_btn-inverse btn tdb-head-search-form-btn" title="Search" type="submit" aria-label="Search"><span>Search</span></button></div></form></div></div></div></div></div>
    </div>
"""  # noqa: E501

_FOOTER = f"""    <div class="td-footer-template-wrap" style="position: relative">
        <div class="td-footer-wrap "><div class="td_block_wrap tdb_header_logo tdi_96 td-pb-border-top td_block_template_1 tdb-header-align"><div class="tdb-block-inner td-fix-index"><a class="tdb-logo-a" href="{BASE}"><span class="tdb-logo-text-wrap"><span class="tdb-logo-text-title">{SITE_NAME}</span><span class="tdb-logo-text-tagline">Independent news and analysis on defence and security</span></span></a></div></div><div class="td_block_wrap tdb_header_menu tdi_97 td-pb-border-top td_block_template_1"><div id="tdi_97" class="td_block_inner td-fix-index"><ul id="menu-footer-menu" class="tdb-block-menu tdb-menu tdb-menu-items-visible"><li class="menu-item"><a href="{BASE}about-us/"><div class="tdb-menu-item-text">About us</div></a></li><li class="menu-item"><a href="{BASE}contact/"><div class="tdb-menu-item-text">Contact</div></a></li><li class="menu-item"><a href="{BASE}privacy-policy/"><div class="tdb-menu-item-text">Privacy policy</div></a></li></ul></div></div><div class="td_block_wrap tdb_footer_copyright tdi_98 td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index"><div class="tdb-footer-copy">&copy; {SITE_NAME}</div></div></div></div>
    </div>
</div><!--close td-outer-wrap-->
<script type="text/javascript" src="{BASE}wp-content/plugins/wpdiscuz/assets/js/wpdiscuz-combo.min.js?ver=7.6.27" id="wpdiscuz-combo-js-js"></script>
<script type="text/javascript" src="{BASE}wp-content/themes/Newspaper/js/tagdiv_theme.min.js?ver=12.6.8" id="td-site-min-js"></script>
</body>
</html>
"""  # noqa: E501


def _share_bar(block: str, post: _Post) -> str:
    url = post.url
    quoted = post.title.replace(" ", "+")
    buttons = "".join(
        f'<a class="td-social-sharing-button td-social-sharing-button-js td-social-network'
        f' td-social-{network}" href="{_e(href)}" title="{label}"><div class="td-social-but-icon">'
        f'<i class="td-icon-{network}"></i></div><div class="td-social-but-text">{label}</div></a>'
        for network, label, href in (
            ("facebook", "Facebook", f"https://www.facebook.com/sharer.php?u={url}"),
            ("twitter", "Twitter", f"https://twitter.com/intent/tweet?text={quoted}&url={url}"),
            ("whatsapp", "WhatsApp", f"https://api.whatsapp.com/send?text={quoted}%0A%0A{url}"),
            ("mail", "Email", f"mailto:?subject={post.title}&body={url}"),
        )
    )
    return (
        f'<div class="td_block_wrap tdb_single_post_share {block} td-pb-border-top'
        f' td_block_template_1 " data-td-block-uid="{block}"><div id="{block}"'
        f' class="td-post-sharing tdb-block td-ps-bg td-ps-notext td-post-sharing-style1 ">'
        f'<div class="td-post-sharing-visible"><div class="td-social-sharing-button'
        f' td-social-sharing-button-js td-social-handler td-social-share-text">'
        f'<div class="td-social-but-icon"><i class="td-icon-share"></i></div>'
        f'<div class="td-social-but-text">Share</div></div>{buttons}</div></div></div>'
    )


def _teaser(post: _Post, module: str = "td_module_flex td_module_flex_1") -> str:
    image = f"{BASE}wp-content/uploads/{post.published:%Y/%m}/{post.slug[:40]}-218x150.jpg"
    return (
        f'<div class="{module} td_module_wrap td-animation-stack td-cpt-post">'
        f'<div class="td-module-container td-category-pos-"><div class="td-image-container">'
        f'<div class="td-module-thumb"><a href="{post.url}" rel="bookmark" class="td-image-wrap "'
        f' title="{_e(post.title)}"><span class="entry-thumb td-thumb-css" data-type="css_image"'
        f' data-img-url="{image}"></span></a></div></div><div class="td-module-meta-info">'
        f'<h3 class="entry-title td-module-title"><a href="{post.url}" rel="bookmark"'
        f' title="{_e(post.title)}">{_e(post.title)}</a></h3><div class="td-editor-date">'
        f'<span class="td-author-date"><span class="td-post-date"><time class="entry-date updated'
        f' td-module-date" datetime="{post.published.isoformat()}" >'
        f"{_long_date(post.published)}</time></span></span></div></div></div></div>"
    )


def _comments_block(post: _Post, comments: list[dict[str, object]], now: datetime) -> str:
    def one(comment: dict[str, object], replies: str) -> str:
        at = comment["at"]
        assert isinstance(at, datetime)
        level = 2 if comment["parent"] else 1
        reply = " wpd-reply" if comment["parent"] else ""
        cid = comment["id"]
        return (
            f"<div id='wpd-comm-{cid}_{comment['parent']}' class='comment even depth-{level}"
            f" wpd-comment{reply} wpd_comment_level-{level}'><div class=\"wpd-comment-wrap"
            f' wpd-blog-guest"><div class="wpd-comment-left "><div class="wpd-avatar "><img'
            f" alt='{_e(comment['author'])}' src='https://secure.gravatar.com/avatar/"
            f"{hashlib.md5(str(comment['author']).encode()).hexdigest()}?s=64&#038;d=mm&#038;r=g'"
            f" class='avatar avatar-64 photo' height='64' width='64' loading='lazy'/></div></div>"
            f'<div id="comment-{cid}" class="wpd-comment-right"><div class="wpd-comment-header">'
            f'<div class="wpd-comment-author ">{_e(comment["author"])}</div>'
            f'<div class="wpd-comment-date" title="{_long_date(at)} {at:%-I:%M %p}">'
            f"<i class='far fa-clock' aria-hidden='true'></i> {_ago(at, now)}</div>"
            f'<div class="wpd-space"></div></div><div class="wpd-comment-text"><p>'
            f'{_e(comment["text"])}</p>\n</div><div class="wpd-comment-footer">'
            f"<div class=\"wpd-vote\"><div class='wpd-vote-result wpd-up' title='0'>0</div></div>"
            f"</div></div></div><div id='wpdiscuz_form_anchor-{cid}_{comment['parent']}'></div>"
            f"{replies}</div>"
        )

    children: dict[object, list[dict[str, object]]] = {}
    for comment in comments:
        children.setdefault(comment["parent"], []).append(comment)

    def thread(parent: object) -> str:
        return "".join(one(c, thread(c["id"])) for c in children.get(parent, []))

    count = len(comments)
    return (
        f"<div id='comments' class='comments-area'><div id='respond'></div>"
        f'<div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-1 wpd-comments-open">'
        f'<div id="wpd-threads" class="wpd-thread-wrapper"><div class="wpd-thread-head">'
        f'<div class="wpd-thread-info " data-comments-count="{count}"><span class=\'wpdtc\''
        f" title='{count}'>{count}</span> COMMENTS</div></div>"
        f'<div class="wpd-thread-list">{thread(0)}<div class="wpdiscuz-comment-pagination">'
        f"</div></div></div></div></div>"
    )


def article_page(
    post: _Post, related: list[_Post], now: datetime
) -> tuple[str, list[str], list[str]]:
    """The article's HTML, its body paragraphs and its tags."""
    rng = random.Random(f"{post.seed}:body")
    writer = _Writer(rng, post.kind, post.published, f"{post.seed}:cast")
    paragraphs = writer.body()
    tags = writer.tags()
    comments = writer.comments(post, now)
    author, author_slug = post.author
    url = post.url
    published = post.published.isoformat()
    modified = post.modified.isoformat()
    description = paragraphs[0]
    image = f"{BASE}wp-content/uploads/{post.published:%Y/%m}/{post.slug[:40]}.jpg"
    caption = f"{writer.cast['ship'] if post.kind == 'naval' else writer.cast['unit']}. Photo: MoD"
    person_id = f"{BASE}#/schema/person/{hashlib.md5(author.encode()).hexdigest()}"
    words = sum(len(paragraph.split()) for paragraph in paragraphs)
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "@id": f"{url}#article",
                "isPartOf": {"@id": url},
                "author": {"name": author, "@id": person_id},
                "headline": post.title,
                "datePublished": published,
                "dateModified": modified,
                "mainEntityOfPage": {"@id": url},
                "wordCount": words,
                "commentCount": len(comments),
                "publisher": {"@id": f"{BASE}#organization"},
                "image": {"@id": f"{url}#primaryimage"},
                "thumbnailUrl": image,
                "keywords": tags,
                "articleSection": ["News"],
                "inLanguage": "en-GB",
                "copyrightYear": str(post.published.year),
                "copyrightHolder": {"@id": f"{BASE}#organization"},
            },
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{post.title} - {SITE_NAME}",
                "isPartOf": {"@id": f"{BASE}#website"},
                "primaryImageOfPage": {"@id": f"{url}#primaryimage"},
                "datePublished": published,
                "dateModified": modified,
                "description": description,
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "inLanguage": "en-GB",
            },
            {
                "@type": "ImageObject",
                "inLanguage": "en-GB",
                "@id": f"{url}#primaryimage",
                "url": image,
                "contentUrl": image,
                "width": 1200,
                "height": 800,
                "caption": caption,
            },
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": BASE},
                    {"@type": "ListItem", "position": 2, "name": post.title},
                ],
            },
            {
                "@type": "WebSite",
                "@id": f"{BASE}#website",
                "url": BASE,
                "name": SITE_NAME,
                "publisher": {"@id": f"{BASE}#organization"},
                "inLanguage": "en-GB",
            },
            {
                "@type": "Organization",
                "@id": f"{BASE}#organization",
                "name": SITE_NAME,
                "url": BASE,
            },
            {
                "@type": "Person",
                "@id": person_id,
                "name": author,
                "url": f"{BASE}author/{author_slug}/",
            },
        ],
    }
    jsonld = json.dumps(graph, ensure_ascii=False).replace("</", "<\\/")
    meta_tags = "\n".join(f'\t<meta property="article:tag" content="{_e(tag)}" />' for tag in tags)
    body_html = "\n".join(f"<p>{_e(paragraph)}</p>" for paragraph in paragraphs)
    tag_links = "".join(
        f'<li><a href="{BASE}tag/{slugify(tag)}/" rel="tag">{_e(tag)}</a></li>' for tag in tags
    )
    related_html = "".join(_teaser(other) for other in related)
    page = f"""<!doctype html >
<!--[if IE 8]>    <html class="ie8" lang="en"> <![endif]-->
<!--[if IE 9]>    <html class="ie9" lang="en"> <![endif]-->
<!--[if gt IE 8]><!--> <html lang="en-GB"> <!--<![endif]-->
<head>
    <title>{_e(post.title)} - {SITE_NAME}</title>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="pingback" href="{BASE}xmlrpc.php" />
    <meta name='robots' content='index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1' />
	<!-- This site is optimized with the Yoast SEO plugin v24.4 - https://yoast.com/wordpress/plugins/seo/ -->
	<meta name="description" content="{_e(description)}" />
	<link rel="canonical" href="{url}" />
	<meta property="og:locale" content="en_GB" />
	<meta property="og:type" content="article" />
	<meta property="og:title" content="{_e(post.title)} - {SITE_NAME}" />
	<meta property="og:description" content="{_e(description)}" />
	<meta property="og:url" content="{url}" />
	<meta property="og:site_name" content="{SITE_NAME}" />
	<meta property="article:published_time" content="{published}" />
	<meta property="article:modified_time" content="{modified}" />
{meta_tags}
	<meta property="og:image" content="{image}" />
	<meta property="og:image:width" content="1200" />
	<meta property="og:image:height" content="800" />
	<meta property="og:image:type" content="image/jpeg" />
	<meta name="author" content="{_e(author)}" />
	<meta name="twitter:card" content="summary_large_image" />
	<meta name="twitter:label1" content="Written by" />
	<meta name="twitter:data1" content="{_e(author)}" />
	<meta name="twitter:label2" content="Est. reading time" />
	<meta name="twitter:data2" content="{max(1, words // 200)} minutes" />
	<script type="application/ld+json" class="yoast-schema-graph">{jsonld}</script>
	<!-- / Yoast SEO plugin. -->
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{FEED}" />
<link rel='stylesheet' id='wpdiscuz-frontend-css-css' href='{BASE}wp-content/plugins/wpdiscuz/themes/default/style.css?ver=7.6.27' type='text/css' media='all' />
<link rel='stylesheet' id='td-theme-css' href='{BASE}wp-content/themes/Newspaper/style.css?ver=12.6.8' type='text/css' media='all' />
<script type="text/javascript" src="{BASE}wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="{BASE}wp-json/" /><link rel="alternate" title="JSON" type="application/json" href="{BASE}wp-json/wp/v2/posts/{post.post_id}" />
<meta name="generator" content="WordPress 6.7.2" />
<link rel='shortlink' href='{BASE}?p={post.post_id}' />
</head>
<body class="post-template-default single single-post postid-{post.post_id} single-format-standard td-standard-pack global-block-template-1 tdb_template_523806 tdb-template td-animation-stack-type0 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
{_HEADER}
<div class="td-main-content-wrap td-container-wrap">
    <div class="tdc-content-wrap">
        <article id="template-id-523806" class="post-523806 tdb_templates type-tdb_templates status-publish post" itemscope itemtype="https://schema.org/Article">
<div class="vc_column tdi_61b  wpb_column vc_column_container tdc-column td-pb-span8"><div class="wpb_wrapper" ><div class="td_block_wrap tdb_breadcrumbs tdi_62 td-pb-border-top td_block_template_1 tdb-breadcrumbs "><div class="tdb-block-inner td-fix-index"><span><a title="" class="tdb-entry-crumb" href="{BASE}">Home</a></span><i class="tdb-bread-sep td-icon-right"></i><span><a title="View all posts in News" class="tdb-entry-crumb" href="{LISTING}">News</a></span><i class="tdb-bread-sep tdb-bred-no-url-last td-icon-right"></i><span class="tdb-bred-no-url-last">{_e(post.title)}</span></div></div><div class="td_block_wrap tdb_title tdi_63 tdb-single-title td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index"><h1 class="tdb-title-text">{_e(post.title)}</h1><div></div><div class="tdb-title-line"></div></div></div><div class="td_block_wrap tdb_single_author tdi_65 td-pb-border-top td_block_template_1 tdb-post-meta"><div class="tdb-block-inner td-fix-index"><div class="tdb-author-name-wrap"><span class="tdb-author-by">By</span> <a class="tdb-author-name" href="{BASE}author/{author_slug}/">{_e(author)}</a></div></div></div><div class="td_block_wrap tdb_single_date tdi_66 td-pb-border-top td_block_template_1 tdb-post-meta"><div class="tdb-block-inner td-fix-index"><time class="entry-date updated td-module-date" datetime="{published}" >{_long_date(post.published)}</time></div></div><div class="td_block_wrap tdb_single_comments_count tdi_68 td-pb-border-top td_block_template_1 tdb-post-meta"><div class="tdb-block-inner td-fix-index"><a href="{url}#comments"><i class="tdb-comm-icon td-icon-comments"></i><span>{len(comments)}</span></a></div></div>{_share_bar("tdi_70", post)}<div class="td_block_wrap tdb_single_featured_image tdi_69 tdb-content-horiz-left td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index"><figure><a href="{image}" data-caption="{_e(caption)}"><img fetchpriority="high" class="entry-thumb td-modal-image" src="{image}" alt="" width="1200" height="800" /></a><figcaption class="tdb-caption-text">{_e(caption)}</figcaption></figure></div></div><div class="td_block_wrap tdb_single_content tdi_72 td-pb-border-top td_block_template_1 td-post-content tagdiv-type"><div class="tdb-block-inner td-fix-index">{body_html}
<!-- CONTENT END 2 -->
</div></div><div class="td_block_wrap tdb_single_tags tdi_73 td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index"><ul class="tdb-tags"><li><span>Tags</span></li>{tag_links}</ul></div></div>{_share_bar("tdi_76", post)}<div class="td_block_wrap tdb_single_author_box tdi_74 tdb-content-vert-top td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index"><div class="tdb-author-info"><a href="{BASE}author/{author_slug}/" class="tdb-author-name">{_e(author)}</a><div class="tdb-author-descr">{_e(author.split()[0])} writes about defence procurement, the Armed Forces and security policy.</div></div></div></div><div class="td_block_wrap tdb_single_related tdi_75 td_with_ajax_pagination td-pb-border-top td_block_template_1 tdb-single-related-posts"><div class="td-block-title-wrap"><h4 class="td-block-title"><span>More Stories</span></h4></div><div id=tdi_75 class="td_block_inner tdb-block-inner td-fix-index">{related_html}</div></div><div class="td_block_wrap tdb_single_comments tdi_77 tdb-comm-layout1 td-pb-border-top td_block_template_1"><div class="tdb-block-inner td-fix-index">{_comments_block(post, comments, now)}</div></div></div></div>
        </article>
    </div>
</div>
{_FOOTER}"""  # noqa: E501
    return page, paragraphs, tags


def listing_page(posts: list[_Post], page: int, pages: int) -> str:
    url = LISTING if page == 1 else f"{LISTING}page/{page}/"
    next_url = f"{LISTING}page/{page + 1}/" if page < pages else None
    previous_url = (LISTING if page == 2 else f"{LISTING}page/{page - 1}/") if page > 1 else None
    links = ""
    if previous_url:
        links += f'\t<link rel="prev" href="{previous_url}" />\n'
    if next_url:
        links += f'\t<link rel="next" href="{next_url}" />\n'
    teasers = []
    for post in posts:
        author, author_slug = post.author
        image = f"{BASE}wp-content/uploads/{post.published:%Y/%m}/{post.slug[:40]}-218x150.jpg"
        teasers.append(
            f"""        <div class="td_module_10 td_module_wrap td-animation-stack">
            <div class="td-module-thumb"><a href="{post.url}" rel="bookmark" class="td-image-wrap " title="{_e(post.title)}"><img width="218" height="150" class="entry-thumb" src="{image}" alt="" title="{_e(post.title)}" /></a></div>
            <div class="item-details">
            <h3 class="entry-title td-module-title"><a href="{post.url}" rel="bookmark" title="{_e(post.title)}">{_e(post.title)}</a></h3>
                <div class="td-module-meta-info">
                    <span class="td-post-author-name"><a href="{BASE}author/{author_slug}/">{_e(author)}</a> <span>-</span> </span>                    <span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{post.published.isoformat()}" >{_long_date(post.published)}</time></span>
                </div>
            </div>
        </div>
"""  # noqa: E501
        )
    nav = f'<span class="current">{page}</span>'
    if next_url:
        nav += (
            f'<a href="{next_url}" class="page" title="{page + 1}">{page + 1}</a>'
            f'<a href="{next_url}" ><i class="td-icon-menu-right"></i></a>'
        )
    nav += f'<span class="pages">Page {page} of {pages}</span><div class="clearfix"></div>'
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "CollectionPage",
                "@id": url,
                "url": url,
                "name": f"News Archives - Page {page} of {pages} - {SITE_NAME}",
                "isPartOf": {"@id": f"{BASE}#website"},
                "inLanguage": "en-GB",
            },
            {"@type": "WebSite", "@id": f"{BASE}#website", "url": BASE, "name": SITE_NAME},
        ],
    }
    return f"""<!doctype html >
<html lang="en-GB">
<head>
    <title>News Archives - Page {page} of {pages} - {SITE_NAME}</title>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
	<link rel="canonical" href="{url}" />
{links}	<meta property="og:locale" content="en_GB" />
	<meta property="og:type" content="website" />
	<meta property="og:title" content="News Archives - {SITE_NAME}" />
	<meta property="og:url" content="{url}" />
	<meta property="og:site_name" content="{SITE_NAME}" />
	<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; News Category Feed" href="{LISTING}feed/" />
<meta name="generator" content="WordPress 6.7.2" />
</head>
<body class="archive category category-news category-2 td-standard-pack global-block-template-1 td-animation-stack-type0 td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">
{_HEADER}
<div class="td-main-content-wrap td-container-wrap">
    <div class="td-container ">
        <div class="td-pb-row">
            <div class="td-pb-span8 td-main-content">
                <div class="td-ss-main-content">
                    <div class="td-page-header"><h1 class="entry-title td-page-title"><span>News</span></h1></div>
{"".join(teasers)}
                    <div class="page-nav td-pb-padding-side">{nav}</div>
                </div>
            </div>
        </div>
    </div>
</div>
{_FOOTER}"""  # noqa: E501


def feed(posts: list[_Post], bodies: dict[int, tuple[list[str], list[str]]], now: datetime) -> str:
    items = []
    for post in posts:
        paragraphs, tags = bodies[post.index]
        categories = "".join(f"\t\t<category><![CDATA[{tag}]]></category>\n" for tag in tags)
        content = "\n".join(f"<p>{_e(paragraph)}</p>" for paragraph in paragraphs)
        items.append(
            f"""	<item>
		<title>{_e(post.title)}</title>
		<link>{post.url}</link>
		<comments>{post.url}#comments</comments>
		<dc:creator><![CDATA[{post.author[0]}]]></dc:creator>
		<pubDate>{format_datetime(post.published)}</pubDate>
{categories}		<guid isPermaLink="false">{BASE}?p={post.post_id}</guid>
		<description><![CDATA[{paragraphs[0][:200]} [&#8230;]]]></description>
		<content:encoded><![CDATA[{content}]]></content:encoded>
	</item>
"""
        )
    built = format_datetime(posts[0].modified if posts else now)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>
<channel>
	<title>{SITE_NAME}</title>
	<atom:link href="{FEED}" rel="self" type="application/rss+xml" />
	<link>{BASE}</link>
	<description>Independent news and analysis on defence and security</description>
	<lastBuildDate>{built}</lastBuildDate>
	<language>en-GB</language>
	<generator>https://wordpress.org/?v=6.7.2</generator>
{"".join(items)}</channel>
</rss>
"""


ROBOTS = """User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php
Disallow: /?s=
Disallow: /search/
Disallow: /wp-json/
"""


def outlet_config() -> dict[str, object]:
    """The outlet file for the synthetic site: no selectors, so the generic path reads it."""
    return {
        "outlets": [
            {
                "key": OUTLET_KEY,
                "name": SITE_NAME,
                "allowed_domains": [HOST],
                "language": "en",
                "article_url_pattern": rf"^https://{re.escape(HOST)}/[^/?#]+/?$",
                "start": {"feeds": [FEED], "listings": [LISTING]},
            }
        ]
    }


def build_site(
    folder: str | Path,
    articles: int,
    *,
    per_page: int = PER_PAGE,
    per_day: int = PER_DAY,
    seed: str = "synthetic-defence",
    now: datetime | None = None,
) -> SyntheticSite:
    """Write a replay folder of ``articles`` article pages (plus feed, listings, robots.txt)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    posts = plan_posts(articles, now=now, per_day=per_day, seed=seed)
    pages = max(1, -(-articles // per_page))
    written = 0
    served_at = http_date(now)

    def save(relative: str, body: bytes) -> None:
        nonlocal written
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        written += len(body)

    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest:

        def entry(
            url: str, relative: str, body: bytes, content_type: str, modified: datetime
        ) -> None:
            save(relative, body)
            headers = {
                "Content-Type": content_type,
                "Date": served_at,
                "ETag": _etag(body),
                "Last-Modified": http_date(modified),
            }
            line = {"url": url, "path": relative, "status": 200, "headers": headers}
            manifest.write(json.dumps(line, ensure_ascii=False) + "\n")

        newest = posts[0].modified if posts else now
        entry(
            f"{BASE}robots.txt",
            f"{HOST}/robots.txt",
            ROBOTS.encode(),
            "text/plain; charset=utf-8",
            now - timedelta(days=400),
        )
        feed_bodies: dict[int, tuple[list[str], list[str]]] = {}
        for post in posts:
            related = [posts[j] for j in (post.index + 1, post.index + 2, post.index + 3)
                       if j < len(posts)]  # fmt: skip
            page, paragraphs, tags = article_page(post, related, now)
            if post.index < FEED_ITEMS:
                feed_bodies[post.index] = (paragraphs, tags)
            entry(
                post.url,
                f"{HOST}/{post.published:%Y/%m}/{post.slug}.html",
                page.encode("utf-8"),
                "text/html; charset=UTF-8",
                post.modified,
            )
        entry(
            FEED,
            f"{HOST}/feed.xml",
            feed(posts[:FEED_ITEMS], feed_bodies, now).encode("utf-8"),
            "application/rss+xml; charset=UTF-8",
            newest,
        )
        for page in range(1, pages + 1):
            chunk = posts[(page - 1) * per_page : page * per_page]
            url = LISTING if page == 1 else f"{LISTING}page/{page}/"
            entry(
                url,
                f"{HOST}/category/news/page-{page}.html",
                listing_page(chunk, page, pages).encode("utf-8"),
                "text/html; charset=UTF-8",
                chunk[0].modified if chunk else now,
            )

    outlets_file = folder / "outlets.json"
    outlets_file.write_text(json.dumps(outlet_config(), indent=2) + "\n", encoding="utf-8")
    oldest = posts[-1].published if posts else now
    return SyntheticSite(
        folder=folder,
        outlets_file=outlets_file,
        articles=articles,
        listing_pages=pages,
        since=oldest.astimezone(UTC).date(),
        until=now.astimezone(UTC).date(),
        built_at=now,
        bytes_written=written,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the replay folder")
    parser.add_argument("--articles", type=int, default=2000, help="article pages (2000)")
    parser.add_argument("--per-page", type=int, default=PER_PAGE, help="teasers per listing page")
    parser.add_argument("--per-day", type=int, default=PER_DAY, help="articles per day")
    args = parser.parse_args()
    site = build_site(args.folder, args.articles, per_page=args.per_page, per_day=args.per_day)
    print(
        f"{site.articles} articles, {site.listing_pages} listing pages, "
        f"{site.bytes_written / 1e6:.1f} MB in {site.folder}\n"
        f"scrapy crawl defence_news {' '.join(site.crawl_options())} "
        f"-a since={site.since} -a until={site.until}"
    )


if __name__ == "__main__":
    main()
