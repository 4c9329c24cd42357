"""Audits over time: what changed between two evaluated runs of a store — gaps new, fixed and
persisting per bureau — and the documents that appeared, changed or vanished from a site."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.reporting.model import (
    changes,
    complete_bureaus,
    load_findings,
    page_hashes,
)
from auditor.rules_engine.findings import Finding
from auditor.store import Store


@dataclass
class BureauDiff:
    bureau: str
    name: str
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    persisting: list[Finding] = field(default_factory=list)
    documents: dict[str, list[str]] = field(default_factory=dict)  # added / changed / vanished URLs

    def to_dict(self) -> dict[str, Any]:
        brief = lambda fs: [{"rule": f.rule, "subject": f.subject, "message": f.message} for f in fs]  # noqa: E731
        return {"bureau": self.bureau, "name": self.name, "new": brief(self.new), "fixed": brief(self.fixed),
                "persisting": brief(self.persisting), "documents": self.documents}


def evaluated_runs(store: Store) -> list[int]:
    return [r["id"] for r in store.rows("SELECT DISTINCT run_id AS id FROM findings ORDER BY run_id")]


def default_pair(store: Store, a: int | None, b: int | None) -> tuple[int, int]:
    """RUN_A and RUN_B as given, else the last two evaluated runs (B the later)."""
    runs = evaluated_runs(store)
    if b is None:
        if len(runs) < 2:
            raise LookupError(f"{store.path} holds {len(runs)} evaluated run(s); a diff needs two")
        b = runs[-1]
    if a is None:
        earlier = [r for r in runs if r < b]
        if not earlier:
            raise LookupError(f"no evaluated run before run {b} in {store.path}")
        a = earlier[-1]
    for run in (a, b):
        store.run(run)  # LookupError when absent
    return a, b


def diff(store: Store, a: int, b: int) -> list[BureauDiff]:
    """Per bureau of run ``b``: gaps and documents compared with run ``a``."""
    before, after = load_findings(store, a), load_findings(store, b)
    names = {r["id"]: r["name"] for r in store.rows("SELECT id, name FROM bureaus WHERE run_id = ?", [b])}
    docs_a, docs_b = page_hashes(store, a), page_hashes(store, b)
    complete = complete_bureaus(store, b)
    by_bureau: dict[str, tuple[list[Finding], list[Finding]]] = {}
    for f in before:
        by_bureau.setdefault(f.bureau, ([], []))[0].append(f)
    for f in after:
        by_bureau.setdefault(f.bureau, ([], []))[1].append(f)
    result = []
    for bureau in sorted(set(names) & set(by_bureau)):
        old, new = by_bureau[bureau]
        if not old:
            continue  # not audited in run a: nothing to compare
        change = changes(new, old)
        pages_a, pages_b = docs_a.get(bureau, {}), docs_b.get(bureau, {})
        documents = {"added": sorted(set(pages_b) - set(pages_a)),
                     "changed": sorted(u for u in set(pages_a) & set(pages_b) if pages_a[u] != pages_b[u]),
                     "vanished": sorted(set(pages_a) - set(pages_b)) if bureau in complete else []}
        result.append(BureauDiff(bureau, names.get(bureau, bureau), change["new"], change["fixed"],
                                 change["persisting"], documents))
    return result


def text_report(a: int, b: int, diffs: list[BureauDiff]) -> str:
    lines = [f"第{a}次 → 第{b}次检查 (run {a} → run {b})", ""]
    lines.append(f"{'单位 bureau':<24}{'新发现 new':>12}{'已整改 fixed':>14}{'仍存在 persisting':>18}"
                 f"{'新增信息 added':>16}{'已删除 vanished':>16}")
    for d in diffs:
        lines.append(f"{d.bureau:<24}{len(d.new):>12}{len(d.fixed):>14}{len(d.persisting):>18}"
                     f"{len(d.documents['added']):>16}{len(d.documents['vanished']):>16}")
    for d in diffs:
        if d.new or d.fixed or d.documents["vanished"]:
            lines += ["", f"{d.name} ({d.bureau})"]
            lines += [f"  + {f.rule} {f.subject} {f.message}" for f in d.new]
            lines += [f"  - {f.rule} {f.subject} {f.message}" for f in d.fixed]
            lines += [f"  × 信息已从网站删除 vanished: {url}" for url in d.documents["vanished"]]
    return "\n".join(lines)


def document_history(store: Store, url: str) -> dict[str, Any]:
    """One document across the runs that audited its bureau: present or not, its sha256, whether
    it was fetched or carried over; with first seen, last seen, changes and disappearances."""
    owner = store.rows("SELECT bureau_id FROM pages WHERE url = ? LIMIT 1", [url])
    if not owner:
        raise LookupError(f"{url} was never fetched in {store.path}")
    bureau = owner[0]["bureau_id"]
    rows = store.rows("SELECT r.id, r.audit_date, r.status AS run_status, p.status, p.sha256, p.carried_from, "
                      "(SELECT COUNT(*) FROM documents d WHERE d.run_id = r.id AND d.url = ?) AS document "
                      "FROM runs r JOIN bureaus b ON b.run_id = r.id AND b.id = ? "
                      "LEFT JOIN pages p ON p.run_id = r.id AND p.url = ? ORDER BY r.id", [url, bureau, url])
    seen = [r for r in rows if r["document"]]
    changes = sum(1 for a, b in zip(seen, seen[1:], strict=False) if a["sha256"] != b["sha256"])
    vanished = [r["id"] for r in rows if seen and r["id"] > seen[0]["id"] and not r["document"]
                and r["run_status"] == "completed"]
    return {"url": url, "bureau": bureau, "runs": rows,
            "first_seen": seen[0]["id"] if seen else None, "last_seen": seen[-1]["id"] if seen else None,
            "changes": changes, "absent_in": vanished}
