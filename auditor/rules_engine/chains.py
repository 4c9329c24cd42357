"""The ``chain`` rule kind: documents of one 征地批次 / 出让宗地 / 规划 / 矿业权 / 决策 paired by a
key taken from their titles, with posting periods, lead times and delays between steps.

A rule names the chain's steps (title patterns) and checks one of them: that every chain has it
(``require``), that its posting period stated in the text is long enough (``period``), that it
came early enough before a date it names (``lead``), soon enough after a date it names
(``delay``) or after the end of an earlier step (``after``), that a later step followed it
(``followed_by``), and that its text names required elements (``elements``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from auditor.rules_engine.catalogue import Rule
from auditor.rules_engine.context import BureauContext, Document
from auditor.rules_engine.findings import Finding
from auditor.rules_engine.kinds import (
    _date,
    _selected,
    finding,
    kind,
    regex_map,
    site,
    spec_keys,
)
from auditor.rules_engine.text_facts import (
    date_after,
    fold,
    missing_elements,
    period_after,
)
from auditor.workdays import CalendarGap, working_days_between

UNITS = {"days": "天", "working_days": "个工作日"}


def span(start: dt.date, end: dt.date, unit: str) -> int:
    """Days or working days from ``start`` to ``end`` (CalendarGap when a year is not covered)."""
    return working_days_between(start, end) if unit == "working_days" else (end - start).days


def _chains(rule: Rule, ctx: BureauContext) -> dict[str, dict[str, list[Document]]]:
    key = re.compile(rule.match["key"])
    steps = {name: re.compile(pattern) for name, pattern in rule.params["steps"].items()}
    chains: dict[str, dict[str, list[Document]]] = {}
    for doc in _selected(rule, ctx):
        title = fold(doc.display_title)
        found = key.search(title)
        step = next((name for name, pattern in steps.items() if pattern.search(title)), None)
        if found and step:
            chains.setdefault(found.group("key"), {}).setdefault(step, []).append(doc)
    return chains


class _Problems:
    """The problems of one document under one rule, and whether any was untestable."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.unknown: list[str] = []
        self.details: dict[str, Any] = {}


def _absent(doc: Document, problems: _Problems, what: str, message: str) -> None:
    """Something the text should say is not there: untestable when an attachment could not be
    read (it may say it there), else a failure."""
    if doc.unreadable:
        problems.unknown.append(f"{what}：附件无法读取（{doc.unreadable[0]['reason']}）")
    else:
        problems.failed.append(message)


def _check_doc(rule: Rule, ctx: BureauContext, doc: Document, chain: dict[str, list[Document]]) -> _Problems:
    p = rule.params
    problems = _Problems()
    published = _date(doc.published)
    text = fold(doc.full_text)
    try:
        if "period" in p and published:
            spec = p["period"]
            period = period_after(text, spec["label"])
            if period is None:
                _absent(doc, problems, "公告期", "正文未注明公告（公示）期限")
            else:
                used = span(period[0] - dt.timedelta(days=1), period[1], spec["unit"])  # both ends count
                problems.details["period"] = [period[0].isoformat(), period[1].isoformat(), used]
                if used < int(spec["min"]):
                    problems.failed.append(f"公告期{period[0].isoformat()}至{period[1].isoformat()}共{used}"
                                           f"{UNITS[spec['unit']]}，少于{spec['min']}{UNITS[spec['unit']]}")
        if "lead" in p and published:
            spec = p["lead"]
            target = date_after(text, spec["label"])
            if target is None:
                _absent(doc, problems, "交易日期", "正文未注明交易（挂牌）起始日期")
            else:
                used = span(published, target, spec["unit"])
                problems.details["lead"] = used
                if used < int(spec["min"]):
                    problems.failed.append(f"发布日期{published.isoformat()}距交易起始日{target.isoformat()}仅{used}"
                                           f"{UNITS[spec['unit']]}，应至少提前{spec['min']}{UNITS[spec['unit']]}")
        if "delay" in p and published:
            spec = p["delay"]
            origin = date_after(text, spec["label"])
            if origin is not None:
                used = span(origin, published, spec["unit"])
                problems.details["delay"] = used
                if used > int(spec["max"]):
                    problems.failed.append(f"{spec['name']}{origin.isoformat()}至发布日期{published.isoformat()}共{used}"
                                           f"{UNITS[spec['unit']]}，超过{spec['max']}{UNITS[spec['unit']]}")
        if "elements" in p:
            missing = missing_elements(text, p["elements"])
            if missing:
                _absent(doc, problems, "要素", f"未载明：{'、'.join(missing)}")
        if "followed_by" in p:
            spec = p["followed_by"]
            period = period_after(text, spec["label"])
            end = period[1] if period else published
            waited = (ctx.audit_date - end).days if end else 0
            if end and not chain.get(spec["step"]) and waited > int(spec["grace_days"]):
                problems.failed.append(f"期限于{end.isoformat()}届满，至检查日已{waited}天仍未发布{spec['step']}"
                                       f"（限{spec['grace_days']}天）")
    except CalendarGap as gap:
        problems.unknown.append(str(gap))
    return problems


