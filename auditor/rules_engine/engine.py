"""Evaluate a catalogue over one audit run: applicability, waivers, reachability, then the kinds.

The order of precedence for one bureau and rule: not applicable to its level/kind → ``na``;
covered by an unexpired waiver → ``na`` with the reason; start page hidden by an anti-bot
challenge or robots.txt → ``untestable`` (every rule, WEB-DOWN-1 too: the tool, not the public, was
turned away); site unreachable → ``untestable`` (except WEB-DOWN-1 itself); otherwise the rule kind decides.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from auditor.rules_engine.catalogue import Catalogue, Rule
from auditor.rules_engine.context import BureauContext, load_context
from auditor.rules_engine.findings import Finding
from auditor.rules_engine.kinds import KINDS, finding, site
from auditor.store import Store


def _waiver(ctx: BureauContext, rule: Rule) -> dict[str, str] | None:
    for waiver in ctx.bureau.get("waivers") or []:
        if waiver["rule"] == rule.id:
            until = waiver.get("until")
            if until is None or dt.date.fromisoformat(until) >= ctx.audit_date:
                return waiver
    return None


def evaluate_bureau(catalogue: Catalogue, ctx: BureauContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in catalogue.rules:
        if not rule.applies(ctx.bureau["level"], ctx.bureau["kind"]):
            results = [finding(rule, ctx, "na", site(ctx), message="该规则不适用于本单位的层级或类型")]
        elif (waiver := _waiver(ctx, rule)) is not None:
            until = f"（有效期至{waiver['until']}）" if waiver.get("until") else ""
            results = [finding(rule, ctx, "na", site(ctx), message=f"已豁免：{waiver['reason']}{until}")]
        elif (why := ctx.not_crawlable) is not None:
            results = [finding(rule, ctx, "untestable", site(ctx), message=f"{why}，本项无法检查")]
        elif not ctx.reachable and rule.kind != "site_reachable":
            results = [finding(rule, ctx, "untestable", site(ctx), message="网站无法访问，本项无法检查")]
        else:
            results = KINDS[rule.kind].evaluate(rule, ctx)
        for result in results:
            result.catalogue_version = catalogue.version
        findings.extend(results)
    return findings


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while bureaus are evaluated: contexts and findings
    hold no reference cycles (reference counting frees each bureau's context), and the
    collector's passes over a growing heap cost about a tenth of the time (bench/rules.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def evaluate_run(store: Store, run_id: int, catalogue: Catalogue, *,
                 on_bureau: Callable[[str, int, int], None] | None = None) -> list[Finding]:
    """Evaluate every bureau of ``run_id`` and replace that run's findings in the store."""
    run = store.run(run_id)
    audit_date = dt.date.fromisoformat(run["audit_date"])
    registry = json.loads(run["registry"])  # read once: with a thousand bureaus it is large
    records = {b["id"]: b for b in registry["bureaus"]}
    bureau_ids = [row["id"] for row in store.rows("SELECT id FROM bureaus WHERE run_id = ? ORDER BY rowid", [run_id])]
    findings: list[Finding] = []
    with _without_cycle_collection():
        for n, bureau_id in enumerate(bureau_ids, 1):
            ctx = load_context(store, run_id, records[bureau_id], audit_date, registry.get("profiles"))
            findings.extend(evaluate_bureau(catalogue, ctx))
            if on_bureau:
                on_bureau(bureau_id, n, len(bureau_ids))
    _link_evidence(store, run_id, findings)
    with store.transaction():
        store.db.execute("DELETE FROM findings WHERE run_id = ?", [run_id])
        store.db["findings"].insert_all([f.to_row(run_id) for f in findings])
        store.db["runs"].update(run_id, {"catalogue_version": catalogue.version})
    return findings


def _link_evidence(store: Store, run_id: int, findings: list[Finding]) -> None:
    """Give each finding's evidence the archived copy it rests on: the page's sha256 and its WARC
    file and record id (read in chunks: only the pages findings cite)."""
    urls = sorted({f.evidence["url"] for f in findings if f.evidence.get("url")})
    pages: dict[str, dict[str, str]] = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start:start + 500]
        rows = store.rows(f"SELECT url, sha256, warc_file, warc_record FROM pages WHERE run_id = ? AND url IN "
                          f"({','.join('?' * len(chunk))})", [run_id, *chunk])
        pages.update({r["url"]: r for r in rows})
    for f in findings:
        page = pages.get(f.evidence.get("url") or "")
        f.evidence = {"url": f.evidence.get("url"), "fetched_at": f.evidence.get("fetched_at"),
                      "sha256": page["sha256"] if page else None, "warc": page["warc_file"] if page else None,
                      "record": page["warc_record"] if page else None}


def outcome(findings: list[Finding]) -> tuple[str, list[Finding]]:
    """Predicted quarterly inspection outcome (国办秘函〔2019〕19号): any veto failure → 不合格."""
    deciding = [f for f in findings if f.veto and f.status == "fail"]
    return ("不合格" if deciding else "合格"), deciding
