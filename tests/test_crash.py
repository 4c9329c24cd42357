"""Kill an audit (SIGKILL) at random moments of its crawl, resume it, and check the store: it
passes SQLite's integrity check, the run completes with every document exactly once, the WARC
reads to its end, and the findings are those of an audit never interrupted. A few kills in the
default run; ``-m slow`` runs twenty."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from warcio.archiveiterator import ArchiveIterator

from auditor.simulator.server import serve_province
from tests.conftest import REPO, run_auditor

ONLY = ("xc-zrzy", "xz-zrzy", "lx-czj")


def kill_and_resume(province, tmp_path, delay: float) -> None:
    db, out = tmp_path / "audit.db", tmp_path / "report"
    with serve_province(province) as sites:
        process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "-q", "audit", "--sites", str(sites),
                                    "--db", str(db), "--out", str(out), "--only", *ONLY],
                                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the audit and its crawl process, mid-work
        process.wait()
        finished = sqlite3.connect(db).execute("SELECT status FROM runs").fetchall() == [("completed",)]
        resumed = run_auditor("-q", "audit", "--db", str(db), "--out", str(out), "--resume")
        if finished:  # killed while writing the report: nothing to resume, and it says so
            assert resumed.returncode == 2 and "nothing to resume" in resumed.stderr
        else:
            assert resumed.returncode == 0, resumed.stderr
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    (status, stats), = connection.execute("SELECT status, stats FROM runs").fetchall()
    assert status == "completed" and json.loads(stats)["documents"] > 0
    manifest = json.loads((province / "manifest.json").read_text(encoding="utf-8"))
    expected = {b["id"]: b["documents"] for b in manifest["bureaus"] if b["id"] in ONLY}
    counts = dict(connection.execute("SELECT bureau_id, COUNT(*) FROM documents GROUP BY 1").fetchall())
    assert counts == expected
    assert connection.execute("SELECT COUNT(*) FROM columns WHERE complete = 0").fetchone()[0] == 0
    records = 0
    with open(db.parent / "evidence" / "run-1.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream):
            record.content_stream().read()
            records += 1
    cited = connection.execute("SELECT COUNT(DISTINCT warc_record) FROM pages WHERE warc_record IS NOT NULL").fetchone()[0]
    assert records >= cited > 0
    truth = json.loads((province / "ground_truth.json").read_text(encoding="utf-8"))
    planted = {(d["bureau"], d["rule"]) for d in truth["defects"] if d["bureau"] in ONLY}
    found = set(connection.execute("SELECT DISTINCT bureau_id, rule FROM findings WHERE status = 'fail'").fetchall())
    assert found == planted


@pytest.mark.parametrize("delay", [5.0, 8.0])  # early in the crawl, and half-way
def test_resume_after_kill(province, tmp_path, delay):
    kill_and_resume(province, tmp_path, delay)


@pytest.mark.slow
def test_resume_after_kill_twenty_times(province, tmp_path_factory):
    rng = random.Random(7)
    for n in range(20):
        kill_and_resume(province, tmp_path_factory.mktemp(f"kill{n}"), rng.uniform(3.0, 14.0))


def kill_evaluations(db, truth: set, delays: list[float]) -> int:
    """Re-evaluate a crawled run and kill the evaluation ``delay`` seconds after it reports its
    first bureau (so the kill lands while rules run or their findings are written, not during
    start-up); after every kill the store is intact and still holds the complete findings of the
    last evaluation that finished (a run's findings are replaced in one transaction). Returns
    the kills that landed before the evaluation finished."""
    landed = 0
    for delay in delays:
        process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "evaluate", "--db", str(db)],
                                   cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in process.stderr:
            if line.startswith("检查 evaluate:"):  # the first bureau is being evaluated
                break
        time.sleep(delay)
        landed += process.poll() is None
        process.kill()
        process.wait()
        process.stderr.close()
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        found = set(connection.execute("SELECT DISTINCT bureau_id, rule FROM findings WHERE status = 'fail'").fetchall())
        assert found == truth
        connection.close()
    return landed


@pytest.fixture(scope="module")
def crawled(province, tmp_path_factory):
    """A crawled and evaluated demo province (the base for killing evaluations)."""
    db = tmp_path_factory.mktemp("evaluate") / "audit.db"
    with serve_province(province) as sites:
        assert run_auditor("-q", "crawl", "--sites", str(sites), "--db", str(db)).returncode == 0
    assert run_auditor("-q", "evaluate", "--db", str(db)).returncode == 0
    truth = json.loads((province / "ground_truth.json").read_text(encoding="utf-8"))
    return db, {(d["bureau"], d["rule"]) for d in truth["defects"]}


def test_kill_during_evaluation_loses_nothing(crawled):
    db, truth = crawled
    assert kill_evaluations(db, truth, [0.0, 0.1, 0.2]) >= 2


@pytest.mark.slow
def test_kill_during_evaluation_twenty_times(crawled):
    db, truth = crawled
    rng = random.Random(11)
    assert kill_evaluations(db, truth, [rng.uniform(0.0, 0.25) for _ in range(20)]) >= 10
