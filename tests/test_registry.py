"""The site registry: the documented keys load; every mistake names file, line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.registry import RegistryError, load_registry
from tests.conftest import run_auditor

GOOD = """\
province: 安徽省
audit_date: 2026-11-29          # optional, default today
bureaus:
  - id: xc-zrzy
    name: 宣城市自然资源和规划局
    region: "341800"            # GB/T 2260
    level: city                 # province | city | county
    kind: natural_resources     # natural_resources | finance | government | ...
    credit_code: 11341700MB1631138U
    start_urls: ["http://127.0.0.2:8001/"]
    profile: auto               # auto, or a named CMS profile
    waivers:
      - {rule: MIN-1, reason: 本县无矿业权出让, until: 2027-12-31}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_issue_example_loads(tmp_path):
    registry = load_registry(write(tmp_path, GOOD))
    assert registry.province == "安徽省" and registry.audit_date == dt.date(2026, 11, 29)
    (bureau,) = registry.bureaus
    assert (bureau.id, bureau.level, bureau.kind, bureau.region) == ("xc-zrzy", "city", "natural_resources", "341800")
    assert bureau.hosts == {"127.0.0.2:8001"}
    assert bureau.waivers[0].rule == "MIN-1" and bureau.waivers[0].until == dt.date(2027, 12, 31)


def test_audit_date_defaults_to_today(tmp_path):
    registry = load_registry(write(tmp_path, GOOD.replace("audit_date: 2026-11-29", "")), today=dt.date(2026, 1, 5))
    assert registry.audit_date == dt.date(2026, 1, 5)


@pytest.mark.parametrize("change, expected", [
    (("level: city", "level: town"), ":7: bureaus[0].level: must be one of province, city, county (got 'town')"),
    (('region: "341800"', "region: 3418"), ":6: bureaus[0].region: must be a 6-digit GB/T 2260 code"),
    (('start_urls: ["http://127.0.0.2:8001/"]', 'start_urls: ["ftp://x/"]'), ":10: bureaus[0].start_urls: not an http(s) URL"),
    (("    profile: auto", "    colour: red"), ":11: bureaus[0].colour: unknown key"),
    (("    name: 宣城市自然资源和规划局\n", ""), ":4: bureaus[0].name: required key is missing"),
    (("{rule: MIN-1, reason: 本县无矿业权出让, until: 2027-12-31}", "{rule: MIN-1, until: soon}"),
     ":13: bureaus[0].waivers[0].until: must be a date"),
    (("province: 安徽省", "province: [安徽省"), ":2: (syntax)"),
    (("    profile: auto", "    approvals: {budget: 2026-02-10}"), ":11: bureaus[0].approvals: must map item_YEAR"),
    # wrong types, bad URLs, hostile ids, check digits
    (('start_urls: ["http://127.0.0.2:8001/"]', 'start_urls: "http://127.0.0.2:8001/"'),
     ":10: bureaus[0].start_urls: must be a non-empty list of http(s) URLs"),
    (('start_urls: ["http://127.0.0.2:8001/"]', 'start_urls: ["http://exa mple.gov.cn/"]'), ":10: bureaus[0].start_urls: not an http(s) URL"),
    (('start_urls: ["http://127.0.0.2:8001/"]', 'start_urls: ["http://127.0.0.2:99999/"]'), ":10: bureaus[0].start_urls: not an http(s) URL (bad port)"),
    (("id: xc-zrzy", "id: ../../etc/passwd"), ":4: bureaus[0].id: must be letters, digits, '-' or '_'"),
    (("name: 宣城市自然资源和规划局", "name: 12345"), ":5: bureaus[0].name: must be a non-empty string"),
    (("credit_code: 11341700MB1631138U", "credit_code: 11341700MB1631138X"), ":9: bureaus[0].credit_code: not a valid 统一社会信用代码"),
    (("audit_date: 2026-11-29", "audit_date: tomorrow"), ":2: audit_date: must be a date YYYY-MM-DD"),
    (("province: 安徽省", "province: 安徽省\nprovince: 浙江省"), ":2: province: duplicate key"),
])
def test_errors_name_file_line_key(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert any(p.startswith(str(path)) and expected in p for p in caught.value.problems), caught.value.problems


def test_duplicate_ids_and_all_problems_at_once(tmp_path):
    text = GOOD + GOOD.split("bureaus:\n", 1)[1].replace("level: city", "level: village")
    with pytest.raises(RegistryError) as caught:
        load_registry(write(tmp_path, text))
    problems = "\n".join(caught.value.problems)
    assert ":14: bureaus[1].id: duplicate bureau id 'xc-zrzy' (first on line 4)" in problems
    assert ":17: bureaus[1].level: must be one of" in problems


def test_cli_refuses_bad_registry_before_anything_runs(tmp_path):
    path = write(tmp_path, GOOD.replace("level: city", "level: town"))
    db = tmp_path / "audit.db"
    result = run_auditor("audit", "--sites", str(path), "--db", str(db), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{path}:7: bureaus[0].level" in result.stderr
    assert not db.exists() and not (tmp_path / "out").exists()
