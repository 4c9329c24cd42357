"""The shipped catalogue, and refusal of malformed ones with file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.resources import catalogue_dir
from auditor.rules_engine.catalogue import CatalogueError, load_catalogue

FIRST_SLICE = {"RPT-1", "META-IDX-2", "META-IDX-6", "META-DOCNO-1", "META-DATE-1", "META-DATE-2", "INT-1",
               "WEB-UPD-2", "WEB-LNK-1", "WEB-DOWN-1"}
VETOES = {"WEB-DOWN-1", "WEB-UPD-1", "WEB-UPD-2", "WEB-UPD-4", "WEB-INT-1", "META-DATE-1"}


def test_shipped_catalogue():
    catalogue = load_catalogue()
    assert catalogue.version == "2026.11.2"
    ids = {r.id for r in catalogue.rules}
    assert FIRST_SLICE <= ids and len(ids) == 43
    assert {r.id for r in catalogue.rules if r.veto} == VETOES
    for rule in catalogue.rules:
        assert rule.basis and rule.advice and rule.expected and rule.title


def test_ids_and_severities_match_the_contract(corpus):
    text = (corpus.parent / "domain" / "rules.md").read_text(encoding="utf-8")
    contract = dict(re.findall(r"^\| ([A-Z]+(?:-[A-Z]+)*-\d+) \|.*\| (error|warning|info) \|$", text, re.M))
    rules = load_catalogue().rules
    assert {rule.id for rule in rules} == set(contract)  # every rule of rules.md, and only those
    for rule in rules:
        assert contract[rule.id] == rule.severity, rule.id


def _bad(tmp_path: Path, old: str, new: str) -> Path:
    source = (catalogue_dir() / "catalogue.yaml").read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "catalogue.yaml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ("kind: site_reachable", "kind: teleport", "rules[0].kind: unknown rule kind 'teleport'"),
    ("severity: error", "severity: fatal", "rules[0].severity: must be one of error, warning, info"),
    ("    veto: true\n    kind: site_reachable", "    veto: true\n    kind: site_reachable\n    colour: red",
     "rules[0].colour: unknown key"),
    ("  - id: RPT-1", "  - id: WEB-DOWN-1", "rules[1].id: duplicate rule id 'WEB-DOWN-1'"),
    ("params: {threshold: 5}", "params: {}", "kind blank_columns needs params/match ['threshold']"),
    ("applies_to: {level: any, kind: any}", "applies_to: {level: [town], kind: any}", "applies_to.level: must be 'any'"),
    ("征收土地公告: '征收土地公告'}\n      period", "征收土地公告: '征收土地(公告'}\n      period",
     "params.steps.征收土地公告: not a valid regular expression"),
    ("period: {label: '公告期|公告时间|公告期限', min: 10, unit: working_days}",
     "period: {label: '公告期', min: 10, unit: fortnights}", "params.period.unit: must be days or working_days"),
    ('equation: "本年新收 + 上年结转 = 办理结果总计 + 结转下年度"', 'equation: "本年新收 + 上年结转 = 总数"',
     "params.equation: must be 'a + b = c + d' over params.numbers (unknown: 总数)"),
    ("params: {field: doc_no, validator: doc_no_year}", "params: {field: doc_no, validator: doc_no_yaer}",
     "params.validator: unknown validator 'doc_no_yaer'"),
])
def test_malformed_catalogue_is_refused(tmp_path, old, new, expected):
    path = _bad(tmp_path, old, new)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue([path])
    problems = caught.value.problems
    assert any(p.startswith(f"{path}:") and expected in p for p in problems), problems
    line = int(next(p for p in problems if expected in p).split(":")[1])
    assert line > 1


def test_docs_rules_md_is_current():
    from auditor.rules_engine.docs import markdown
    from tests.conftest import REPO

    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(load_catalogue()) + "\n"


def test_rules_commands(tmp_path):
    from tests.conftest import run_auditor

    listed = run_auditor("rules", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(load_catalogue().rules)
    shown = run_auditor("rules", "show", "WEB-UPD-2")
    assert shown.returncode == 0 and "threshold=5" in shown.stdout and "单项否决: 是" in shown.stdout
    assert run_auditor("rules", "show", "NOPE-1").returncode == 2
    bad = _bad(tmp_path, "severity: error", "severity: fatal")
    checked = run_auditor("rules", "check", str(bad))
    assert checked.returncode == 2 and f"{bad}:" in checked.stderr and "severity" in checked.stderr
