"""Running audits over time: one audit per store at a time, the cron schedule, and pruning old
runs' raw data while keeping their findings."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from auditor.schedule import next_times, trigger
from auditor.store import Store, StoreBusy
from tests.conftest import run_auditor


def test_one_audit_per_store(tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text("province: 安徽省\nbureaus:\n  - {id: a, name: 甲局, region: '341800', level: city, kind: finance,\n"
                     "     start_urls: ['http://127.0.0.9:1/']}\n", encoding="utf-8")
    store = Store(tmp_path / "a.db")
    with store.exclusive():
        with pytest.raises(StoreBusy, match="in use by pid"):
            with Store(tmp_path / "a.db").exclusive():
                pass
        refused = run_auditor("-q", "crawl", "--sites", str(sites), "--db", str(tmp_path / "a.db"))
        assert refused.returncode == 1 and "is in use by pid" in refused.stderr
    with store.exclusive():  # released
        pass


def test_cron_schedule():
    after = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    times = [t.strftime("%Y-%m-%d %H:%M") for t in next_times("0 2 1 * *", 3, after)]
    assert times == ["2026-12-01 02:00", "2027-01-01 02:00", "2027-02-01 02:00"]
    assert [t.strftime("%a %H:%M") for t in next_times("30 9 * * mon-fri", 2, after)] == ["Mon 09:30", "Tue 09:30"]
    with pytest.raises(ValueError):
        trigger("0 2 1 *")
    bad = run_auditor("schedule", "--cron", "61 2 * * *", "--sites", "nowhere.yaml")
    assert bad.returncode == 2


def test_prune_keeps_findings_and_drops_raw_data(demo_audit, tmp_path):
    db = tmp_path / "audit.db"
    shutil.copy(demo_audit["db"], db)
    shutil.copytree(demo_audit["db"].parent / "evidence", tmp_path / "evidence")
    findings = Store(db).rows("SELECT rule, status, subject FROM findings ORDER BY id")
    kept = run_auditor("prune", "--db", str(db), "--keep", "1")
    assert kept.returncode == 0 and "pruned 0 run(s)" in kept.stdout
    pruned = run_auditor("prune", "--db", str(db), "--keep", "0")
    assert pruned.returncode == 0 and "pruned 1 run(s): 1" in pruned.stdout, pruned.stderr
    store = Store(db)
    assert [store.count(t) for t in ("pages", "documents", "list_items", "links", "attachments", "bodies")] == [0] * 6
    assert store.rows("SELECT rule, status, subject FROM findings ORDER BY id") == findings
    assert store.count("columns") > 0 and not (tmp_path / "evidence" / "run-1.warc.gz").exists()
    report = run_auditor("-q", "report", "--db", str(db), "--out", str(tmp_path / "report"))
    assert report.returncode == 0 and (tmp_path / "report" / "bureau" / "xc-zrzy.html").exists()
    gone = run_auditor("evidence", "--db", str(db), "1")
    assert gone.returncode == 2 and "no archived copy" in gone.stderr
