"""What the rules see of one bureau in one run, read once from the store.

Rules are pure functions of this context: they never touch the network or the store.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from auditor.store import Store


@dataclass
class Document:
    url: str
    title: str | None
    index_no: str | None
    doc_no: str | None
    published: str | None
    written: str | None
    publisher: str | None
    validity: str | None
    fetched_at: str | None
    columns: list[str] = field(default_factory=list)  # names of the columns that list it
    list_title: str | None = None
    list_date: str | None = None

    @property
    def display_title(self) -> str:
        return self.title or self.list_title or self.url

    def ref(self) -> dict[str, str]:
        return {"title": self.display_title, "url": self.url}


@dataclass
class Column:
    url: str
    name: str
    items: int
    complete: bool


@dataclass
class ListEntry:
    url: str
    title: str
    date: str | None
    column: str


@dataclass
class BureauContext:
    bureau: dict[str, Any]  # the registry record of the bureau
    audit_date: dt.date
    start: dict[str, Any] | None  # the start page row
    documents: list[Document]
    columns: list[Column]
    entries: list[ListEntry]
    pages: dict[str, dict[str, Any]]  # url → page row (status, error, fetched_at)
    links: list[dict[str, Any]]  # from_url, to_url, text, kind

    @property
    def reachable(self) -> bool:
        return bool(self.start) and self.start.get("status") is not None and 200 <= self.start["status"] < 400

    @property
    def crawl_complete(self) -> bool:
        return self.reachable and all(c.complete for c in self.columns)

    def evidence(self, url: str | None = None) -> dict[str, str | None]:
        url = url or (self.start or {}).get("url")
        page = self.pages.get(url or "") or {}
        return {"url": url, "fetched_at": page.get("fetched_at")}


def load_context(store: Store, run_id: int, bureau_id: str, audit_date: dt.date) -> BureauContext:
    run = store.run(run_id)
    registry = json.loads(run["registry"])
    bureau = next(b for b in registry["bureaus"] if b["id"] == bureau_id)
    pages = {row["url"]: row for row in store.rows(
        "SELECT url, kind, status, error, fetched_at, attempts FROM pages WHERE run_id = ? AND bureau_id = ?",
        [run_id, bureau_id])}
    start_urls = bureau["start_urls"]
    start = next((pages[u] for u in start_urls if u in pages), None)
    columns = {row["url"]: Column(row["url"], row["name"], row["items"], bool(row["complete"]))
               for row in store.rows("SELECT * FROM columns WHERE run_id = ? AND bureau_id = ?", [run_id, bureau_id])}
    entries = [ListEntry(r["url"], r["title"], r["date"], columns[r["column_url"]].name if r["column_url"] in columns else "")
               for r in store.rows("SELECT * FROM list_items WHERE run_id = ? AND bureau_id = ? ORDER BY column_url, position",
                                   [run_id, bureau_id])]
    listed: dict[str, list[ListEntry]] = {}
    for entry in entries:
        listed.setdefault(entry.url, []).append(entry)
    documents = []
    for row in store.rows("SELECT * FROM documents WHERE run_id = ? AND bureau_id = ? ORDER BY url", [run_id, bureau_id]):
        seen = listed.get(row["url"], [])
        documents.append(Document(
            url=row["url"], title=row["title"], index_no=row["index_no"], doc_no=row["doc_no"],
            published=row["published"], written=row["written"], publisher=row["publisher"],
            validity=row["validity"], fetched_at=row["fetched_at"],
            columns=[e.column for e in seen], list_title=seen[0].title if seen else None,
            list_date=seen[0].date if seen else None))
    links = store.rows("SELECT from_url, to_url, text, kind FROM links WHERE run_id = ? AND bureau_id = ?",
                       [run_id, bureau_id])
    return BureauContext(bureau=bureau, audit_date=audit_date, start=start, documents=documents,
                         columns=list(columns.values()), entries=entries, pages=pages, links=links)
