"""The store: one SQLite file in WAL mode, many runs, raw bodies kept."""

from __future__ import annotations

import json
import sqlite3

import pytest

from auditor.store import Store


def test_runs_pages_bodies(tmp_path):
    store = Store(tmp_path / "a.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first = store.start_run(audit_date="2026-11-29", sites_file="s.yaml", registry={"bureaus": []},
                            catalogue_version="1", tool_version="0.1.0", command="auditor audit", province="安徽省")
    second = store.start_run(audit_date="2026-12-29", sites_file="s.yaml", registry={"bureaus": []},
                             catalogue_version="1", tool_version="0.1.0", command="auditor audit", province="安徽省")
    assert (first, second) == (1, 2)
    digest = store.put_body(b"<html>\xe4\xb8\xad</html>")
    assert store.put_body(b"<html>\xe4\xb8\xad</html>") == digest  # content-addressed, stored once
    assert store.body(digest) == b"<html>\xe4\xb8\xad</html>" and store.count("bodies") == 1
    store.upsert_many("pages", [{"run_id": first, "url": "http://a/", "status": 200, "sha256": digest}])
    store.upsert_many("pages", [{"run_id": second, "url": "http://a/", "status": 503}])
    assert [r["status"] for r in store.rows("SELECT status FROM pages ORDER BY run_id")] == [200, 503]
    store.finish_run(first, "completed", {"pages": 1})
    assert store.run(first)["status"] == "completed" and json.loads(store.run(first)["stats"]) == {"pages": 1}
    assert store.run()["id"] == second
    store.close()
    reopened = Store(tmp_path / "a.db")
    assert reopened.count("runs") == 2 and reopened.count("pages") == 2


def test_unknown_run(tmp_path):
    with pytest.raises(LookupError):
        Store(tmp_path / "b.db").run(7)


def test_a_transaction_commits_all_or_nothing(tmp_path):
    """A batch interrupted half-way leaves nothing of itself: sqlite-utils' writes (which commit
    on their own outside a transaction) join the open one."""

    store = Store(tmp_path / "a.db")
    store.upsert_many("list_items", [{"run_id": 1, "bureau_id": "b", "column_url": "c", "url": "u0", "title": "t",
                                      "date": None, "position": 0}])
    with pytest.raises(RuntimeError), store.transaction():
        store.db.execute("DELETE FROM list_items WHERE run_id = 1")
        store.upsert_many("list_items", [{"run_id": 1, "bureau_id": "b", "column_url": "c", "url": "u1", "title": "t",
                                          "date": None, "position": 0}])
        store.db["list_items"].update((1, "c", "u1"), {"title": "changed"})
        raise RuntimeError("killed here")
    assert [r["url"] for r in store.rows("SELECT url FROM list_items")] == ["u0"]


def test_upsert_inserts_or_updates_only_the_columns_a_row_carries(tmp_path):
    store = Store(tmp_path / "u.db")
    store.upsert_many("pages", [
        {"run_id": 1, "url": "http://a/1", "status": 200, "size": 10, "kind": "detail"},
        {"url": "http://a/2", "run_id": 1, "status": 404},  # other columns, in another order
    ])
    store.upsert_many("pages", [{"run_id": 1, "url": "http://a/1", "status": 304},  # size and kind stay
                                {"run_id": 1, "url": "http://a/3"}])  # only its key
    store.upsert_many("columns", [])
    rows = store.rows("SELECT url, status, size, kind FROM pages ORDER BY url")
    assert rows == [{"url": "http://a/1", "status": 304, "size": 10, "kind": "detail"},
                    {"url": "http://a/2", "status": 404, "size": None, "kind": None},
                    {"url": "http://a/3", "status": None, "size": None, "kind": None}]
    other = Store(tmp_path / "u.db")  # committed without a transaction around the call
    assert other.count("pages") == 3
    with pytest.raises(sqlite3.OperationalError, match="no_such_column"):
        store.upsert_many("pages", [{"run_id": 1, "url": "http://a/4", "no_such_column": 1}])
    assert other.count("pages") == 3
