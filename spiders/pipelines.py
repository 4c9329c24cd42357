"""The crawl's item pipeline: into the store (``auditor.ingest``), or — on a Scrapyd node, which
has no store — out to Scrapyd's items feed as JSON, for the coordinator to merge.

Column summaries are written when the spider closes (a crawl killed before that leaves its
columns marked incomplete, never complete); on a node they travel as the feed's last item.
"""

from __future__ import annotations

import resource
from typing import Any

from auditor.ingest import CrawlWriter, feed_item
from auditor.store import Store


class StorePipeline:
    def open_spider(self, spider: Any) -> None:
        self.writer = CrawlWriter(Store(spider.db_path), spider.run_id) if spider.db_path else None

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        if self.writer is None:
            return feed_item(item)
        self.writer.add(item)
        return item

    def close_spider(self, spider: Any) -> None:
        if self.writer is None:
            return
        requests = spider.crawler.stats.get_value("downloader/request_count") or 0
        self.writer.finish_crawl(spider.column_rows(), spider.limit_rows(), requests)
        self.writer.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.writer.store.record_stats(spider.run_id, {"crawl_peak_rss_mib": round(peak, 1)})
        self.writer.store.close()
