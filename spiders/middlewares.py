"""Downloader middlewares: retries that wait, and redirects that stay on the bureau's site.

``BackoffRetryMiddleware`` replaces Scrapy's ``RetryMiddleware`` (same settings, same
``get_retry_request``) and only adds the wait a fragile server asks for: the ``Retry-After``
of a 429/503 (seconds or an HTTP date, capped), else an exponential backoff with jitter. The
wait is asynchronous, so other hosts keep crawling meanwhile.

``TruncatedBodyMiddleware`` refuses a gzip body that ends early: Scrapy would inflate what
arrived, and half a page read as a whole one invents missing metadata.

``OffsiteRedirectMiddleware`` refuses a redirect (HTTP or meta refresh) that leaves the
bureau's hosts: the audit checks the bureau's own site and must not wander onto others.

``QuickMetaRefreshMiddleware`` is Scrapy's ``MetaRefreshMiddleware`` without decoding every
page to learn that it has no ``<meta http-equiv="refresh">`` (4% of the crawl's CPU).
"""

from __future__ import annotations

import email.utils
import random
import time
import zlib
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater


def retry_after(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any):
        super().__init__(settings)
        self.base = settings.getfloat("AUDITOR_RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("AUDITOR_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_cap = settings.getfloat("AUDITOR_RETRY_AFTER_MAX", 120.0)

    def _delay(self, request: Request, response: Response | None) -> float:
        asked = retry_after(response.headers.get("Retry-After")) if response is not None else None
        if asked is not None:
            return min(asked, self.retry_after_cap)
        tries = request.meta.get("retry_times", 0)
        return min(self.cap, self.base * 2 ** tries) * random.uniform(0.5, 1.0)

    async def _wait_and_retry(self, request: Request, reason: Any, response: Response | None) -> Request | None:
        retry = self._retry(request, reason)
        if retry is None:
            return None
        delay = self._delay(request, response)
        retry.meta["retry_waited"] = round(request.meta.get("retry_waited", 0.0) + delay, 2)
        if delay > 0:
            from twisted.internet import reactor  # the one Scrapy installed

            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        return retry

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        return await self._wait_and_retry(request, f"HTTP {response.status}", response) or response

    async def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        return await self._wait_and_retry(request, exception, None)


class OffsiteRedirectMiddleware:
    """Drop a redirected request whose host is not one of its bureau's (see the module doc)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffsiteRedirectMiddleware:
        middleware = cls()
        middleware.crawler = crawler
        return middleware

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get("redirect_urls"):
            return None
        spider = self.crawler.spider
        bureau = spider.bureaus.get(request.meta.get("bureau", ""))
        parts = urlsplit(request.url)
        if bureau is not None and (parts.scheme not in ("http", "https") or parts.netloc.lower() not in bureau.hosts):
            spider.crawler.stats.inc_value("auditor/offsite_redirects")
            raise IgnoreRequest(f"redirected off-site to {request.url}")
        return None


class TruncatedBody(Exception):
    """A compressed body that ends before its compressed stream does."""


class TruncatedBodyMiddleware:
    """See the module doc; runs on the raw response, before Scrapy's decompression."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        encoding = response.headers.get("Content-Encoding", b"").lower()
        if encoding not in (b"gzip", b"x-gzip") or not response.body:
            return response
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            inflater.decompress(response.body)
        except zlib.error as exc:
            raise TruncatedBody(f"damaged gzip body ({exc})") from None
        if not inflater.eof:
            raise TruncatedBody(f"truncated gzip body ({len(response.body)} bytes received)")
        return response


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy decodes a page's whole body to look for a refresh in its first 4,096 characters; a
    page whose first 16 KiB (4,096 characters at most, in UTF-8 or GB18030) do not spell "refresh"
    in any case has none. Bytes with a NUL in them (UTF-16, UTF-32) are read the long way."""

    HEAD_BYTES = 4 * 4096

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if not isinstance(response, HtmlResponse):
            return response
        head = response.body[:self.HEAD_BYTES]
        if b"\x00" not in head and b"refresh" not in head.lower():
            return response
        return super().process_response(request, response)
