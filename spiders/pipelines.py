"""The crawl's item pipeline: into the store through a writer process (``auditor.writer``), or —
on a Scrapyd node, which has no store — out to Scrapyd's items feed as JSON, for the coordinator
to merge.

Column summaries are written when the spider closes (a crawl killed before that leaves its
columns marked incomplete, never complete); on a node they travel as the feed's last item.
"""

from __future__ import annotations

import logging
import os
import resource
from typing import Any, NoReturn

from auditor.ingest import feed_item
from auditor.writer import WRITER_FAILED_EXIT, WriterFailed, WriterProcess

logger = logging.getLogger(__name__)


def _abort(error: WriterFailed) -> NoReturn:
    logger.critical("the store writer failed, stopping the crawl: %s", error)
    logging.shutdown()
    os._exit(WRITER_FAILED_EXIT)


class StorePipeline:
    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.writer = WriterProcess(spider.db_path, spider.run_id) if spider.db_path else None
        if self.writer is not None:
            spider.item_sink = self.process_item  # bundles skip Scrapy's item machinery (see the spider)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if self.writer is None:
            return feed_item(item)
        try:
            self.writer.add(item)
        except WriterFailed as error:
            _abort(error)
        return item

    def close_spider(self) -> None:
        if self.writer is None:
            return
        spider = self.crawler.spider
        requests = self.crawler.stats.get_value("downloader/request_count") or 0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        stats = {"crawl_peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
                 "crawl_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
                 "crawl_handover_seconds": round(self.writer.waited, 2),
                 "crawl_gc_seconds": round(self.crawler.stats.get_value("gc/seconds") or 0, 2),
                 "crawl_gc_collections": self.crawler.stats.get_value("gc/collections") or 0}
        try:
            self.writer.finish(spider.column_rows(), spider.limit_rows(), requests, stats)
        except WriterFailed as error:
            _abort(error)
