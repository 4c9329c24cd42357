"""Scrapy settings: polite by default.

County servers are fragile, so the crawl keeps to two requests at a time per host, lets
AutoThrottle slow down further when a server is slow, times out, caps page size, obeys
robots.txt and names itself in the User-Agent so a bureau can whitelist it.
"""

from auditor import USER_AGENT as AUDITOR_USER_AGENT

BOT_NAME = "zwgk_auditor"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

USER_AGENT = AUDITOR_USER_AGENT
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 32
# Items are written synchronously, one bundle per response; Scrapy would start this many asyncio
# tasks for every response's output (100 by default: ~15% of the crawl's CPU, bench/province.py).
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429, 522, 524]
REDIRECT_MAX_TIMES = 5
# Retries wait: Retry-After when a server sends it (capped), else exponential backoff with jitter.
AUDITOR_RETRY_BACKOFF_BASE = 1.0
AUDITOR_RETRY_BACKOFF_MAX = 30.0
AUDITOR_RETRY_AFTER_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.OffsiteRedirectMiddleware": 50,  # before robots.txt: no foreign robots fetched
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    "spiders.middlewares.TruncatedBodyMiddleware": 595,  # sees the body before decompression (590)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "spiders.middlewares.QuickMetaRefreshMiddleware": 580,  # the same redirects, cheaper (see there)
}

# Per-site budget, so that a calendar-like endless list cannot hold the audit.
AUDITOR_MAX_PAGES_PER_SITE = 20000
AUDITOR_MAX_REQUESTS_PER_HOST = 200000  # a shared platform host serves many bureaus
AUDITOR_MAX_LIST_PAGES = 1000  # per column: a calendar-like endless list stops here
AUDITOR_MAX_NAV_DEPTH = 3

# The spider hands the requests a page gives straight to the engine and sets their Referer itself
# (see DisclosureSpider._guarded; RefererMiddleware stays for redirects); it keeps its own
# navigation depth and builds meta afresh.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {"spiders.pipelines.StorePipeline": 300}
# Python's cyclic collector every 20,000 net allocations, not 700, and nothing loaded at start
# scanned again (spiders.extensions.CollectorTuning); 0 keeps Python's defaults.
EXTENSIONS = {"spiders.extensions.CollectorTuning": 0}
AUDITOR_GC_THRESHOLD = 20000
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy ≥ 2.19's control port, like the telnet console: not for an audit
LOG_LEVEL = "INFO"
LOG_FORMATTER = "spiders.logformatter.LogFormatter"  # no per-page record built to be dropped
