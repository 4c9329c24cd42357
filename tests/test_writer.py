"""The crawl's store writer process: it writes what the crawl hands it, reports its failures to the
crawl, and never outlives the crawl process (a second writer on a resumed run's WARC would tear it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from auditor.store import Store
from auditor.writer import WRITER_NICE, WriterFailed, WriterProcess
from tests.conftest import page_item, start_run


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split(") ")[1][0] != "Z"


def test_writer_stores_pages_and_reports(tmp_path):
    store = Store(tmp_path / "a.db")
    run_id = start_run(store)
    store.close()
    writer = WriterProcess(str(tmp_path / "a.db"), run_id)
    for n in range(3):
        writer.add(page_item(run_id, n))
    # it yields the CPU to the crawl when cores are short (once started: spawning takes a moment)
    wanted, deadline = min(19, os.getpriority(os.PRIO_PROCESS, 0) + WRITER_NICE), time.monotonic() + 20
    while os.getpriority(os.PRIO_PROCESS, writer.process.pid) != wanted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.getpriority(os.PRIO_PROCESS, writer.process.pid) == wanted
    writer.finish([], [], requests=3, stats={"crawl_peak_rss_mib": 99.5})
    assert not writer.process.is_alive()
    store = Store(tmp_path / "a.db")
    rows = store.rows("SELECT url, warc_record FROM pages ORDER BY url")
    assert [r["url"] for r in rows] == [f"http://127.0.0.2/{n}.html" for n in range(3)]
    assert all(r["warc_record"] for r in rows)
    stats = json.loads(store.run(run_id)["stats"])
    assert (stats["requests"], stats["crawl_peak_rss_mib"]) == (3, 99.5)
    assert stats["writer_peak_rss_mib"] > 10


def test_writer_failure_reaches_the_crawl(tmp_path):
    Store(tmp_path / "a.db").close()
    writer = WriterProcess(str(tmp_path / "a.db"), 99)  # no such run: the child fails at start
    with pytest.raises(WriterFailed, match="run 99|NoneType|99"):
        writer.finish([], [], requests=0, stats={})


CRAWL = """
import sys, time
from auditor.store import Store
from auditor.writer import WriterProcess
store = Store(sys.argv[1])
run_id = store.start_run(audit_date="2026-11-29", sites_file="s.yaml", registry={"bureaus": []},
                         catalogue_version="1", tool_version="0.1.0", command="x", province="安徽省")
store.close()
writer = WriterProcess(sys.argv[1], run_id)
print(writer.process.pid, flush=True)
time.sleep(60)
"""


def test_writer_dies_with_the_crawl(tmp_path):
    crawl = subprocess.Popen([sys.executable, "-c", CRAWL, str(tmp_path / "a.db")], stdout=subprocess.PIPE, text=True)
    child = int(crawl.stdout.readline())
    assert _alive(child)
    crawl.send_signal(signal.SIGKILL)  # the crawl alone, not its process group
    crawl.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


def test_a_dead_writer_stops_the_crawl_at_its_next_item(tmp_path):
    store = Store(tmp_path / "a.db")
    run_id = start_run(store)
    store.close()
    writer = WriterProcess(str(tmp_path / "a.db"), run_id)
    os.kill(writer.process.pid, signal.SIGKILL)
    writer.process.join(10)
    with pytest.raises(WriterFailed, match="exited with -9"):
        writer.add({"_table": "pages", "run_id": run_id, "url": "http://127.0.0.2/x.html", "bureau_id": "b",
                    "kind": "detail", "status": 200, "fetched_at": "2026-11-29T10:00:00+08:00", "_body": b"x" * 100})
