"""Reliability: one real audit of the fault server's sites (tests/faultserver.py).

Each site carries one fault; the ``clean`` site carries the same content without one. The
contract: a fault never adds a ``fail`` the clean copy does not have — except where the site
really is at fault (a link answering 500, a site that is down) —, what the tool could not read
is recorded and reported as such, and traps cannot hold the audit.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor import USER_AGENT
from tests.conftest import run_auditor
from tests.faultserver import CREDIT, serve_faults
from tests.test_report_browser import browser, open_page  # noqa: F401 - the browser fixture

# short timeouts and backoff so the suite is quick; the behaviour is the shipped one
SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=4", "-s", "AUDITOR_RETRY_BACKOFF_BASE=0.3", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "AUDITOR_MAX_LIST_PAGES=30"]
REAL_GAPS = {"http500": {"WEB-LNK-1"}, "hostile": {"WEB-LNK-1"}, "down": {"WEB-DOWN-1"}, "refused": {"WEB-DOWN-1"}}
CRAWL_BOUND = 120  # seconds: the stall (3 × 4 s), retries and caps all fit well inside


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("faults")
    with serve_faults(work) as (sites_yaml, sites):
        started = time.monotonic()
        result = run_auditor("-q", "audit", "--sites", str(sites_yaml), "--db", str(work / "audit.db"),
                             "--out", str(work / "report"), *SETTINGS, timeout=600)
        elapsed = time.monotonic() - started
        hits = {name: (dict(site.hits), {p: list(t) for p, t in site.times.items()}) for name, site in sites.items()}
    assert result.returncode == 0, result.stderr[-3000:]
    findings = json.loads((work / "report" / "findings.json").read_text(encoding="utf-8"))
    status: dict[str, dict[str, str]] = {}
    for f in findings:
        status.setdefault(f["bureau"].replace("-", "_"), {})[f["rule"]] = f["status"]
    db = sqlite3.connect(work / "audit.db")
    db.row_factory = sqlite3.Row
    return {"work": work, "elapsed": elapsed, "hits": {k: v[0] for k, v in hits.items()},
            "times": {k: v[1] for k, v in hits.items()}, "status": status, "findings": findings, "db": db,
            "sites": {name: site.url for name, site in sites.items()}}


def pages(faulty: dict, site: str) -> dict[str, sqlite3.Row]:
    rows = faulty["db"].execute("SELECT * FROM pages WHERE bureau_id = ?", [site.replace("_", "-")])
    base = faulty["sites"][site]
    return {row["url"].removeprefix(base[:-1]): row for row in rows}


def finding(faulty: dict, site: str, rule: str) -> dict:
    return next(f for f in faulty["findings"] if f["bureau"] == site.replace("_", "-") and f["rule"] == rule)


def test_no_fault_turns_into_a_false_fail(faulty):
    clean = {rule for rule, s in faulty["status"]["clean"].items() if s == "fail"}
    assert {"RPT-1", "META-REQ-1"} <= clean  # the shared content has real gaps, so the check can bite
    for site, rules in faulty["status"].items():
        fails = {rule for rule, s in rules.items() if s == "fail"}
        extra = fails - clean
        if site == "hostile":  # its formula 文号 is a real gap too
            extra = {rule for rule in extra if not rule.startswith("META-DOCNO")}
        assert extra == REAL_GAPS.get(site, set()), site


def test_the_audit_is_bounded_in_time(faulty):
    assert faulty["elapsed"] < CRAWL_BOUND


def test_stall_past_the_timeout_is_retried_then_unread(faulty):
    page = pages(faulty, "stall")["/doc/2.html"]
    assert (page["status"], page["attempts"]) == (None, 3)
    assert "took longer than 4.0 seconds" in page["error"]
    assert faulty["status"]["stall"]["RPT-1"] == "untestable"  # a hidden document could be the report
    assert faulty["status"]["clean"]["RPT-1"] == "fail"
    assert "另有1个信息页面未能读取" in finding(faulty, "stall", "META-IDX-1")["message"]


def test_connection_reset_is_unchecked_not_broken(faulty):
    page = pages(faulty, "reset")["/att/2.txt"]
    assert page["status"] is None and page["attempts"] == 3 and "Connection" in page["error"]
    lnk = finding(faulty, "reset", "WEB-LNK-1")
    assert lnk["status"] == "untestable" and "1个站内链接或附件未能检查" in lnk["message"]


def test_a_link_answering_500_is_a_real_broken_link(faulty):
    page = pages(faulty, "http500")["/att/3.txt"]
    assert (page["status"], page["attempts"]) == (500, 3)
    lnk = finding(faulty, "http500", "WEB-LNK-1")
    assert lnk["status"] == "fail"
    assert [b["to"] for b in lnk["details"]["broken"]] == [faulty["sites"]["http500"] + "att/3.txt"]


def test_retry_after_is_honoured(faulty):
    assert faulty["hits"]["flaky503"]["/doc/1.html"] == 2
    first, second = faulty["times"]["flaky503"]["/doc/1.html"]
    assert second - first >= 0.95  # Retry-After: 1
    page = pages(faulty, "flaky503")["/doc/1.html"]
    assert (page["status"], page["attempts"]) == (200, 2)
    title = faulty["db"].execute("SELECT title FROM documents WHERE url LIKE ?", [f"%{page['url'][-18:]}"]).fetchone()
    assert title[0].startswith("关于测试")
    first, second = faulty["times"]["rate429"]["/col/"]
    assert second - first >= 0.95
    assert faulty["db"].execute("SELECT count(*) FROM list_items WHERE bureau_id = 'rate429'").fetchone()[0] == 3


def test_site_down_is_web_down_1_with_attempts(faulty):
    assert faulty["hits"]["down"]["/"] == 3
    first, second, third = faulty["times"]["down"]["/"]
    assert second - first >= 0.3 * 0.5 and third - second >= 0.6 * 0.5  # exponential backoff with jitter
    down = finding(faulty, "down", "WEB-DOWN-1")
    assert down["status"] == "fail" and "HTTP 502" in down["message"] and "共尝试3次" in down["message"]
    assert {s for r, s in faulty["status"]["down"].items() if r != "WEB-DOWN-1"} == {"untestable"}
    refused = finding(faulty, "refused", "WEB-DOWN-1")
    assert refused["status"] == "fail" and "refused" in refused["message"]


def test_challenge_pages_are_blocked_not_content(faulty):
    assert faulty["hits"]["jsl"] == {"/robots.txt": 1, "/": 1}  # a challenge is not retried
    assert pages(faulty, "jsl")["/"]["blocked"] == "加速乐"
    assert set(faulty["status"]["jsl"].values()) <= {"untestable", "na"}
    assert "加速乐" in finding(faulty, "jsl", "WEB-DOWN-1")["message"]
    blocked = {p: row["blocked"] for p, row in pages(faulty, "ruishu").items() if row["kind"] == "detail"}
    assert blocked == {f"/doc/{n}.html": "瑞数" for n in (1, 2, 3)}
    assert faulty["status"]["ruishu"]["META-REQ-1"] == "untestable"
    page = (faulty["work"] / "report" / "bureau" / "jsl.html").read_text(encoding="utf-8")
    assert "网站防护（加速乐）拦截了检查工具" in page and USER_AGENT.split(" ")[0] in page


def test_redirect_loop_and_off_site_redirect_are_not_followed(faulty):
    loop = pages(faulty, "redirect_loop")["/att/1.txt"]
    assert "max redirections" in loop["error"]
    assert sum(n for p, n in faulty["hits"]["redirect_loop"].items() if p.startswith("/loop/")) <= 6
    assert faulty["status"]["redirect_loop"]["WEB-LNK-1"] == "untestable"
    assert faulty["hits"]["_peer"] == {}  # the other site never got a request
    offsite = pages(faulty, "offsite")
    assert "redirected off-site to " + faulty["sites"]["_peer"] in offsite["/doc/1.html"]["error"]
    moved = offsite["/doc/2.html"]  # an on-site redirect is followed; the page keeps its listed URL
    assert moved["status"] == 200 and moved["redirected_to"].endswith("/moved/2.html")
    assert faulty["db"].execute("SELECT count(*) FROM documents WHERE url = ?", [moved["url"]]).fetchone()[0] == 1


def test_endless_pagination_is_capped(faulty):
    columns = {row["name"]: row for row in faulty["db"].execute("SELECT * FROM columns WHERE bureau_id = 'endless'")}
    assert {name: (c["pages_expected"], c["complete"]) for name, c in columns.items()} == {
        "通知公告": (30, 0), "工作日程": (30, 0)}
    assert len([p for p in faulty["hits"]["endless"] if p.startswith(("/col/list_", "/cal/index_"))]) <= 58
    limits = faulty["db"].execute("SELECT crawl_limits FROM bureaus WHERE id = 'endless'").fetchone()[0]
    assert json.loads(limits)["list_pages"] >= 2
    assert faulty["status"]["endless"]["RPT-1"] == "untestable"


def test_huge_bodies_are_cut_at_the_size_cap(faulty):
    rows = pages(faulty, "huge")
    assert "larger than download max size" in rows["/att/1.txt"]["error"]
    assert rows["/att/2.txt"]["status"] is None and "Cancelled" in rows["/att/2.txt"]["error"]
    assert finding(faulty, "huge", "WEB-LNK-1")["status"] == "untestable"


def test_truncated_gzip_is_not_read_as_a_whole_page(faulty):
    page = pages(faulty, "bad_gzip")["/doc/3.html"]
    assert page["status"] is None and "truncated gzip body" in page["error"]
    assert faulty["db"].execute("SELECT count(*) FROM documents WHERE url = ?", [page["url"]]).fetchone()[0] == 0


def test_charset_lie_is_decoded_right(faulty):
    rows = faulty["db"].execute("SELECT d.title, d.doc_no, d.index_no, p.encoding FROM documents d JOIN pages p "
                                "ON p.run_id = d.run_id AND p.url = d.url WHERE d.bureau_id = 'charset-lie' "
                                "AND d.url LIKE '%/doc/%' ORDER BY d.url").fetchall()
    assert [tuple(r) for r in rows] == [(f"关于测试{15}县自然资源和规划局第{n}批公告事项的通知", f"测政〔2026〕{n}号",
                                         f"{CREDIT}/2026-{n:05d}", "gb18030") for n in (1, 2, 3)]


def test_robots_txt_is_obeyed_by_default(faulty):
    assert not [p for p in faulty["hits"]["robots"] if p.startswith("/doc/")]
    assert all("Forbidden by robots.txt" in r["error"] for p, r in pages(faulty, "robots").items() if p.startswith("/doc/"))
    assert faulty["status"]["robots"]["META-REQ-1"] == "untestable"
    assert faulty["status"]["robots"]["RPT-1"] == "untestable"


def test_ignore_robots_is_explicit_and_recorded(tmp_path):
    with serve_faults(tmp_path, ["robots"], refused=False) as (sites_yaml, sites):
        result = run_auditor("audit", "--sites", str(sites_yaml), "--db", str(tmp_path / "a.db"), "--out",
                             str(tmp_path / "report"), "--ignore-robots", *SETTINGS)
        hits = dict(sites["robots"].hits)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "robots.txt is ignored for this run (--ignore-robots)" in result.stdout + result.stderr
    assert {f"/doc/{n}.html" for n in (1, 2, 3)} <= set(hits) and "/robots.txt" not in hits
    stats = json.loads(sqlite3.connect(tmp_path / "a.db").execute("SELECT stats FROM runs").fetchone()[0])
    assert stats["ignore_robots"] is True
    assert "本次检查经授权未遵守网站 robots.txt" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_parser_breaking_html_still_yields_metadata(faulty):
    rows = faulty["db"].execute("SELECT url, doc_no FROM documents WHERE bureau_id = 'broken-html' "
                                "AND url LIKE '%/doc/%' ORDER BY url").fetchall()
    assert [r[1] for r in rows] == ["测政〔2026〕1号", "测政〔2026〕2号", "测政〔2026〕3号"]


def test_hostile_content_is_inert_everywhere(faulty, browser):  # noqa: F811 - the imported fixture
    report = faulty["work"] / "report"
    evil = '=HYPERLINK("http://evil.example")<script>alert("xss")</script>'
    assert faulty["db"].execute("SELECT count(*) FROM documents WHERE title = ?", [evil]).fetchone()[0] == 1
    page = (report / "bureau" / "hostile.html").read_text(encoding="utf-8")
    assert '<script>alert("xss")' not in page and "&lt;script&gt;alert(" in page and "HYPERLINK" in page
    with open(report / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row if "HYPERLINK" in cell]
    assert cells and all(not cell.startswith("=") for cell in cells)
    book = load_workbook(report / "findings.xlsx")
    values = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert values and all(c.data_type == "s" for c in values)
    dialogs: list[str] = []
    tab, problems = open_page(browser, (report / "bureau" / "hostile.html").as_uri())
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.reload()
    tab.wait_for_load_state("load")
    assert dialogs == [] and problems == []
    assert "/pwned" not in faulty["hits"]["hostile"]  # the page's own JavaScript never ran
    assert sorted(p.name for p in (report / "bureau").iterdir()) == sorted(
        f"{b.replace('_', '-')}.html" for b in faulty["status"])


def test_fault_table_in_docs_lists_every_fault():
    text = (Path(__file__).resolve().parent.parent / "docs" / "reliability.md").read_text(encoding="utf-8")
    from tests.faultserver import FAULTS
    for name in FAULTS:
        assert f"`{name}`" in text, name


def test_a_down_site_is_a_gap_not_an_unread_page(faulty):
    """The "not counted" list of unread pages never holds a start page that is simply down: that
    is WEB-DOWN-1's gap. A challenged start page is listed (the tool was turned away)."""
    down = (faulty["work"] / "report" / "bureau" / "down.html").read_text(encoding="utf-8")
    assert "未能读取的页面" not in down and "HTTP 502" in down
    jsl = (faulty["work"] / "report" / "bureau" / "jsl.html").read_text(encoding="utf-8")
    assert "未能读取的页面（1）" in jsl
