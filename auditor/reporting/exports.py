"""Exports a provincial office forwards: findings.json (the contract), findings.csv (UTF-8 with a
BOM so Excel opens the Chinese right) and findings.xlsx (a summary sheet, a sheet explaining each
rule, and one sheet per bureau; Chinese headers, filters, frozen header row). No cell can run as
a formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from auditor.reporting.model import (
    LEVEL_LABEL,
    SEVERITY_LABEL,
    STATUS_LABEL,
    BureauSummary,
    beijing_time,
    safe_cell,
)

CSV_COLUMNS = ["bureau", "bureau_name", "rule", "rule_title", "status", "severity", "area", "subject",
               "message", "expected", "found", "basis", "advice", "evidence_url", "evidence_fetched_at",
               "documents", "catalogue_version"]
# (header, record key or function) for a bureau's sheet; what a rule expects, its basis and advice
# are the same on every row of that rule, so they are written once, on the 规则说明 sheet
SHEET_COLUMNS: list[tuple[str, Any]] = [
    ("规则编号", "rule"), ("规则名称", "rule_title"), ("状态", lambda r: STATUS_LABEL.get(r["status"], r["status"])),
    ("严重程度", lambda r: SEVERITY_LABEL.get(r["severity"], r["severity"])), ("领域", "area"), ("对象", "subject"),
    ("发现", "message"), ("证据链接", lambda r: r["evidence"].get("url")),
    ("抓取时间", lambda r: beijing_time(r["evidence"].get("fetched_at"))),
    ("涉及信息", lambda r: "\n".join(f"{d['title']} {d['url']}" for d in r["documents"])),
]
RULE_COLUMNS = ["规则编号", "规则名称", "领域", "严重程度", "应当", "依据", "整改建议", "检查目录版本"]
SUMMARY_COLUMNS = ["单位代码", "单位名称", "层级", "得分", "预判结果", "否决项", "严重", "一般", "提示", "无法检查", "不适用", "符合"]
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML (and so XLSX) cannot hold
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def findings_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = {**r, "evidence_url": r["evidence"].get("url"), "evidence_fetched_at": r["evidence"].get("fetched_at"),
               "documents": " ".join(d["url"] for d in r["documents"])}
        writer.writerow([safe_cell(row.get(c)) for c in CSV_COLUMNS])
    return buffer.getvalue()


def _text_cell(sheet: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    """A cell holding ``value`` as text (or a number): a leading '=' stays text, never a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub("", "" if value is None else str(value)))
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F3F5")
    return cell


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_column(len(headers))}{max(1, len(rows) + 1)}"
    sheet.append([_text_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, v) for v in row])


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_name(bureau: BureauSummary, used: set[str]) -> str:
    """A unique sheet name of at most 31 characters, without the characters Excel forbids."""
    base = _SHEET_NAME.sub("_", f"{bureau.id} {bureau.name}")[:31]
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:27]}~{n}"
    used.add(name)
    return name


def write_xlsx(path: Path, bureaus: list[BureauSummary], records: list[dict[str, Any]]) -> None:
    workbook = Workbook(write_only=True)  # streams rows: a thousand bureaus stay fast
    summary = [[b.id, b.name, LEVEL_LABEL.get(b.level, b.level), b.score, b.outcome,
                "；".join(sorted({v.rule for v in b.vetoes})), b.count("fail", "error"), b.count("fail", "warning"),
                b.count("fail", "info"), b.count("untestable"), b.count("na"), b.count("pass")] for b in bureaus]
    _sheet(workbook, "汇总", SUMMARY_COLUMNS, summary)
    rules: dict[str, dict[str, Any]] = {}
    by_bureau: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_bureau.setdefault(r["bureau"], []).append(r)
        rules.setdefault(r["rule"], r)
    _sheet(workbook, "规则说明", RULE_COLUMNS,
           [[r["rule"], r["rule_title"], r["area"], SEVERITY_LABEL.get(r["severity"], r["severity"]), r["expected"],
             r["basis"], r["advice"], r["catalogue_version"]] for _, r in sorted(rules.items())])
    used: set[str] = {"汇总", "规则说明"}
    for bureau in bureaus:
        rows = [[r.get(key) if isinstance(key, str) else key(r) for _, key in SHEET_COLUMNS]
                for r in by_bureau.get(bureau.id, [])]
        _sheet(workbook, sheet_name(bureau, used), [h for h, _ in SHEET_COLUMNS], rows)
    workbook.save(path)
