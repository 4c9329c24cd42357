"""Render an evaluated run: the province page, one page per bureau, findings.json and .csv.

Templates live in ``reports/templates`` and are rendered with autoescaping on, so any text a
page supplied (a title holding ``<script>``) shows as text. CSV cells that a spreadsheet would
read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from auditor import __version__
from auditor.resources import report_dir
from auditor.rules_engine.engine import outcome
from auditor.rules_engine.findings import Finding
from auditor.store import Store, now

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABEL = {"error": "严重", "warning": "一般", "info": "提示"}
LEVEL_LABEL = {"province": "省级", "city": "市级", "county": "县级"}
CSV_COLUMNS = ["bureau", "bureau_name", "rule", "rule_title", "status", "severity", "area", "subject",
               "message", "expected", "found", "basis", "advice", "evidence_url", "evidence_fetched_at",
               "documents", "catalogue_version"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class BureauSummary:
    id: str
    name: str
    level: str
    kind: str
    region: str
    start_url: str
    findings: list[Finding]
    outcome: str = "合格"
    vetoes: list[Finding] = field(default_factory=list)

    @property
    def fails(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.status == "fail"),
                      key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule, f.subject))

    def count(self, status: str, severity: str | None = None) -> int:
        return sum(1 for f in self.findings if f.status == status and (severity is None or f.severity == severity))

    def by_area(self) -> list[tuple[str, list[Finding]]]:
        areas: dict[str, list[Finding]] = {}
        for f in self.fails:
            areas.setdefault(f.area or "其他", []).append(f)
        return sorted(areas.items(), key=lambda item: min(SEVERITY_ORDER.get(f.severity, 9) for f in item[1]))


def safe_cell(value: Any) -> str:
    """A CSV/XLSX cell that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def load_findings(store: Store, run_id: int) -> list[Finding]:
    return [Finding.from_row(r) for r in store.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY id", [run_id])]


def summarise(store: Store, run_id: int, findings: list[Finding]) -> list[BureauSummary]:
    registry = json.loads(store.run(run_id)["registry"])
    by_bureau: dict[str, list[Finding]] = {}
    for f in findings:
        by_bureau.setdefault(f.bureau, []).append(f)
    summaries = []
    for b in registry["bureaus"]:
        if b["id"] not in by_bureau:
            continue
        summary = BureauSummary(b["id"], b["name"], b["level"], b["kind"], b["region"], b["start_urls"][0],
                                by_bureau[b["id"]])
        summary.outcome, summary.vetoes = outcome(summary.findings)
        summaries.append(summary)
    summaries.sort(key=lambda s: (-s.count("fail", "error"), -s.count("fail"), s.id))
    return summaries


def finding_record(f: Finding, bureau_name: str) -> dict[str, Any]:
    record = f.to_dict()
    record["bureau_name"] = bureau_name
    return record


BEIJING = dt.timezone(dt.timedelta(hours=8))  # China keeps no daylight saving time


def beijing_time(value: str | None) -> str:
    """An ISO timestamp as the reader's clock shows it: ``2026-11-29 15:47:03 北京时间``."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S 北京时间")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(report_dir() / "templates")),
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(SEVERITY_LABEL=SEVERITY_LABEL, LEVEL_LABEL=LEVEL_LABEL)
    env.filters["beijing"] = beijing_time
    return env


def write_report(store: Store, run_id: int, out: Path) -> Path:
    """Write the full report set for ``run_id`` into ``out``; return the province page."""
    run = store.run(run_id)
    findings = load_findings(store, run_id)
    bureaus = summarise(store, run_id, findings)
    names = {b.id: b.name for b in bureaus}
    out.mkdir(parents=True, exist_ok=True)
    (out / "bureau").mkdir(exist_ok=True)
    shutil.copytree(report_dir() / "static", out / "static", dirs_exist_ok=True)
    env = _environment()
    severities = Counter(f.severity for f in findings if f.status == "fail")
    context = {"run": run, "bureaus": bureaus, "generated_at": now(), "version": __version__,
               "severities": severities, "statuses": Counter(f.status for f in findings),
               "failing": sum(1 for b in bureaus if b.outcome == "不合格")}
    index = out / "index.html"
    index.write_text(env.get_template("index.html").render(root="", **context), encoding="utf-8")
    for bureau in bureaus:
        page = env.get_template("bureau.html").render(root="../", bureau=bureau, **context)
        (out / "bureau" / f"{bureau.id}.html").write_text(page, encoding="utf-8")
    records = [finding_record(f, names.get(f.bureau, f.bureau)) for f in findings]
    (out / "findings.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "findings.csv").write_bytes(findings_csv(records).encode("utf-8-sig"))
    return index


def findings_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = {**r, "evidence_url": r["evidence"].get("url"), "evidence_fetched_at": r["evidence"].get("fetched_at"),
               "documents": " ".join(d["url"] for d in r["documents"])}
        writer.writerow([safe_cell(row.get(c)) for c in CSV_COLUMNS])
    return buffer.getvalue()
