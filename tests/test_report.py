"""Reports: output always escaped, no cell becomes a formula, exports hold the same findings,
trends and changes between audits, the 整改通知书, and ``auditor serve``."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.request

import openpyxl
import pytest

from auditor.reporting import write_report
from auditor.reporting.exports import findings_csv
from auditor.reporting.model import beijing_time, safe_cell
from auditor.reporting.serve import make_server
from auditor.rules_engine.findings import Finding
from auditor.store import Store

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'
FORMULA = "=cmd|' /C calc'!A0"
REGISTRY = {"province": "安徽省", "notice": {"issuer": "安徽省政务公开办公室", "reply_working_days": 15, "contact": "0551-1234"},
            "bureaus": [{"id": "b1", "name": "郎溪县某局<b>", "level": "county", "kind": "finance", "region": "341821",
                         "start_urls": ["http://127.0.0.2:1/"], "waivers": []},
                        {"id": "b2", "name": "宣城市某局", "level": "city", "kind": "finance", "region": "341800",
                         "start_urls": ["http://127.0.0.3:1/"], "waivers": []}]}


def finding(bureau: str, rule: str, status: str = "fail", subject: str = "http://127.0.0.2:1/x.html", **extra) -> Finding:
    values = dict(bureau=bureau, rule=rule, status=status, severity="warning", rule_title="文号书写规范",
                  subject=subject, message="问题", evidence={"url": subject, "fetched_at": "2026-11-29T02:00:00+00:00"},
                  area="元数据", catalogue_version="t")
    values.update(extra)
    return Finding(**values)


def run_with(store: Store, findings: list[Finding], audit_date: str = "2026-11-29") -> int:
    run = store.start_run(audit_date=audit_date, sites_file="s", registry=REGISTRY, catalogue_version="t",
                          tool_version="0", command="t", province="安徽省")
    store.db["findings"].insert_all([f.to_row(run) for f in findings])
    return run


def test_hostile_text_renders_as_text_everywhere(tmp_path):
    store = Store(tmp_path / "a.db")
    run = run_with(store, [finding("b1", "META-DOCNO-1", message=f"“{HOSTILE}”：不规范", found=HOSTILE,
                                   documents=[{"title": HOSTILE, "url": "javascript:alert(3)"}]),
                           finding("b2", "META-DOCNO-1", message=FORMULA)])
    out = tmp_path / "report"
    write_report(store, run, out)
    for page in (out / "index.html", out / "bureau" / "b1.html", out / "notice" / "b1.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "某局<b>" not in html
    bureau = (out / "bureau" / "b1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bureau
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))[0]["documents"][0]["title"] == HOSTILE
    book = openpyxl.load_workbook(out / "findings.xlsx")
    cells = {c.value: c.data_type for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert cells[FORMULA] == "s"  # kept as text, never a formula
    assert any(HOSTILE in str(value) for value in cells)
    csv_rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert {r["message"] for r in csv_rows} >= {"'" + FORMULA}


def test_csv_formula_injection_neutralised():
    assert safe_cell(FORMULA) == "'" + FORMULA
    assert safe_cell("+1") == "'+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("正常") == "正常"
    record = {"bureau": "b1", "rule": "X-1", "message": "=HYPERLINK(\"http://x\")", "documents": [],
              "evidence": {"url": None, "fetched_at": None}}
    rows = list(csv.DictReader(io.StringIO(findings_csv([record]))))
    assert rows[0]["message"].startswith("'=")


def test_times_are_shown_in_beijing_time():
    assert beijing_time("2026-11-29T07:47:03+00:00") == "2026-11-29 15:47:03 北京时间"
    assert beijing_time("2026-11-29T23:10:00+08:00") == "2026-11-29 23:10:00 北京时间"
    assert beijing_time(None) == "—"


def test_trends_changes_and_notice(tmp_path):
    store = Store(tmp_path / "a.db")
    run_with(store, [finding("b1", "META-DOCNO-1", subject="http://127.0.0.2:1/old.html"),
                     finding("b1", "META-IDX-2", subject="http://127.0.0.2:1/kept.html"),
                     finding("b2", "META-IDX-2", status="pass")], audit_date="2026-08-30")
    run = run_with(store, [finding("b1", "META-IDX-2", subject="http://127.0.0.2:1/kept.html"),
                           finding("b1", "RPT-1", subject="2025年度报告", severity="error", area="年度报告"),
                           finding("b2", "META-IDX-2", status="pass")])
    out = tmp_path / "report"
    write_report(store, run, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "与以往检查比较" in index and "自第1次（2026-08-30）至本次（第2次）共2次检查" in index
    assert '<polyline points="0.0,2.0 120.0,14.0"' in index  # 元数据: 2 gaps → 1 (half the height)
    assert '<td class="num better">-1</td>' in index and '<td class="num worse">+1</td>' in index
    page = (out / "bureau" / "b1.html").read_text(encoding="utf-8")
    assert "与第1次检查相比：新发现 <strong>1</strong> 个问题，已整改 <strong>1</strong> 个，仍未整改 <strong>1</strong> 个" in page
    assert page.count("仍未整改</span>") == 1 and page.count("新发现</span>") == 1
    notice = (out / "notice" / "b1.html").read_text(encoding="utf-8")
    assert "请于 <strong>2026年12月18日</strong> 前（检查日后15个工作日）" in notice
    assert "安徽省政务公开办公室" in notice and "0551-1234" in notice
    assert "关于郎溪县某局&lt;b&gt;政府网站政务公开问题的整改通知" in notice


def test_exports_round_trip(tmp_path):
    store = Store(tmp_path / "a.db")
    run = run_with(store, [finding("b1", f"META-IDX-{n}", subject=f"http://127.0.0.2:1/{n}.html") for n in range(1, 6)]
                   + [finding("b2", "RPT-1", status="na", subject="年报")])
    out = tmp_path / "report"
    write_report(store, run, out)
    records = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(out / "findings.xlsx")
    assert book.sheetnames[:2] == ["汇总", "规则说明"] and len(book.sheetnames) == 4
    summary = book["汇总"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref == "A1:L3"
    from_sheets = {(sheet.title.split(" ")[0], row[0].value, row[5].value)
                   for sheet in book.worksheets[2:] for row in sheet.iter_rows(min_row=2)}
    assert from_sheets == {(r["bureau"], r["rule"], r["subject"]) for r in records}
    assert [c.value for c in book.worksheets[2][1]][:4] == ["规则编号", "规则名称", "状态", "严重程度"]
    assert [c.value for c in book["规则说明"][2]][:2] == ["META-IDX-1", "文号书写规范"]


def test_serve_renders_the_store_on_demand(tmp_path):
    store = Store(tmp_path / "a.db")
    run = run_with(store, [finding("b1", "META-IDX-2")])
    server = make_server(tmp_path / "a.db", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        def get(path: str) -> tuple[int, str, bytes]:
            try:
                with urllib.request.urlopen(base + path) as response:
                    return response.status, response.headers["Content-Type"], response.read()
            except urllib.error.HTTPError as error:
                return error.code, "", b""
        status, kind, body = get("/")
        assert status == 200 and f'href="/runs/{run}/"'.encode() in body
        assert get(f"/runs/{run}/")[2].decode("utf-8").count('class="cell"') == 1  # 1 area × 1 evaluated bureau
        assert "郎溪县某局&lt;b&gt;".encode() in get(f"/runs/{run}/bureau/b1.html")[2]
        assert get(f"/runs/{run}/findings.xlsx")[1].startswith("application/vnd.openxmlformats")
        assert json.loads(get(f"/runs/{run}/findings.json")[2])[0]["rule"] == "META-IDX-2"
        assert get("/static/report.css")[0] == 200
        assert get("/static/../../../etc/passwd")[0] == 404 and get(f"/runs/{run}/bureau/nobody.html")[0] == 404
        assert get("/runs/99/")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_serve_refuses_a_missing_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        make_server(tmp_path / "none.db", port=0)
