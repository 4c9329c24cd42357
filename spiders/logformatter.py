"""The crawl's log formatter: Scrapy's, without building records the log level drops."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter
from scrapy.http import Request, Response


class LogFormatter(logformatter.LogFormatter):
    """Scrapy builds a ``Crawled (200) <GET …>`` record for every response (reading the request's
    Referer for it) and only its log handler then drops it below ``LOG_LEVEL``: about 1% of the
    crawl's CPU (py-spy, ``bench/province.py``) for nothing at the default ``INFO``."""

    def __init__(self, level: int):
        self.crawled_logged = level <= logging.DEBUG

    @classmethod
    def from_crawler(cls, crawler: Any) -> LogFormatter:
        if not crawler.settings.getbool("LOG_ENABLED"):
            return cls(logging.CRITICAL + 1)
        level = crawler.settings.get("LOG_LEVEL")
        return cls(level if isinstance(level, int) else logging.getLevelName(str(level).upper()))

    def crawled(self, request: Request, response: Response, spider: Any) -> logformatter.LogFormatterResult | None:
        return super().crawled(request, response, spider) if self.crawled_logged else None
