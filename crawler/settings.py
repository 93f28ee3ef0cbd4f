"""Project settings: only what differs from Scrapy's defaults, each with its reason.

Project settings carry one prefix per component: ``REPLAY_*`` (offline
replay), ``CORPUS_*`` (the corpus store and its snapshot), ``NEWS_*`` (the
news spider), ``HANSARD_*`` (the Hansard spider), ``SENEDD_*`` (the Senedd
spider), ``NORMALISE_*``,
``DEDUP_*``, ``LINKING_*``, ``FETCH_*`` (conditional re-fetching, retries),
``MONITOR_*`` (field coverage), ``PAGECHECK_*`` (decoding and refusing bad
pages), ``WARC_*`` (capture of the fetched pages) and ``CRAWL_*`` (what the
operator sees: progress, lost pages, the stats file).
"""

from __future__ import annotations

# The project's name and where `scrapy crawl` and `scrapy genspider` find spiders.
BOT_NAME = "defence-hansard-corpus"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` and `scrapy export` are the project's own: crawl adds an exit
# status that reflects errors; export writes researcher snapshots.
COMMANDS_MODULE = "crawler.commands"

# --- Politeness on the live sites -------------------------------------------
# A contact address lets site operators reach whoever runs the crawl; set it
# with `-s CONTACT=you@example.org` (it is appended to the User-Agent).
CONTACT = ""
# Names the crawler and where to read about it, instead of Scrapy's generic agent.
USER_AGENT = (
    "defence-hansard-corpus/0.1 (research crawler; "
    "+https://github.com/defence-hansard-corpus/defence-hansard-corpus)"
)
# The sites' robots.txt is obeyed, and requests are spaced by how fast they answer.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# Pages of these sites answer in well under a few seconds; a stuck connection
# should not hold a scheduled run for Scrapy's default three minutes.
DOWNLOAD_TIMEOUT = 30
# No article or debate page comes near this; anything larger is not a page we want.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# A transient error is tried twice more; more would only slow an unattended run.
RETRY_TIMES = 2
# A page given up after its retries is reported as a lost page (crawler.lostpages),
# which fails the crawl; an ERROR line as well would count it twice.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# A 429/503 retry waits the server's Retry-After, at most this many seconds;
# a longer wait loses the page instead of holding a scheduled run for hours.
FETCH_RETRY_AFTER_MAX = 120
# Without a Retry-After, a 429/503 retry waits this many seconds, doubled each retry.
FETCH_RETRY_BACKOFF = 1.0
# Scheduled runs are unattended: no telnet console or remote-control port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Scrapy's HTTP cache would be a second source of truth; the corpus store
# decides what needs fetching again (the store's pages table, read by
# crawler/conditional.py).
HTTPCACHE_ENABLED = False

# --- Offline replay ------------------------------------------------------------
# `-s REPLAY_DIR=sample_pages` answers every request from a saved snapshot.
# The handler passes requests to Scrapy's own HTTP handler when it is unset.
REPLAY_DIR = ""
# Replaying WARC files: a URL captured several times answers with its latest
# capture, or with "capture_order" the captures in turn, as the original crawl saw them.
REPLAY_WARC_REVISITS = "latest"

# Add-ons adjust other settings before the crawl starts.
ADDONS = {
    # With REPLAY_DIR set: answers every request from the snapshot, no delays.
    "crawler.replay.ReplayAddon": 0,
    # Appends CONTACT to the User-Agent.
    "crawler.addons.ContactAddon": 10,
}

# Scrapy's downloader middlewares replaced by ones that report what they drop, and
# the project's own checks; each entry says why.
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's offsite filter, with configured start points always allowed and
    # every filtered request reported as a lost page.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.offsite.ReportingOffsiteMiddleware": 50,
    # Scrapy's robots.txt check, applied to every request that waited for the file.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtMiddleware": 100,
    # Scrapy's retries, honouring Retry-After and backing off on 429/503.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.RetryAfterMiddleware": 550,
    # Closest to the downloader, after redirects are resolved (600) and where
    # Scrapy's own HTTP cache (900, disabled above) would sit.
    "crawler.conditional.ConditionalRequestMiddleware": 890,
    # Scrapy's decompression, reporting a body that inflates past DOWNLOAD_MAXSIZE as lost.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.pagecheck.middleware.ReportingHttpCompressionMiddleware": 590,
    # Right after decompression, before anything reads the text: encoding by evidence.
    "crawler.pagecheck.decoding.EvidenceDecodingMiddleware": 585,
    # Below retries (550): refuses truncated bodies, consent walls, soft 404s, empty pages.
    "crawler.pagecheck.middleware.PageCheckMiddleware": 540,
    # Closest to the downloader: writes each response as received (before decompression).
    "crawler.warc.capture.WarcCaptureMiddleware": 950,
}
# Switches for the page checks (crawler/pagecheck/): decoding by evidence, and
# refusing pages that are truncated or hold no content.
PAGECHECK_DECODING_ENABLED = True
PAGECHECK_ENABLED = True
# Stored pages are fetched again only when they may have changed, with
# If-None-Match/If-Modified-Since (crawler/conditional.py).
FETCH_CONDITIONAL_ENABLED = True
# A stored page whose record is older than this many days is not fetched again
# (0: recheck everything, with conditional requests).
FETCH_SETTLE_AFTER_DAYS = 30

# What stands between the spiders and the pipelines; each entry says why.
SPIDER_MIDDLEWARES = {
    # Every request a spider yields is read or reported lost (crawler.lostpages).
    "crawler.lostpages.LostPagesMiddleware": 60,
    # Puts the WARC record of the page on every record parsed from it.
    "crawler.warc.source.WarcSourceMiddleware": 950,
    # Closest to the spider: a page whose parser raises is a lost page, not a crash.
    "crawler.pagecheck.middleware.ParserErrorMiddleware": 960,
}

# The store, the coverage monitor and the operator's log lines; each entry says why.
EXTENSIONS = {
    # Takes the corpus lock, holds the store open, writes the snapshot at the end.
    "crawler.corpus.extension.CorpusStoreExtension": 100,
    # Fails a crawl whose records lack fields they should have (a layout change).
    "crawler.monitors.CoverageMonitor": 110,
    # Logs the crawl's scope at the start, progress lines, and what changed at the end.
    "crawler.progress.CrawlReport": 120,
    # Keeps start-up objects out of the garbage collector's passes (crawler/gcfreeze.py).
    "crawler.gcfreeze.FreezeStartupObjects": 130,
}
# Full garbage-collector passes walk every start-up object again; freezing them saves that.
GC_FREEZE_AFTER_STARTUP = True

# --- What the operator sees ------------------------------------------------------
# The log states the crawl's scope, its progress and what changed (crawler/progress.py).
CRAWL_REPORT_ENABLED = True
# Seconds between progress lines in the log (0: none).
CRAWL_PROGRESS_INTERVAL = 60
# Lost pages fail the crawl; an operator may tolerate this many (listed all the same).
CRAWL_LOST_PAGES_TOLERATED = 0
# How many lost pages the end of the log lists (the stats keep them all).
CRAWL_LOST_PAGES_LISTED = 20
# A file to write the crawl's final stats to as JSON, for scripts (empty: none).
CRAWL_STATS_FILE = ""

# --- The corpus ----------------------------------------------------------------
# The folder of the store, its lock and its JSONL snapshot (empty: no store).
CORPUS_DIR = "corpus"
# The JSONL files are rewritten from the store at the end of every crawl.
CORPUS_SNAPSHOT = True
# Store writes are committed in batches, every this many items or seconds: each
# commit rewrites every index page it touched (in a 2,000-article crawl 1.15 pages
# per article with 200-item batches, 0.42 with 1,000); a kill loses at most one batch.
CORPUS_COMMIT_ITEMS = 1000
CORPUS_COMMIT_SECONDS = 30.0

# --- The news spider (crawler/spiders/defence_news.py) ---------------------------
# The outlet configuration the news spider reads (empty: crawler/outlets.json).
NEWS_OUTLETS_FILE = ""
# How deep listing pagination may go, for listings that print no dates.
NEWS_LISTING_MAX_PAGES = 20
# Reader comments under articles are read with the article.
NEWS_COMMENTS_ENABLED = True

# --- Linking (pipelines/linking.py) ------------------------------------------------
# Articles are linked to the speeches they quote as they are stored.
LINKING_ENABLED = True
# A quoted debate may be at most this many days older than the article: past
# it, a matching speech is a repeated phrase, not the one quoted.
LINKING_WINDOW_DAYS = 30

# --- The Hansard spider (crawler/spiders/hansard.py) ------------------------------
# Host per interface over crawler/data/twfy.json's, so a mirror can be crawled like the site.
HANSARD_HOSTS: dict[str, str] = {}
# Host member pages are read from; empty: the English interface's (they are English-only).
HANSARD_MEMBER_HOST = ""

# --- The official Hansard spider (crawler/spiders/hansard_api.py) ------------------
# Empty: crawler/data/hansard_api.json's host; set one to crawl a mirror of the Hansard API.
HANSARD_API_HOST = ""
# Empty: crawler/data/hansard_api.json's Members API host; set one to read a mirror.
HANSARD_API_MEMBERS_HOST = ""

# --- The Senedd spider (crawler/spiders/senedd.py) --------------------------------
# Host of the Record's XML export; empty: crawler/data/senedd.json's (set for a mirror).
SENEDD_RECORD_HOST = ""
# Host of the member lists in both languages; empty: crawler/data/senedd.json's.
SENEDD_MEMBERS_HOST = ""

# --- WARC capture (crawler/warc/) ----------------------------------------------
# Every fetched page is kept, so records can be traced to the bytes and re-extracted.
WARC_ENABLED = True
# Empty: the corpus folder's warc/ subfolder.
WARC_DIR = ""
# A new file is started past this size: files small enough to copy and check one by one.
WARC_MAX_FILE_SIZE = 100 * 1024 * 1024
# The oldest files go once the folder holds more than this many bytes (0: keep everything).
WARC_RETENTION_MAX_BYTES = 0

# Merge each copy with the stored record, normalise the merged record once,
# store it, then link it: gaps leave room for more.
ITEM_PIPELINES = {
    # Flags text with U+FFFD (undecodable bytes) on the record as parsed.
    "pipelines.pagecheck.ReplacementCharacterPipeline": 150,
    "pipelines.merge.ArticleMergePipeline": 300,
    "pipelines.merge.DebateMergePipeline": 310,
    "pipelines.dates.DateNormalisationPipeline": 400,
    "pipelines.parties.PartyNormalisationPipeline": 410,
    "pipelines.corpus.ArticleCorpusPipeline": 500,
    "pipelines.corpus.DebateCorpusPipeline": 510,
    "pipelines.linking.LinkingPipeline": 600,
}

# --- Parliamentary sources (crawler/defence.py) --------------------------------
# Empty: the packaged crawler/data/defence_terms.json; else a file of the same shape.
# The parliamentary spiders keep business whose title names one of its terms (-a all=1: all).
PARLIAMENT_DEFENCE_TERMS_FILE = ""

# --- Normalisation (pipelines/dates.py, pipelines/parties.py) ------------------
# Where a debate's English and Welsh pages disagree (party label, lead-line
# date, speaker…), this interface's page wins: the site's original language.
NORMALISE_PREFERRED_INTERFACE = "en"
# Switches for the date and party normalisers.
NORMALISE_DATES_ENABLED = True
NORMALISE_PARTIES_ENABLED = True
# Times printed without a zone are UK times: the sites and Parliament are in London.
NORMALISE_DATES_TIMEZONE = "Europe/London"
# Raw date strings kept in the normaliser's cache: pages repeat the same few stamps.
NORMALISE_DATES_CACHE_SIZE = 4096
# How many unreadable date strings the end of the log lists.
NORMALISE_DATES_SUMMARY_SIZE = 20
# Empty: the packaged crawler/data/parties.csv; else a table in the same format.
NORMALISE_PARTIES_TABLE = ""

# --- Deduplication (pipelines/merge.py, pipelines/corpus.py) -------------------
# Estimated Jaccard similarity of two articles' text at which one is a near-copy
# (syndication with a few edited sentences stays above it, unrelated stories far below).
DEDUP_NEAR_COPY_THRESHOLD = 0.5

# --- Monitors (crawler/monitors.py) -------------------------------------------
MONITOR_ENABLED = True
# Lowest share of this crawl's records that must have each field; below it the
# crawl fails. Set from the sample corpus with room for pages that lack a field
# (the Speaker's lines, a member whose page is gone).
MONITOR_MIN_COVERAGE = {
    "article.title": 0.9,
    "article.published": 0.8,
    "article.text": 0.9,
    "debate.speech.person_id": 0.8,
    "debate.speech.party": 0.8,
}
# With fewer records of a kind than this, one page without a field is a large
# share: coverage is not checked for that kind.
MONITOR_MIN_RECORDS = 5

# --- Output hygiene ------------------------------------------------------------
# Feeds (-o) keep Welsh and other non-ASCII text as it is, not as \u escapes.
FEED_EXPORT_ENCODING = "utf-8"
# Scrapy logs every scraped item at DEBUG: too much for a scheduled run's log.
LOG_LEVEL = "INFO"
