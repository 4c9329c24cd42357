"""``auditor prune``: old runs give up their raw data — pages, bodies no other run uses, list
items, documents, links, attachments and their WARC file (unless a kept re-audit carried pages
over from it) — and keep what reports and diffs need: the run, its bureaus, columns and findings."""

from __future__ import annotations

import datetime as dt

from auditor.evidence import warc_path
from auditor.store import Store, now

RAW_TABLES = ("pages", "list_items", "documents", "links", "attachments")


def prune(store: Store, *, keep: int, older_than_days: int | None = None) -> list[int]:
    """Prune every run but the newest ``keep`` (and, if given, only those older than the days);
    return the pruned run ids."""
    runs = store.rows("SELECT id, started_at, stats FROM runs ORDER BY id DESC")
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days) if older_than_days else None
    chosen = [r["id"] for r in runs[max(keep, 0):]
              if cutoff is None or dt.datetime.fromisoformat(r["started_at"]) < cutoff]
    pruned = []
    for run_id in chosen:
        if not store.count("pages", "run_id = ?", [run_id]) and not warc_path(store.path, run_id).exists():
            continue  # already pruned
        with store.transaction():
            for table in RAW_TABLES:
                store.db.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            store.db.execute("UPDATE runs SET stats = json_set(COALESCE(stats, '{}'), '$.pruned_at', ?) WHERE id = ?",
                             [now(), run_id])
        still_cited = {r["warc_file"] for r in store.rows("SELECT DISTINCT warc_file FROM pages WHERE warc_file IS NOT NULL")}
        for path in (warc_path(store.path, run_id), warc_path(store.path, run_id).with_suffix(".gz.part")):
            if str(path.relative_to(store.path.parent)) not in still_cited:  # a later re-audit's carried pages cite it
                path.unlink(missing_ok=True)
        pruned.append(run_id)
    if pruned:
        with store.transaction():  # bodies are shared by content: drop those no remaining page uses
            store.db.execute("DELETE FROM bodies WHERE sha256 NOT IN (SELECT sha256 FROM pages WHERE sha256 IS NOT NULL)")
    return pruned
