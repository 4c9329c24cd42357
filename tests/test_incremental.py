"""Incremental re-audits over a real served province: an unchanged province costs a small share
of the first audit's requests and gives the same findings; new documents are all found."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil

from auditor.simulator.province import build_province
from auditor.simulator.render import write_province
from auditor.simulator.server import serve_province
from auditor.store import Store
from tests.conftest import run_auditor


def _audit(sites, db, out, *extra):
    result = run_auditor("-q", "audit", "--sites", str(sites), "--db", str(db), "--out", str(out), *extra)
    assert result.returncode == 0, result.stderr


def test_incremental_re_audits(tmp_path):
    province = build_province(1)
    folder, db = tmp_path / "province", tmp_path / "audit.db"
    write_province(province, folder)
    with serve_province(folder) as sites:
        _audit(sites, db, tmp_path / "r1")
        _audit(sites, db, tmp_path / "r2")  # nothing changed
        # five new notices on every live site, at the top of its 通知公告 list
        added = {}
        for bureau in province.bureaus:
            notices = bureau.column("tzgg").documents
            for n in range(5):
                new = dataclasses.replace(notices[0], id=900000 + n * 100 + len(added), title=f"新增通知{n}",
                                          published=dt.date(2026, 11, 27), written=dt.date(2026, 11, 26),
                                          index_no=None, attachment=None)
                notices.insert(0, new)
                added.setdefault(bureau.id, []).append(new)
        # and a policy on the second page of a list whose first page does not change is taken down:
        # only the shifted last page can tell
        deep = {b.id: b for b in province.bureaus}["xc-zrzy"].column("zcwj").documents.pop(20)
        shutil.rmtree(folder / "sites")
        write_province(province, folder)
        _audit(sites, db, tmp_path / "r3")
    store = Store(db)
    stats = {r["id"]: json.loads(r["stats"]) for r in store.rows("SELECT id, stats FROM runs")}
    assert stats[2]["previous"] == 1 and stats[2]["requests"] <= 0.10 * stats[1]["requests"], stats
    assert stats[2]["documents"] == stats[1]["documents"]
    findings = {run: sorted(store.db.execute("SELECT bureau_id, rule, status, subject FROM findings WHERE run_id = ?",
                                             [run]).fetchall()) for run in (1, 2)}
    assert findings[1] == findings[2]
    # the third audit found every new document, on every live site
    documents = {(r["bureau_id"], r["title"]) for r in store.rows("SELECT bureau_id, title FROM documents WHERE run_id = 3")}
    live = [b.id for b in province.bureaus if not b.down]
    assert all((bureau, doc.title) in documents for bureau in live for doc in added[bureau])
    assert stats[3]["documents"] == stats[1]["documents"] + 5 * len(live) - 1
    assert not store.rows("SELECT url FROM documents WHERE run_id = 3 AND url LIKE ?", [f"%{deep.path}"])
    # carried pages keep the run that fetched them, and their evidence
    carried = store.rows("SELECT carried_from, warc_file FROM pages WHERE run_id = 2 AND carried_from IS NOT NULL LIMIT 1")
    assert carried[0]["carried_from"] == 1 and carried[0]["warc_file"] == "evidence/run-1.warc.gz"
    full = run_auditor("-q", "crawl", "--sites", str(tmp_path / "nowhere.yaml"), "--db", str(db), "--full")
    assert full.returncode == 2  # (a bad registry is refused before anything runs, --full or not)
