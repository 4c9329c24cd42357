"""Crawl edge cases on a hand-made site: chained 下一页 pagination, a list page that fails,
links to another host, a link too long to request, and a column of sub-columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from auditor.rules_engine.catalogue import load_catalogue
from auditor.rules_engine.engine import evaluate_run
from auditor.simulator.server import serve_province
from auditor.store import Store
from tests.conftest import run_auditor

OFFSITE = "http://127.0.0.99:9/never.html"  # another loopback host: must never be requested


def page(body: str) -> str:
    return f'<html><head><meta charset="utf-8"><title>站</title></head><body>{body}</body></html>'


def item(n: int, day: int) -> str:
    return f'<li><a href="/d/{n}.html">关于第{n}号事项的通知</a><span>2026-05-{day:02d}</span></li>'


def build_site(root: Path) -> None:
    files = {
        "index.html": page('<a href="/news/">通知公告</a> <a href="/broken/">政策文件</a> '
                           f'<a href="/cat/">重点领域</a> <a href="{OFFSITE}">外站</a>'),
        "news/index.html": page("<ul>" + item(1, 3) + item(2, 4) + '</ul><a href="/news/p2.html">下一页</a>'),
        "news/p2.html": page("<ul>" + item(3, 5) + '</ul><a href="/news/p3.html">下一页</a>'),
        "news/p3.html": page("<ul>" + item(4, 6) + "</ul>"),
        "broken/index.html": page("<ul>" + item(5, 7) + '</ul><a href="/broken/index_2.html">下一页</a>'),
        "cat/index.html": page('<a href="/cat/land/">土地征收</a> <a href="/cat/empty/">矿业权出让</a>'),
        "cat/land/index.html": page("<ul>" + item(6, 8) + "</ul>"),
        "cat/empty/index.html": page("<ul></ul><p>暂无信息</p>"),
    }
    for n in range(1, 7):
        files[f"d/{n}.html"] = page(f"<table><tr><td>索引号：</td><td>X/2026-0000{n}</td><td>发布日期：</td>"
                                    f"<td>2026-05-0{n}</td></tr></table><h1>关于第{n}号事项的通知</h1>"
                                    f'<div><a href="{OFFSITE}">外链</a> <a href="/att/{n}.pdf">附件</a></div>')
    files["d/6.html"] = files["d/6.html"].replace("</div>", f'<a href="/q?{"x" * 2100}">过长链接</a></div>')
    for path, text in files.items():
        target = root / "sites" / "t1" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    manifest = {"province": "测试省", "audit_date": "2026-11-29", "bureaus": [{
        "id": "t1", "name": "测试县财政局", "region": "341821", "level": "county", "kind": "finance",
        "credit_code": None, "address": "127.0.0.20", "home": "/index.html", "charset": "utf-8", "down": False}]}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    build_site(root)
    db = root / "audit.db"
    with serve_province(root) as sites_yaml:
        result = run_auditor("-q", "crawl", "--sites", str(sites_yaml), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return Store(db), int(result.stdout.strip())


def test_chained_pagination_is_followed_to_the_end(crawled):
    store, run = crawled
    (news,) = store.rows("SELECT * FROM columns WHERE run_id = ? AND name = '通知公告'", [run])
    assert (news["items"], news["pages_expected"], news["pages_ok"], news["complete"]) == (4, 3, 3, 1)


def test_failed_list_page_leaves_the_column_incomplete(crawled):
    store, run = crawled
    (broken,) = store.rows("SELECT * FROM columns WHERE run_id = ? AND name = '政策文件'", [run])
    assert (broken["items"], broken["pages_failed"], broken["complete"]) == (1, 1, 0)


def test_sub_columns_and_blank_column(crawled):
    store, run = crawled
    names = {r["name"]: r["items"] for r in store.rows("SELECT name, items FROM columns WHERE run_id = ?", [run])}
    assert names == {"通知公告": 4, "政策文件": 1, "土地征收": 1, "矿业权出让": 0}


def test_never_leaves_the_bureau_host(crawled):
    store, run = crawled
    hosts = {r["url"].split("/")[2] for r in store.rows("SELECT url FROM pages WHERE run_id = ?", [run])}
    assert len(hosts) == 1 and hosts.pop().startswith("127.0.0.20:")
    assert store.count("documents", "run_id = ?", [run]) == 6
    broken = store.rows("SELECT url, status FROM pages WHERE run_id = ? AND url LIKE '%/att/%'", [run])
    assert len(broken) == 6 and {r["status"] for r in broken} == {404}


def test_incomplete_column_makes_absence_untestable(crawled):
    store, run = crawled
    findings = {f.rule: f for f in evaluate_run(store, run, load_catalogue())}
    assert findings["RPT-1"].status == "untestable"
    links = findings["WEB-LNK-1"]
    assert links.status == "fail" and links.details["checked"] == 18  # 3 nav, 6 items, 6 attachments, 3 pager
    assert sorted(b["to"].split("/", 3)[3] for b in links.details["broken"]) == [
        "att/1.pdf", "att/2.pdf", "att/3.pdf", "att/4.pdf", "att/5.pdf", "att/6.pdf", "broken/index_2.html"]


def test_requests_carry_the_page_they_came_from_as_referer(crawled):
    store, run = crawled
    (warc,) = {r["warc_file"] for r in store.rows("SELECT warc_file FROM pages WHERE run_id = ? AND warc_file IS NOT NULL", [run])}
    referers = {}
    with open(store.path.parent / warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "request":
                path = record.rec_headers.get_header("WARC-Target-URI").split("/", 3)[3]
                referers[path] = (record.http_headers.get_header("Referer") or "").split("/", 3)[3:]
    assert referers[""] == []  # the start page
    assert referers["news/"] == referers["cat/"] == [""]
    assert referers["cat/land/"] == ["cat/"]
    assert referers["d/3.html"] == ["news/p2.html"]
    assert referers["att/1.pdf"] == ["d/1.html"]


def test_a_link_too_long_to_request_does_not_hold_the_bureau(crawled):
    store, run = crawled
    assert store.count("links", "run_id = ? AND length(to_url) > 2083", [run]) == 1
    assert store.count("pages", "run_id = ? AND length(url) > 2083", [run]) == 0
    (bureau,) = store.rows("SELECT crawl_finished_at FROM bureaus WHERE run_id = ?", [run])
    assert bureau["crawl_finished_at"] is not None
