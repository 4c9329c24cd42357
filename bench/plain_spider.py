"""Baseline for bench/crawl_demo.py: a bare Scrapy spider that fetches a list of URLs and does
nothing with them (no parsing, no store)."""

from __future__ import annotations

from pathlib import Path

import scrapy


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, urls: str, **kwargs):
        super().__init__(**kwargs)
        self.url_list = Path(urls).read_text(encoding="utf-8").split()

    async def start(self):
        for url in self.url_list:
            yield scrapy.Request(url, callback=self.parse, meta={"handle_httpstatus_all": True})

    def parse(self, response):
        return None
