"""End to end: the served demo province audited through the CLI, scored against its ground truth."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlsplit

PLANTED_KINDS = {"WEB-DOWN-1", "RPT-1", "META-IDX-2", "META-IDX-6", "META-DOCNO-1", "META-DATE-1",
                 "META-DATE-2", "INT-1", "WEB-UPD-2", "WEB-LNK-1"}


def _subject(finding: dict) -> str:
    parts = urlsplit(finding["subject"])
    return parts.path if parts.scheme else finding["subject"]


def test_every_planted_defect_is_found_and_nothing_else(demo_audit):
    truth = {(d["bureau"], d["rule"], d["subject"]) for d in demo_audit["truth"]["defects"]}
    fails = {(f["bureau"], f["rule"], _subject(f)) for f in demo_audit["findings"] if f["status"] == "fail"}
    assert {rule for _, rule, _ in truth} == PLANTED_KINDS
    missed = truth - fails
    assert not missed, f"planted defects not reported: {sorted(missed)}"
    truth_pairs = {(b, r) for b, r, _ in truth}
    extra = {(b, r) for b, r, _ in fails} - truth_pairs
    assert not extra, f"fails outside the ground truth: {sorted(extra)}"
    assert fails == truth  # precision and recall 1.0 down to the subject


def test_down_site_is_untestable_not_failed(demo_audit):
    down = [f for f in demo_audit["findings"] if f["bureau"] == "jx-czj"]
    statuses = {f["rule"]: f["status"] for f in down}
    assert statuses.pop("WEB-DOWN-1") == "fail"
    assert set(statuses.values()) == {"untestable"}
    assert len(statuses) == 9


def test_findings_json_contract(demo_audit):
    findings = demo_audit["findings"]
    required = {"bureau", "rule", "status", "severity", "rule_title", "subject", "documents", "evidence"}
    for f in findings:
        assert required <= f.keys()
        assert f["status"] in {"fail", "pass", "na", "untestable"}
        assert f["severity"] in {"error", "warning", "info"}
        assert set(f["evidence"]) == {"url", "fetched_at"}
        for doc in f["documents"]:
            assert set(doc) == {"title", "url"}
    late = next(f for f in findings if f["rule"] == "META-DATE-2" and f["status"] == "fail")
    assert late["documents"][0]["url"] == late["subject"] == late["evidence"]["url"]
    assert late["evidence"]["fetched_at"].startswith("20")
    assert "21个工作日" in late["message"]
    assert late["catalogue_version"] == "2026.11.1"
    missing = next(f for f in findings if f["rule"] == "RPT-1" and f["bureau"] == "lx-czj")
    assert missing["subject"] == "2025年度政府信息公开工作年度报告" and missing["documents"] == []
    assert missing["message"] == "在“政府信息公开年度报告”栏目中未发现2025年度政府信息公开工作年度报告"


def test_csv_holds_the_same_findings(demo_audit):
    raw = (demo_audit["out"] / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(demo_audit["findings"])
    assert {(r["bureau"], r["rule"], r["status"], r["subject"]) for r in rows} == {
        (f["bureau"], f["rule"], f["status"], f["subject"]) for f in demo_audit["findings"]}


def test_report_pages(demo_audit):
    out = demo_audit["out"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert demo_audit["stdout"].strip() == str(out / "index.html")
    assert '<html lang="zh-CN">' in index
    for bureau in ("xc-zrzy", "jx-czj", "lx-zrzy"):
        assert f'href="bureau/{bureau}.html"' in index
    # vetoes: WEB-DOWN-1 (jx-czj), WEB-UPD-2 (lx-zrzy), META-DATE-1 (xc-czj)
    assert index.count('<strong class="verdict bad">不合格</strong>') == 3
    assert "WEB-DOWN-1 未满足“网站首页可以访问”" in index
    page = (out / "bureau" / "lx-zrzy.html").read_text(encoding="utf-8")
    assert "WEB-UPD-2" in page and "空白栏目" in page and "国办秘函〔2019〕19号" in page
    assert "整改建议" in page and "抓取于" in page


def test_crawl_covered_every_live_site(demo_audit, province):
    from auditor.store import Store

    manifest = json.loads((province / "manifest.json").read_text(encoding="utf-8"))
    expected = {b["id"]: b["documents"] for b in manifest["bureaus"] if not b["down"]}

    store = Store(demo_audit["db"])
    columns = store.rows("SELECT bureau_id, COUNT(*) n, SUM(complete) done, SUM(items) items FROM columns GROUP BY 1")
    assert {r["bureau_id"] for r in columns} == expected.keys()
    assert all(r["n"] == r["done"] for r in columns)
    assert {r["bureau_id"]: r["items"] for r in columns} == expected
    documents = dict(store.db.execute("SELECT bureau_id, COUNT(*) FROM documents GROUP BY 1").fetchall())
    assert documents == expected
    profiles = dict(store.db.execute("SELECT id, detected_profile FROM bureaus").fetchall())
    assert profiles["xc-zrzy"] == "anhui_openness" and profiles["xz-zrzy"] == "trs" and profiles["lx-czj"] == "empirecms"
    assert profiles["jxi-zrzy"] == "hanweb" and profiles["jxi-czj"] == "trs"
    unfinished = store.count("bureaus", "crawl_finished_at IS NULL")
    assert unfinished == 0  # every bureau, the down one included, was marked done
    encodings = dict(store.db.execute("SELECT bureau_id, encoding FROM pages WHERE kind = 'start'").fetchall())
    assert encodings["xz-zrzy"] == "gb18030" and encodings["xc-zrzy"] == "utf-8"
