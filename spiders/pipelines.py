"""Write the spider's items to the store in batches, each batch one transaction.

Bodies go to the content-addressed ``bodies`` table; the column summaries are written when the
spider closes (a crawl killed before that leaves its columns marked incomplete, never complete).
"""

from __future__ import annotations

import json
import time
from typing import Any

from auditor import __version__
from auditor.evidence import EvidenceWriter, tool_commit, warc_path
from auditor.incremental import carry
from auditor.store import Store

BATCH_ROWS = 400
BATCH_SECONDS = 2.0
JSON_FIELDS = {"raw", "conflicts"}
BUREAU_UPDATES = {"bureau_profile", "bureau_done"}  # items that update a bureau's row


class StorePipeline:
    def open_spider(self, spider: Any) -> None:
        self.store = Store(spider.db_path)
        run = self.store.run(spider.run_id)
        path = warc_path(self.store.path, spider.run_id)
        self.evidence = EvidenceWriter(path, {
            "software": f"zwgk-auditor {__version__}", "commit": tool_commit() or "unknown",
            "command": run["command"], "catalogue-version": run["catalogue_version"],
            "run": spider.run_id, "audit-date": run["audit_date"], "format": "WARC File Format 1.1"})
        self.warc_name = str(path.relative_to(self.store.path.parent))
        self.buffer: dict[str, list[dict[str, Any]]] = {}
        self.carried: list[dict[str, Any]] = []  # known documents of a re-audit, copied from their run
        self.run_id = spider.run_id
        self.bodies: list[bytes] = []
        self.pending = 0
        self.last_flush = time.monotonic()

    def process_item(self, item: dict[str, Any], spider: Any) -> dict[str, Any]:
        """Buffer an item (or a response's bundle of items); commit between items, never inside one."""
        for part in item["items"] if item["_table"] == "bundle" else [item]:
            self._add(part)
        if self.pending >= BATCH_ROWS or time.monotonic() - self.last_flush > BATCH_SECONDS:
            self.flush()
        return item

    def _add(self, item: dict[str, Any]) -> None:
        row = dict(item)
        table = row.pop("_table")
        if table == "carry":
            self.carried.append(row)
            self.pending += 1
            return
        body = row.pop("_body", None)
        headers, request_headers = row.pop("_headers", None), row.pop("_request_headers", None)
        if table == "pages" and body is not None and row.get("status") is not None:
            record, offset = self.evidence.write(row["url"], row["status"], headers or [], body,
                                                 row.get("fetched_at"), request_headers or [])
            row.update(warc_file=self.warc_name, warc_record=record, warc_offset=offset)
        if body is not None and row.get("status") == 200:
            self.bodies.append(body)
        for key in JSON_FIELDS & row.keys():
            row[key] = json.dumps(row[key], ensure_ascii=False)
        self.buffer.setdefault(table, []).append(row)
        self.pending += 1

    def flush(self) -> None:
        self.evidence.flush()  # records first: a committed row never cites an unwritten record
        with self.store.transaction():
            for body in self.bodies:
                self.store.put_body(body)
            for table, rows in self.buffer.items():
                if table in BUREAU_UPDATES:
                    for row in rows:
                        self.store.db["bureaus"].update((row["run_id"], row["id"]),
                                                        {k: v for k, v in row.items() if k not in ("run_id", "id")})
                else:
                    self.store.upsert_many(table, rows)
            for row in self.carried:
                carry(self.store, self.run_id, row["previous"], row["url"])
        self.carried.clear()
        self.buffer.clear()
        self.bodies.clear()
        self.pending = 0
        self.last_flush = time.monotonic()

    def close_spider(self, spider: Any) -> None:
        self.flush()
        self.evidence.close()  # the WARC gets its final name only once complete
        requests = spider.crawler.stats.get_value("downloader/request_count") or 0
        with self.store.transaction():
            self.store.db.execute("UPDATE runs SET stats = json_set(COALESCE(stats, '{}'), '$.requests', ?) WHERE id = ?",
                                  [requests, spider.run_id])
        with self.store.transaction():
            self.store.upsert_many("columns", spider.column_rows())
            for row in spider.limit_rows():
                self.store.db["bureaus"].update((row["run_id"], row["id"]), {"crawl_limits": row["crawl_limits"]})
        self.store.close()
