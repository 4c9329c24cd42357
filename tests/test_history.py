"""Two real audits of the served province with changes planted between them: ``auditor diff``
reports gaps new, fixed and persisting, and documents added, changed and vanished."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil

from auditor.simulator.province import build_province
from auditor.simulator.render import write_province
from auditor.simulator.server import serve_province
from tests.conftest import run_auditor

ONLY = ("lx-czj", "xc-zrzy")


def test_diff_between_two_real_audits(tmp_path):
    province = build_province(1)
    folder, db = tmp_path / "province", tmp_path / "audit.db"
    write_province(province, folder)
    by_id = {b.id: b for b in province.bureaus}
    with serve_province(folder) as sites:
        first = run_auditor("-q", "audit", "--sites", str(sites), "--db", str(db), "--out", str(tmp_path / "r1"), "--only", *ONLY)
        assert first.returncode == 0, first.stderr
        # between the audits: lx-czj publishes its missing 2025 report; xc-zrzy removes a notice
        # and edits another one's 文号 into a malformed one
        reports = by_id["lx-czj"].column("ndbg").documents
        late = dataclasses.replace(reports[0], id=99001, title=reports[0].title.replace("2024年", "2025年"),
                                   published=dt.date(2026, 1, 20), written=None)
        reports.insert(0, late)
        notices = by_id["xc-zrzy"].column("tzgg").documents
        gone = notices.pop(30)
        edited = notices[31]
        edited.doc_no = f"宣自然资发[{edited.written.year}]9号"
        shutil.rmtree(folder / "sites")
        write_province(province, folder)
        # --full: an edit that leaves the list entry as it was is seen by an incremental audit only
        # on the page's revalidation turn (see docs/operations.md)
        second = run_auditor("-q", "audit", "--sites", str(sites), "--db", str(db), "--out", str(tmp_path / "r2"),
                             "--full", "--only", *ONLY)
        assert second.returncode == 0, second.stderr
    result = run_auditor("diff", "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    assert (diff["from"], diff["to"]) == (1, 2)
    bureaus = {b["bureau"]: b for b in diff["bureaus"]}
    assert set(bureaus) == set(ONLY)
    lx, xc = bureaus["lx-czj"], bureaus["xc-zrzy"]
    assert {(f["rule"], f["subject"]) for f in lx["fixed"]} >= {("RPT-1", "2025年度政府信息公开工作年度报告")}
    assert any(url.endswith(late.path) for url in lx["documents"]["added"])
    assert [f["rule"] for f in xc["new"] if f["subject"].endswith(edited.path)] == ["META-DOCNO-1"]
    assert [url for url in xc["documents"]["vanished"] if url.endswith(gone.path)]
    assert any(url.endswith(edited.path) for url in xc["documents"]["changed"])
    persisting = {f["rule"] for f in xc["persisting"]}
    assert {"WEB-INT-1", "META-IDX-4", "LAND-3"} <= persisting  # untouched defects stay
    page = (tmp_path / "r2" / "bureau" / "xc-zrzy.html").read_text(encoding="utf-8")
    assert "本次未在网站上找到" in page and gone.path in page and "与第1次检查相比" in page
    # one document across the two audits: seen, then gone; and the one that changed
    gone_url = next(url for url in xc["documents"]["vanished"] if url.endswith(gone.path))
    record = json.loads(run_auditor("history", "--db", str(db), gone_url, "--json").stdout)
    assert (record["first_seen"], record["last_seen"], record["absent_in"]) == (1, 1, [2])
    edited_url = next(url for url in xc["documents"]["changed"] if url.endswith(edited.path))
    record = json.loads(run_auditor("history", "--db", str(db), edited_url, "--json").stdout)
    assert (record["first_seen"], record["last_seen"], record["changes"]) == (1, 2, 1)
    text = run_auditor("diff", "--db", str(db), "1", "2").stdout
    assert "第1次 → 第2次检查" in text and "× 信息已从网站删除 vanished: " in text
