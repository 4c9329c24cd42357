"""What a report shows, computed from the store: bureau summaries with a score and the predicted
inspection outcome, the areas × bureaus heat map, trends over earlier audits, and what changed
since the previous audit (new, fixed, persisting gaps)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from auditor.blocking import failure, turned_away
from auditor.rules_engine.engine import outcome
from auditor.rules_engine.findings import Finding
from auditor.store import Store

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABEL = {"error": "严重", "warning": "一般", "info": "提示"}
STATUS_LABEL = {"fail": "不符合", "pass": "符合", "na": "不适用", "untestable": "无法检查"}
LEVEL_LABEL = {"province": "省级", "city": "市级", "county": "县级"}
# The report's own index, not the official 扣分 table: 100 minus these per gap, at least 0.
SCORE_WEIGHTS = {"error": 10, "warning": 4, "info": 1}
BEIJING = dt.timezone(dt.timedelta(hours=8))  # China keeps no daylight saving time
# 宣城市宣州区自然资源和规划局 → 宣城市宣州区; 郎溪县财政局 → 郎溪县
_PLACE = re.compile(r"^(?:[^市县区旗]+?(?:自治州|地区|盟|市))?(?:[^市县区旗]+?(?:自治县|县|区|旗))?")


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
    changes: dict[str, list[Finding]] = field(default_factory=dict)  # new / fixed / persisting
    previous_run: int | None = None
    vanished: list[str] = field(default_factory=list)  # documents of the previous audit no longer on the site
    unread: list[dict[str, Any]] = field(default_factory=list)  # pages the tool could not read, with why
    limits: dict[str, int] = field(default_factory=dict)  # crawl budgets/caps hit → requests not sent

    @property
    def blocked_by(self) -> list[str]:
        """Anti-bot systems that turned the tool away (to ask the bureau to whitelist it)."""
        return sorted({page["blocked"] for page in self.unread if page.get("blocked")})

    @cached_property
    def fails(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.status == "fail"),
                      key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule, f.subject))

    @property
    def score(self) -> int:
        return max(0, 100 - sum(SCORE_WEIGHTS.get(f.severity, 0) for f in self.findings if f.status == "fail"))

    @property
    def place(self) -> str:
        """The city or county the bureau belongs to, read from its name (宣城市, 郎溪县)."""
        return _PLACE.match(self.name).group(0) or self.region

    @cached_property
    def _counts(self) -> Counter[tuple[str, str]]:
        return Counter((f.status, f.severity) for f in self.findings)

    def count(self, status: str, severity: str | None = None) -> int:
        if severity is not None:
            return self._counts[(status, severity)]
        return sum(n for (s, _), n in self._counts.items() if s == status)

    def by_area(self) -> list[tuple[str, list[Finding]]]:
        """Gaps by area, the areas with the most severe gaps first; within one by severity."""
        areas: dict[str, list[Finding]] = {}
        for f in self.fails:
            areas.setdefault(f.area or "其他", []).append(f)
        return sorted(areas.items(), key=lambda item: (min(SEVERITY_ORDER.get(f.severity, 9) for f in item[1]),
                                                       -len(item[1])))

    @cached_property
    def _areas(self) -> dict[str, Counter[str]]:
        areas: dict[str, Counter[str]] = {}
        for f in self.findings:
            areas.setdefault(f.area or "其他", Counter())[f.status] += 1
        return areas

    def area_status(self, area: str) -> tuple[int, str]:
        """(gaps, state) of one area: state is fail, pass, untestable or na."""
        statuses = self._areas.get(area, Counter())
        if statuses["fail"]:
            return statuses["fail"], "fail"
        return 0, "pass" if statuses["pass"] else "untestable" if statuses["untestable"] else "na"


@dataclass
class Group:
    """The bureaus of one city (its own and its counties'), with roll-ups."""

    city: str
    bureaus: list[BureauSummary]

    @property
    def failing(self) -> int:
        return sum(1 for b in self.bureaus if b.outcome == "不合格")

    def count(self, status: str, severity: str | None = None) -> int:
        return sum(b.count(status, severity) for b in self.bureaus)


def safe_cell(value: Any) -> str:
    """A CSV cell that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


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


def load_findings(store: Store, run_id: int) -> list[Finding]:
    return [Finding.from_row(r) for r in store.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY id", [run_id])]


def earlier_runs(store: Store, run_id: int, limit: int = 8) -> list[dict[str, Any]]:
    """Evaluated audits of the same province before ``run_id``, oldest first."""
    run = store.run(run_id)
    rows = store.rows("SELECT id, audit_date, started_at FROM runs WHERE id < ? AND province = ? "
                      "AND id IN (SELECT DISTINCT run_id FROM findings) ORDER BY id DESC LIMIT ?",
                      [run_id, run["province"], limit])
    return list(reversed(rows))


def _key(f: Finding) -> tuple[str, str, str]:
    return (f.bureau, f.rule, f.subject)


def changes(current: list[Finding], previous: list[Finding]) -> dict[str, list[Finding]]:
    """New, fixed and persisting gaps between two evaluations (keyed by bureau, rule, subject)."""
    now_fails = {_key(f): f for f in current if f.status == "fail"}
    before = {_key(f): f for f in previous if f.status == "fail"}
    return {"new": [f for k, f in now_fails.items() if k not in before],
            "fixed": [f for k, f in before.items() if k not in now_fails],
            "persisting": [f for k, f in now_fails.items() if k in before]}


def page_hashes(store: Store, run_id: int) -> dict[str, dict[str, str]]:
    """bureau → {document URL: sha256 of its page} for one run."""
    hashes: dict[str, dict[str, str]] = {}
    for row in store.rows("SELECT d.bureau_id, d.url, p.sha256 FROM documents d JOIN pages p "
                          "ON p.run_id = d.run_id AND p.url = d.url WHERE d.run_id = ?", [run_id]):
        hashes.setdefault(row["bureau_id"], {})[row["url"]] = row["sha256"]
    return hashes


def complete_bureaus(store: Store, run_id: int) -> set[str]:
    """Bureaus whose every column was read to the end in this run (absences there are real)."""
    rows = store.rows("SELECT bureau_id, MIN(complete) AS complete FROM columns WHERE run_id = ? GROUP BY 1", [run_id])
    return {r["bureau_id"] for r in rows if r["complete"]}


def summarise(store: Store, run_id: int, findings: list[Finding]) -> list[BureauSummary]:
    """One summary per evaluated bureau, ranked: most severe gaps first."""
    registry = json.loads(store.run(run_id)["registry"])
    by_bureau: dict[str, list[Finding]] = {}
    for f in findings:
        by_bureau.setdefault(f.bureau, []).append(f)
    runs = earlier_runs(store, run_id, limit=1)
    previous = runs[-1]["id"] if runs else None
    before: dict[str, list[Finding]] = {}
    vanished: dict[str, list[str]] = {}
    if previous is not None:
        for f in load_findings(store, previous):
            before.setdefault(f.bureau, []).append(f)
        old, new, complete = page_hashes(store, previous), page_hashes(store, run_id), complete_bureaus(store, run_id)
        vanished = {b: sorted(set(urls) - set(new.get(b, {}))) for b, urls in old.items() if b in complete}
    unread: dict[str, list[dict[str, Any]]] = {}
    for page in store.rows("SELECT bureau_id, url, kind, status, error, attempts, blocked FROM pages WHERE run_id = ? "
                           "AND (status IS NULL OR status >= 400 OR blocked IS NOT NULL) ORDER BY bureau_id, url", [run_id]):
        if page["kind"] == "start" and not turned_away(page):
            continue  # a start page that cannot be reached is the site being down: WEB-DOWN-1 says so
        failed = failure(page)
        if failed and failed[0] == "unchecked":
            unread.setdefault(page["bureau_id"], []).append({**page, "why": failed[1]})
    limits = {row["id"]: json.loads(row["crawl_limits"]) for row in store.rows(
        "SELECT id, crawl_limits FROM bureaus WHERE run_id = ? AND crawl_limits IS NOT NULL", [run_id])}
    summaries = []
    for b in registry["bureaus"]:
        if b["id"] not in by_bureau:
            continue
        summary = BureauSummary(b["id"], b["name"], b["level"], b["kind"], b["region"], b["start_urls"][0],
                                by_bureau[b["id"]], previous_run=previous if b["id"] in before else None)
        summary.outcome, summary.vetoes = outcome(summary.findings)
        summary.unread, summary.limits = unread.get(b["id"], []), limits.get(b["id"], {})
        if b["id"] in before:
            summary.changes = changes(summary.findings, before[b["id"]])
            summary.vanished = vanished.get(b["id"], [])
        summaries.append(summary)
    summaries.sort(key=lambda s: (s.outcome != "不合格", -s.count("fail", "error"), -s.count("fail"), s.id))
    return summaries


def groups(bureaus: list[BureauSummary]) -> list[Group]:
    """Bureaus by city (GB/T 2260: the first four digits), the city's own bureaus first."""
    cities: dict[str, list[BureauSummary]] = {}
    for b in bureaus:
        cities.setdefault(b.region[:4], []).append(b)
    result = []
    for _, members in sorted(cities.items()):
        members.sort(key=lambda b: (b.level != "city", b.region, b.id))
        city = next((b.place for b in members if b.level == "city"), members[0].place)
        result.append(Group(city, members))
    return result


def areas(findings: list[Finding]) -> list[str]:
    """The catalogue areas present, the most failed first."""
    counts = Counter(f.area or "其他" for f in findings if f.status == "fail")
    present = {f.area or "其他" for f in findings}
    return sorted(present, key=lambda a: (-counts[a], a))


def heat_colour(gaps: int, state: str) -> str:
    """A cell colour: white (no gap) to deep red; grey when not tested, light when not applicable."""
    if state == "untestable":
        return "#c9ccd1"
    if state == "na":
        return "#f4f5f7"
    if gaps == 0:
        return "#e8f3e8"
    shades = ["#fbd5c6", "#f6a98d", "#ee7a5b", "#d64a33", "#a4161a"]
    return shades[min(gaps, len(shades)) - 1]


def trends(store: Store, run_id: int, findings: list[Finding], area_names: list[str]) -> dict[str, Any]:
    """Gaps per area over earlier audits and this one: {"runs": [...], "series": {area: [n, …]}}."""
    runs = [*earlier_runs(store, run_id), {"id": run_id, "audit_date": store.run(run_id)["audit_date"]}]
    series: dict[str, list[int]] = {area: [] for area in area_names}
    for run in runs:
        counts = Counter(f.area or "其他" for f in (findings if run["id"] == run_id else load_findings(store, run["id"]))
                         if f.status == "fail")
        for area in area_names:
            series[area].append(counts.get(area, 0))
    return {"runs": runs, "series": series}


def sparkline(values: list[int], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for ``values`` (drawn by the template)."""
    if len(values) < 2:
        return ""
    top = max(values) or 1
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