def _after(rule: Rule, ctx: BureauContext, key: str, chain: dict[str, list[Document]],
           findings: list[Finding]) -> int:
    """``after``: this step follows the end of an earlier step's period within a limit."""
    spec, step = rule.params["after"], rule.params["step"]
    checked = 0
    for earlier in chain.get(spec["step"], []):
        period = period_after(fold(earlier.full_text), spec["label"])
        if period is None:
            continue
        end = period[1]
        checked += 1
        try:
            followers = chain.get(step, [])
            if not followers:
                waited = span(end, ctx.audit_date, spec["unit"])
                if waited > int(spec["max"]):
                    findings.append(finding(
                        rule, ctx, "fail", earlier.url, documents=[earlier], evidence_url=earlier.url,
                        message=f"{key}于{end.isoformat()}交易结束，{waited}{UNITS[spec['unit']]}后仍未发布{step}",
                        found=f"未发布{step}"))
                continue
            doc = min(followers, key=lambda d: d.published or "9999")
            published = _date(doc.published)
            if published:
                used = span(end, published, spec["unit"])
                if used > int(spec["max"]):
                    findings.append(finding(
                        rule, ctx, "fail", doc.url, documents=[doc, earlier], evidence_url=doc.url,
                        message=f"{key}交易于{end.isoformat()}结束，{step}于{published.isoformat()}发布，共{used}"
                                f"{UNITS[spec['unit']]}，超过{spec['max']}{UNITS[spec['unit']]}",
                        found=f"{used}{UNITS[spec['unit']]}", days=used))
        except CalendarGap as gap:
            findings.append(finding(rule, ctx, "untestable", earlier.url, message=str(gap)))
    return checked


def _check(p: dict[str, Any]) -> list[str]:
    problems = regex_map(p, "steps") + regex_map(p, "elements")
    steps = p.get("steps") if isinstance(p.get("steps"), dict) else {}
    if p.get("step") not in steps:
        problems.append(f"params.step: {p.get('step')!r} is not one of params.steps ({', '.join(steps)})")
    problems += spec_keys(p, "period", ("label", "min", "unit")) + spec_keys(p, "lead", ("label", "min", "unit"))
    problems += spec_keys(p, "delay", ("name", "label", "max", "unit"))
    problems += spec_keys(p, "after", ("step", "label", "max", "unit"))
    problems += spec_keys(p, "followed_by", ("step", "label", "grace_days"), units=False)
    for key in ("after", "followed_by"):
        if isinstance(p.get(key), dict) and p[key].get("step") not in steps:
            problems.append(f"params.{key}.step: {p[key].get('step')!r} is not one of params.steps")
    return problems


@kind("chain", "Documents paired into chains by match.key (a named group 'key' in the title); "
      "params.step is checked with require / period / lead / delay / after / followed_by / elements.",
      params=("steps", "step", "chain"), match=("key",), check=_check)
def chain(rule: Rule, ctx: BureauContext) -> list[Finding]:
    chains = _chains(rule, ctx)
    step, name = rule.params["step"], rule.params["chain"]
    findings: list[Finding] = []
    checked = 0
    for key, members in sorted(chains.items()):
        if rule.params.get("require") and not members.get(step):
            if ctx.crawl_complete:
                first = next(iter(members.values()))[0]
                findings.append(finding(rule, ctx, "fail", key, message=f"{name}“{key}”未发布{step}",
                                        found=f"缺少{step}", documents=[first], evidence_url=first.url))
            else:
                findings.append(finding(rule, ctx, "untestable", key,
                                        message=f"部分栏目未能完整抓取，无法确认{name}“{key}”是否缺少{step}"))
            continue
        if "after" in rule.params:
            checked += _after(rule, ctx, key, members, findings)
            continue
        for doc in members.get(step, []):
            checked += 1
            problems = _check_doc(rule, ctx, doc, members)
            if problems.failed:
                findings.append(finding(rule, ctx, "fail", doc.url, message="；".join(problems.failed),
                                        found="；".join(problems.failed), documents=[doc], evidence_url=doc.url,
                                        chain=key, **problems.details))
            elif problems.unknown:
                findings.append(finding(rule, ctx, "untestable", doc.url, message="；".join(problems.unknown),
                                        documents=[doc], evidence_url=doc.url, chain=key))
    if findings:
        return findings
    if not chains:
        return [finding(rule, ctx, "na", site(ctx), message=f"本站未发现{name}相关信息")]
    return [finding(rule, ctx, "pass", site(ctx), message=f"已检查{len(chains)}个{name}（{checked}条{step}），未发现问题",
                    checked=checked)]
