"""What a re-audit already knows from the previous complete run of a bureau, so that it asks
again only for what may have changed: list pages, new documents, known documents whose list
entry changed, and a rotating share of the rest (with conditional requests). Everything else is
carried over from the previous run's rows, evidence included (it points at the WARC record of
the fetch it rests on)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from auditor.store import TABLES, Store

DEFAULT_SHARE = 0.02  # of known documents revalidated per audit: every page is re-asked within 50 audits


@dataclass
class Known:
    """One bureau's previous run."""

    run_id: int
    entries: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # url → (title, date)
    columns: dict[str, list[dict]] = field(default_factory=dict)  # column url → its list items in order
    documents: set[str] = field(default_factory=set)
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # url → ETag / Last-Modified

    def unchanged(self, url: str, title: str, date: str | None) -> bool:
        return self.entries.get(url) == (title, date) and url in self.documents


def previous_run(store: Store, run_id: int) -> int | None:
    """The latest completed run before ``run_id``."""
    rows = store.rows("SELECT id FROM runs WHERE id < ? AND status = 'completed' ORDER BY id DESC LIMIT 1", [run_id])
    return rows[0]["id"] if rows else None


def load_known(store: Store, previous: int, bureaus: list[str]) -> dict[str, Known]:
    """Per bureau whose every column was read to the end in ``previous``: what it held."""
    complete = {r["bureau_id"] for r in store.rows(
        "SELECT bureau_id, MIN(complete) AS complete FROM columns WHERE run_id = ? GROUP BY 1", [previous])
        if r["complete"]}
    known: dict[str, Known] = {}
    for bureau in bureaus:
        if bureau not in complete:
            continue
        state = Known(previous)
        for row in store.rows("SELECT column_url, url, title, date FROM list_items WHERE run_id = ? AND bureau_id = ? "
                              "ORDER BY column_url, position", [previous, bureau]):
            state.entries[row["url"]] = (row["title"], row["date"])
            state.columns.setdefault(row["column_url"], []).append(row)
        state.documents = {r["url"] for r in store.rows(
            "SELECT url FROM documents WHERE run_id = ? AND bureau_id = ?", [previous, bureau])}
        for row in store.rows("SELECT url, etag, last_modified FROM pages WHERE run_id = ? AND bureau_id = ? "
                              "AND (etag IS NOT NULL OR last_modified IS NOT NULL)", [previous, bureau]):
            headers = {}
            if row["etag"]:
                headers["If-None-Match"] = row["etag"]
            if row["last_modified"]:
                headers["If-Modified-Since"] = row["last_modified"]
            state.validators[row["url"]] = headers
        known[bureau] = state
    return known


def due(url: str, run_id: int, share: float) -> bool:
    """Whether a known page's turn to be revalidated has come in this run (a stable rotation)."""
    if share <= 0:
        return False
    slots = max(1, round(1 / share))
    return zlib.crc32(url.encode("utf-8")) % slots == run_id % slots


def _copy(table: str, alias: str, join: str, where: str) -> str:
    """INSERT OR IGNORE of ``table`` rows from the previous run into the new one (run_id swapped;
    a page keeps the run that actually fetched it in ``carried_from``)."""
    columns = list(TABLES[table]["columns"])
    values = [":run" if c == "run_id" else
              (f"COALESCE({alias}.carried_from, {alias}.run_id)" if c == "carried_from" else f"{alias}.{c}")
              for c in columns]
    return (f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM {table} {alias} {join} WHERE {alias}.run_id = :previous AND {where}")


# the document, its detail page and its own links; then the pages and attachment texts it links to
CARRY_SQL = [
    _copy("documents", "d", "", "d.url = :url"),
    _copy("pages", "p", "", "p.url = :url"),
    _copy("links", "l", "", "l.from_url = :url"),
    _copy("pages", "p", "JOIN links l ON l.run_id = p.run_id AND l.to_url = p.url", "l.from_url = :url AND p.kind = 'link'"),
    _copy("attachments", "a", "JOIN links l ON l.run_id = a.run_id AND l.to_url = a.url", "l.from_url = :url"),
]


def carry(store: Store, run_id: int, previous: int, url: str) -> None:
    """Copy one known document's rows from ``previous`` into ``run_id`` (call inside a transaction)."""
    for sql in CARRY_SQL:
        store.db.execute(sql, {"run": run_id, "previous": previous, "url": url})
