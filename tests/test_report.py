"""Report output is always escaped, and CSV cells cannot become formulas."""

from __future__ import annotations

import csv
import io
import json

from auditor.report import findings_csv, safe_cell, write_report
from auditor.rules_engine.findings import Finding
from auditor.store import Store

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_hostile_titles_render_as_text(tmp_path):
    store = Store(tmp_path / "a.db")
    registry = {"bureaus": [{"id": "b1", "name": "某局<b>", "level": "county", "kind": "finance", "region": "341821",
                             "start_urls": ["http://127.0.0.2:1/"], "waivers": []}]}
    run = store.start_run(audit_date="2026-11-29", sites_file="s", registry=registry, catalogue_version="1",
                          tool_version="0", command="t", province="安徽省")
    finding = Finding(bureau="b1", rule="META-DOCNO-1", status="fail", severity="warning", rule_title="文号书写规范",
                      subject="http://127.0.0.2:1/x.html", message=f"“{HOSTILE}”：不规范", found=HOSTILE,
                      documents=[{"title": HOSTILE, "url": "javascript:alert(3)"}],
                      evidence={"url": "http://127.0.0.2:1/x.html", "fetched_at": "t"}, area="元数据")
    store.db["findings"].insert(finding.to_row(run))
    out = tmp_path / "report"
    write_report(store, run, out)
    for page in (out / "index.html", out / "bureau" / "b1.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "某局<b>" not in html
    bureau = (out / "bureau" / "b1.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in bureau
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))[0]["documents"][0]["title"] == HOSTILE


def test_csv_formula_injection_neutralised():
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_cell("+1") == "'+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("正常") == "正常"
    record = {"bureau": "b1", "rule": "X-1", "message": "=HYPERLINK(\"http://x\")", "documents": [],
              "evidence": {"url": None, "fetched_at": None}}
    rows = list(csv.DictReader(io.StringIO(findings_csv([record]))))
    assert rows[0]["message"].startswith("'=")


def test_times_are_shown_in_beijing_time():
    from auditor.report import beijing_time

    assert beijing_time("2026-11-29T07:47:03+00:00") == "2026-11-29 15:47:03 北京时间"
    assert beijing_time("2026-11-29T23:10:00+08:00") == "2026-11-29 23:10:00 北京时间"
    assert beijing_time(None) == "—"
