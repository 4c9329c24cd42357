"""Scale-out on real Scrapyd daemons: a province with sites sharing hosts is crawled by three
nodes, one of which is killed mid-audit; the merged audit equals a single-machine audit of the
same served province, and every host was crawled by exactly one node."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import requests

from auditor.registry import Bureau
from auditor.scaleout import build_egg, shards
from auditor.simulator import simulate
from auditor.simulator.server import serve_province
from tests.conftest import REPO, run_auditor
from tests.scrapyd_nodes import scrapyd_nodes


def fails(db) -> set[tuple[str, str, str, str]]:
    rows = sqlite3.connect(db).execute("SELECT bureau_id, rule, status, subject FROM findings").fetchall()
    return {tuple(r) for r in rows}


def running_on(node, wait: float = 120) -> None:
    """Wait until ``node`` runs a crawl job."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if requests.get(node.url + "listjobs.json", timeout=2).json().get("running"):
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"no job ever ran on {node.url}")


def bureau(id_: str, *urls: str) -> Bureau:
    return Bureau(id=id_, name=id_, region="341800", level="county", kind="finance", start_urls=tuple(urls))


def test_shards_never_split_a_host():
    groups = shards([bureau("a", "http://127.0.1.1:81/"), bureau("b", "http://127.0.1.1:82/"),
                     bureau("c", "http://127.0.1.2:80/", "http://127.0.1.3:80/"), bureau("d", "http://127.0.1.3:81/"),
                     bureau("e", "http://127.0.1.4:80/")])
    assert sorted(sorted(b.id for b in g) for g in groups) == [["a", "b"], ["c", "d"], ["e"]]


def test_the_egg_holds_the_scrapy_project():
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(build_egg())).namelist()
    assert "spiders/spiders/disclosure.py" in names and "spiders/settings.py" in names
    assert "EGG-INFO/entry_points.txt" in names and not any(n.startswith("auditor/") for n in names)


def test_scrapyd_audit_equals_single_machine_audit(tmp_path):
    province = tmp_path / "province"
    simulate(province, seed=1, hosts=3)  # the demo's ten bureaus on three shared hosts
    one, many = tmp_path / "one", tmp_path / "many"  # a folder per store: each has its own evidence/
    with serve_province(province) as sites, scrapyd_nodes(tmp_path / "nodes", 3) as nodes:
        single = run_auditor("-q", "audit", "--sites", str(sites), "--db", str(one / "single.db"),
                             "--out", str(one / "report"))
        assert single.returncode == 0, single.stderr
        process = subprocess.Popen(
            [sys.executable, "-m", "auditor.cli", "audit", "--sites", str(sites), "--db", str(many / "nodes.db"),
             "--out", str(many / "report"), "--nodes", ",".join(n.url for n in nodes)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        running_on(nodes[2])
        nodes[2].kill()  # a machine dies mid-audit, with its crawl
        output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    assert "stopped answering" in output and "rescheduled on" in output
    stats = json.loads(sqlite3.connect(many / "nodes.db").execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["rescheduled"] >= 1 and all(s["node"] != nodes[2].url for s in stats["shards"])
    hosts = [h for s in stats["shards"] for h in s["hosts"]]
    assert sorted(hosts) == ["127.0.1.1", "127.0.1.2", "127.0.1.3"]  # each host in one shard, one node
    merged = fails(many / "nodes.db")
    assert merged == fails(one / "single.db")
    truth = json.loads((province / "ground_truth.json").read_text(encoding="utf-8"))
    assert {(b, r) for b, r, s, _ in merged if s == "fail"} == {(d["bureau"], d["rule"]) for d in truth["defects"]}
    documents = sqlite3.connect(many / "nodes.db").execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM documents").fetchone()
    assert documents[0] == documents[1] == sqlite3.connect(one / "single.db").execute(
        "SELECT COUNT(*) FROM documents").fetchone()[0]
    assert (many / "evidence" / "run-1.warc.gz").stat().st_size > 100_000  # the nodes' responses, merged


def test_a_node_that_never_answers_is_declared_dead(monkeypatch):
    """A node behind a partition accepts connections and says nothing: polls time out, and after
    three of them its shards would go elsewhere."""
    import socket

    from auditor import scaleout

    monkeypatch.setattr(scaleout, "HTTP_TIMEOUT", 0.3)
    with socket.socket() as hole:
        hole.bind(("127.0.0.1", 0))
        hole.listen(8)  # never accepted, never answered
        node = scaleout.Node(f"http://127.0.0.1:{hole.getsockname()[1]}")
        notes: list[str] = []
        started = time.monotonic()
        for _ in range(scaleout.DEAD_AFTER):
            assert scaleout._poll([node], notes.append) == {}
    assert not node.alive and time.monotonic() - started < 5
    assert notes == [f"节点 node {node.url} stopped answering; its shards go to other nodes"]
