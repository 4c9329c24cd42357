"""The audit store: one SQLite file (WAL) holding many audit runs.

Tables, all keyed by ``run_id`` so runs never overwrite each other:

- ``runs``        one row per audit (registry snapshot, catalogue version, tool version, status)
- ``bureaus``     the registry's bureaus as they were for that run
- ``pages``       every URL fetched: status or error, fetch time, sha256 of the body, encoding
- ``bodies``      raw bytes by sha256 (zlib) from stores written before the WARC evidence; new runs
                  keep bodies only in their WARC file (``pages.warc_file``/``warc_offset``), read
                  by re-extraction
- ``columns``     每个栏目: name, URL, pages seen and whether its pagination was exhausted
- ``list_items``  the entries a column lists (title, date, URL)
- ``documents``   normalised metadata per detail page plus the raw label → value map and its text
- ``attachments`` the text of each PDF/DOCX attachment, or why it could not be read
- ``links``       internal links and attachments found on start, list and detail pages
- ``findings``    rule results

The crawl process writes; every other stage only reads (SQLite WAL lets both run at once).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils

SCHEMA_VERSION = 1

TABLES: dict[str, dict[str, Any]] = {
    "runs": dict(columns={
        "id": int, "started_at": str, "finished_at": str, "status": str, "audit_date": str,
        "sites_file": str, "registry": str, "catalogue_version": str, "tool_version": str,
        "command": str, "stats": str, "province": str, "commit": str,
    }, pk="id"),
    "bureaus": dict(columns={
        "run_id": int, "id": str, "name": str, "region": str, "level": str, "kind": str,
        "credit_code": str, "start_urls": str, "profile": str, "waivers": str, "config": str,
        "detected_profile": str, "profile_confidence": float, "crawl_finished_at": str,
        "crawl_limits": str,  # JSON: budgets and caps the crawl hit → requests not sent
    }, pk=("run_id", "id")),
    "pages": dict(columns={
        "run_id": int, "bureau_id": str, "url": str, "kind": str, "status": int, "error": str,
        "fetched_at": str, "sha256": str, "encoding": str, "content_type": str, "size": int,
        "column_url": str, "referer": str, "attempts": int, "warc_file": str, "warc_record": str,
        "warc_offset": int, "etag": str, "last_modified": str,
        "blocked": str,  # the anti-bot system that answered instead of the page (auditor.blocking)
        "redirected_to": str,  # where the page was finally read, when redirected on-site
        "carried_from": int,  # a re-audit's page not fetched again: the run that fetched it
    }, pk=("run_id", "url")),
    "bodies": dict(columns={"sha256": str, "data": bytes}, pk="sha256"),
    "columns": dict(columns={
        "run_id": int, "bureau_id": str, "url": str, "name": str, "parent_url": str,
        "pages_expected": int, "pages_ok": int, "pages_failed": int, "items": int,
        "complete": int,
    }, pk=("run_id", "url")),
    "list_items": dict(columns={
        "run_id": int, "bureau_id": str, "column_url": str, "url": str, "title": str,
        "date": str, "position": int,
    }, pk=("run_id", "column_url", "url")),
    "documents": dict(columns={
        "run_id": int, "bureau_id": str, "url": str, "title": str, "index_no": str,
        "category": str, "publisher": str, "subject": str, "doc_no": str, "published": str,
        "written": str, "validity": str, "keywords": str, "raw": str, "conflicts": str,
        "fetched_at": str, "profile": str, "text": str,
    }, pk=("run_id", "url")),
    "attachments": dict(columns={
        "run_id": int, "bureau_id": str, "url": str, "text": str, "reason": str,
    }, pk=("run_id", "url")),
    "links": dict(columns={
        "run_id": int, "bureau_id": str, "from_url": str, "to_url": str, "text": str,
        "kind": str,
    }, pk=("run_id", "from_url", "to_url")),
    "findings": dict(columns={
        "id": int, "run_id": int, "bureau_id": str, "rule": str, "status": str,
        "severity": str, "subject": str, "message": str, "expected": str, "found": str,
        "documents": str, "evidence_url": str, "evidence_fetched_at": str, "evidence_sha256": str,
        "evidence_warc": str, "evidence_record": str, "details": str,
        "catalogue_version": str,
    }, pk="id"),
}
INDEXES = [
    ("pages", ["run_id", "bureau_id", "kind"]),
    # per-bureau reads in page order: without the order columns SQLite walks the whole run
    ("documents", ["run_id", "bureau_id", "url"]),
    ("list_items", ["run_id", "bureau_id", "column_url", "position"]),
    ("list_items", ["run_id", "url"]),
    ("links", ["run_id", "bureau_id"]),
    ("attachments", ["run_id", "bureau_id"]),
    ("findings", ["run_id", "bureau_id"]),
]


def now() -> str:
    """The local time to the second, as ISO 8601 with its offset."""
    return _stamp(int(time.time()))


@lru_cache(maxsize=1)
def _stamp(second: int) -> str:
    """Formatted once per second: the crawl stamps every page."""
    return datetime.fromtimestamp(second, UTC).astimezone().isoformat(timespec="seconds")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StoreBusy(RuntimeError):
    """Another audit holds the store."""


@lru_cache(maxsize=256)
def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    """The upsert of ``columns`` into ``table`` (names from the schema in ``TABLES``)."""
    key = TABLES[table]["pk"]
    key = (key,) if isinstance(key, str) else tuple(key)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in key)
    return (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(f'[{k}]' for k in key)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"))


class Store:
    """A thin, explicit layer over one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 30000")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        for name, spec in TABLES.items():
            table = self.db[name]
            if not table.exists():
                table.create(spec["columns"], pk=spec["pk"], if_not_exists=True)
                continue
            present = set(table.columns_dict)
            for column, kind in spec["columns"].items():  # a store made by an older version gains new columns
                if column not in present:
                    table.add_column(column, kind)
        for table, columns in INDEXES:
            self.db[table].create_index(columns, if_not_exists=True)
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the store's lock file (``<db>.lock``) for a whole audit: two audits of one store
        at once would interleave their runs. Released when the process ends, even by SIGKILL."""
        lock = self.path.with_name(self.path.name + ".lock")
        handle = open(lock, "a+")  # noqa: SIM115 - held for the duration of the block
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StoreBusy(f"{self.path} is in use by {holder} (lock {lock})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {now()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Every write inside commits together or not at all. An explicit BEGIN is needed:
        sqlite-utils commits each write on its own unless a transaction is already open (inside
        one, its writes become savepoints). A nested call joins the open transaction."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    # ------------------------------------------------------------------ runs
    def start_run(self, *, audit_date: str, sites_file: str, registry: dict[str, Any],
                  catalogue_version: str, tool_version: str, command: str, province: str,
                  commit: str | None = None) -> int:
        table = self.db["runs"]
        with self.transaction():
            table.insert({
                "started_at": now(), "status": "running", "audit_date": audit_date,
                "sites_file": sites_file, "registry": json.dumps(registry, ensure_ascii=False),
                "catalogue_version": catalogue_version, "tool_version": tool_version,
                "command": command, "province": province, "commit": commit,
            })
        return int(table.last_pk)

    def record_stats(self, run_id: int, stats: dict[str, Any]) -> None:
        """Merge ``stats`` into the run's recorded stats (what the crawl wrote stays)."""
        with self.transaction():
            before = json.loads(self.run(run_id)["stats"] or "{}")
            self.db["runs"].update(run_id, {"stats": json.dumps({**before, **stats}, ensure_ascii=False)})

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any] | None = None) -> None:
        with self.transaction():
            before = json.loads(self.run(run_id)["stats"] or "{}")
            self.db["runs"].update(run_id, {"finished_at": now(), "status": status,
                                            "stats": json.dumps({**before, **(stats or {})}, ensure_ascii=False)})

    def run(self, run_id: int | None = None) -> dict[str, Any]:
        """One run's row (the latest when ``run_id`` is None)."""
        if run_id is None:
            rows = list(self.db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))
        else:
            rows = list(self.db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
        if not rows:
            raise LookupError(f"no audit run {run_id if run_id is not None else ''} in {self.path}".strip())
        return rows[0]

    # ------------------------------------------------------------------ writes
    def upsert_many(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert ``rows``, or update the columns they carry where their key is already stored
        (as sqlite-utils' ``upsert_all``): one prepared statement per set of columns, run by
        ``executemany`` — the crawl's writer stores a row per fetched page, link and list entry, and
        sqlite-utils' per-value work was an eighth of that process's CPU."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(tuple(row.values()))
        with self.transaction():
            for columns, values in groups.items():
                self.db.conn.executemany(_upsert_sql(table, columns), values)

    def put_body(self, data: bytes) -> str:
        digest = sha256(data)
        self.db.execute("INSERT OR IGNORE INTO bodies (sha256, data) VALUES (?, ?)",
                        [digest, zlib.compress(data, 6)])
        return digest

    def body(self, digest: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM bodies WHERE sha256 = ?", [digest]).fetchone()
        return zlib.decompress(row[0]) if row else None

    # ------------------------------------------------------------------ reads
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))

    def count(self, table: str, where: str = "1", params: Iterable[Any] = ()) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM [{table}] WHERE {where}", list(params)).fetchone()[0]
