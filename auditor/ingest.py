"""Write crawl items into the store: the one path from a crawl to SQLite and the WARC evidence.

The crawl's pipeline uses it while the spider runs; a distributed audit (``auditor.scaleout``)
uses it to merge the items Scrapyd nodes exported. Items are buffered and committed in batches,
each batch one transaction, never splitting a response's bundle; bodies go to the run's WARC
file only (records first: a committed row never cites an unwritten record) — the store keeps
where each record is, not a second copy. Crawl items travel as JSON between machines, so a body may
come base64-encoded (``_body_b64``).

A detail page's document fields and an attachment's text are read here, from the body of the page
in the same bundle (the crawl marks such rows ``_read``): the writer runs on a core of its own, and
the crawl keeps only the work it needs to go on (links, lists, pagination).
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.evidence import EvidenceWriter, claim_warc, tool_commit, warc_path
from auditor.extract.attachments import attachment_text
from auditor.extract.encoding import decode
from auditor.extract.record import document_fields
from auditor.incremental import carry
from auditor.store import Store, sha256

BATCH_ROWS = 400
BATCH_SECONDS = 2.0
JSON_FIELDS = {"raw", "conflicts"}
BUREAU_UPDATES = {"bureau_profile", "bureau_done"}  # items that update a bureau's row


class CrawlWriter:
    def __init__(self, store: Store, run_id: int):
        self.store, self.run_id = store, run_id
        run = store.run(run_id)
        path = claim_evidence(store, run_id)
        self.warc_name = str(path.relative_to(store.path.parent))
        self.evidence = EvidenceWriter(path, {
            "software": f"zwgk-auditor {__version__}", "commit": tool_commit() or "unknown", "store": store.path.name,
            "command": run["command"], "catalogue-version": run["catalogue_version"],
            "run": run_id, "audit-date": run["audit_date"], "format": "WARC File Format 1.1"})
        self.buffer: dict[str, list[dict[str, Any]]] = {}
        self.carried: list[dict[str, Any]] = []  # known documents of a re-audit, copied from their run
        self.pending = 0
        self.last_flush = time.monotonic()

    def add(self, item: dict[str, Any]) -> None:
        """Buffer an item (or a response's bundle of items); commit between items, never inside one."""
        parts = item["items"] if item["_table"] == "bundle" else [item]
        for part in parts:
            self._add(read_from_page(part, parts) if "_read" in part else part)
        if self.pending >= BATCH_ROWS or time.monotonic() - self.last_flush > BATCH_SECONDS:
            self.flush()

    def _add(self, item: dict[str, Any]) -> None:
        row = dict(item)
        table = row.pop("_table")
        if "run_id" in row:  # a node's items carry the run id they were given; this store's counts
            row["run_id"] = self.run_id
        if table == "carry":
            self.carried.append(row)
            self.pending += 1
            return
        body = row.pop("_body", None)
        encoded = row.pop("_body_b64", None)
        if encoded is not None:
            body = base64.b64decode(encoded)
        headers, request_headers = row.pop("_headers", None), row.pop("_request_headers", None)
        if table == "pages" and body is not None:
            row["sha256"] = sha256(body)  # here, not in the crawl: it runs in the writer process
        if table == "pages" and body is not None and row.get("status") is not None:
            record, offset = self.evidence.write(row["url"], row["status"], headers or [], body,
                                                 row.get("fetched_at"), request_headers or [])
            row.update(warc_file=self.warc_name, warc_record=record, warc_offset=offset)
        for key in JSON_FIELDS & row.keys():
            if not isinstance(row[key], str):
                row[key] = json.dumps(row[key], ensure_ascii=False)
        self.buffer.setdefault(table, []).append(row)
        self.pending += 1

    def flush(self) -> None:
        self.evidence.flush()
        with self.store.transaction():
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
        self.pending = 0
        self.last_flush = time.monotonic()

    def finish_crawl(self, columns: list[dict[str, Any]], limits: list[dict[str, Any]], requests: int) -> None:
        """Write what a crawl knows only at its end: column summaries, caps hit, requests sent
        (added to what earlier crawls of the run recorded — a distributed run has one per shard)."""
        self.flush()
        with self.store.transaction():
            self.store.db.execute("UPDATE runs SET stats = json_set(COALESCE(stats, '{}'), '$.requests', "
                                  "COALESCE(json_extract(stats, '$.requests'), 0) + ?) WHERE id = ?",
                                  [requests, self.run_id])
            self.store.upsert_many("columns", [{**c, "run_id": self.run_id} for c in columns])
            for row in limits:
                self.store.db["bureaus"].update((self.run_id, row["id"]), {"crawl_limits": row["crawl_limits"]})

    def close(self) -> None:
        self.flush()
        self.evidence.close()  # the WARC gets its final name only once complete


def claim_evidence(store: Store, run_id: int) -> Path:
    """The run's WARC path, made safe for this store to write (``claim_warc``: raises
    ``EvidenceConflict`` when another store's file is in the way)."""
    path = warc_path(store.path, run_id)
    cited = store.db.execute("SELECT 1 FROM pages WHERE run_id = ? AND warc_file = ? LIMIT 1",
                             [run_id, str(path.relative_to(store.path.parent))]).fetchone()
    claim_warc(path, store.path.name, cited=cited is not None)
    return path


def read_from_page(row: dict[str, Any], bundle: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``documents`` or ``attachments`` row the crawl left to be read (``_read``: for a document,
    its content area's markup), completed from the body of its page in the same bundle."""
    page = next(p for p in bundle if p["_table"] == "pages" and p["url"] == row["url"])
    body = page["_body"] if "_body" in page else base64.b64decode(page["_body_b64"])
    done = {k: v for k, v in row.items() if k != "_read"}
    if row["_table"] == "documents":
        text = decode(body, page.get("content_type")).text
        done.update(document_fields(text, row["_read"], row["profile"]))
    else:
        read = attachment_text(body, page.get("redirected_to") or page["url"], page.get("content_type"))
        done.update(text=read.text, reason=read.reason)
    return done


def feed_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as JSON can carry it (bodies base64-encoded), for Scrapyd's items feed."""
    def plain(part: dict[str, Any]) -> dict[str, Any]:
        part = dict(part)
        body = part.pop("_body", None)
        if body is not None:
            part["_body_b64"] = base64.b64encode(body).decode("ascii")
        return part
    if item["_table"] == "bundle":
        return {"_table": "bundle", "items": [plain(p) for p in item["items"]]}
    return plain(item)
