"""The command line: stage commands on the audited demo store, and ``extract``."""

from __future__ import annotations

import json

from tests.conftest import run_auditor


def test_extract_file(corpus):
    result = run_auditor("extract", str(corpus / "fujian_pingtan_detail_1.fragment.html"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"index_no", "category", "publisher", "subject", "title", "doc_no", "published", "written",
            "validity", "raw", "encoding", "profile"} <= data.keys()
    assert data["index_no"] == "PZ00108-3000-2012-00001" and data["published"] == "2012-08-21"
    assert data["category"] is None and data["encoding"] == "utf-8"
    assert data["profile"] == "generic"  # a fragment without a URL carries too few TRS markers
    govcn = json.loads(run_auditor("extract", str(corpus / "govcn_detail_1.html")).stdout)
    assert (govcn["profile"], govcn["profile_confidence"], govcn["doc_no"]) == ("govcn", 1.0, "国办发〔2020〕50号")


def test_extract_unreadable_input(tmp_path):
    result = run_auditor("extract", str(tmp_path / "missing.html"))
    assert result.returncode == 1 and "cannot read" in result.stderr and result.stdout == ""


def test_stage_commands_re_evaluate_and_re_report(demo_audit, tmp_path):
    db = str(demo_audit["db"])
    evaluated = run_auditor("-q", "evaluate", "--db", db)
    assert evaluated.returncode == 0, evaluated.stderr
    report = run_auditor("-q", "report", "--db", db, "--out", str(tmp_path / "again"))
    assert report.returncode == 0, report.stderr
    again = json.loads((tmp_path / "again" / "findings.json").read_text(encoding="utf-8"))
    key = lambda f: (f["bureau"], f["rule"], f["status"], f["subject"])  # noqa: E731
    assert sorted(map(key, again)) == sorted(map(key, demo_audit["findings"]))


def test_evaluate_unknown_run(tmp_path):
    result = run_auditor("evaluate", "--db", str(tmp_path / "empty.db"), "--run", "3")
    assert result.returncode == 2 and "no audit run 3" in result.stderr
