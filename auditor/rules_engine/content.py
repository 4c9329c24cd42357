"""Content rule kinds: what a document's text (with its attachments) must say, the newest item
of a kind, and whether an annual report's figures agree with the site.

A document whose attachment cannot be read makes a content check ``untestable``, never ``fail``.
"""

from __future__ import annotations

import datetime as dt
import re

from auditor.rules_engine.catalogue import Rule
from auditor.rules_engine.context import BureauContext
from auditor.rules_engine.findings import Finding
from auditor.rules_engine.kinds import (
    _date,
    _selected,
    finding,
    kind,
    none_in_scope,
    regex_map,
    site,
)
from auditor.rules_engine.text_facts import fold, missing_elements, number_after


def _equation(text: str, numbers: dict[str, str], equation: str) -> tuple[bool | None, str]:
    """Check ``a + b = c + d`` over numbers read after their labels; None when one is missing."""
    values = {name: number_after(text, label) for name, label in numbers.items()}
    absent = [name for name, value in values.items() if value is None]
    if absent:
        return None, f"未能读出：{'、'.join(absent)}"
    left, right = (sum(values[n.strip()] for n in side.split("+")) for side in equation.split("="))
    shown = "，".join(f"{name}={value}" for name, value in values.items())
    return left == right, f"{equation.replace(' ', '')}：{left} ≠ {right}（{shown}）" if left != right else shown


def _elements_check(p: dict) -> list[str]:
    problems = regex_map(p, "elements") + regex_map(p, "numbers")
    if "equation" in p:
        names = re.split(r"[+=]", str(p["equation"]))
        unknown = [n.strip() for n in names if n.strip() not in (p.get("numbers") or {})]
        if str(p["equation"]).count("=") != 1 or unknown:
            problems.append(f"params.equation: must be 'a + b = c + d' over params.numbers (unknown: {', '.join(unknown)})")
    return problems


@kind("content_elements", "Each selected document's text (page and attachments) names every element "
      "(params.elements: name → regular expression) and, with params.numbers and params.equation, its "
      "figures add up.", params=("elements",), check=_elements_check)
def content_elements(rule: Rule, ctx: BureauContext) -> list[Finding]:
    docs = _selected(rule, ctx)
    findings: list[Finding] = []
    for doc in docs:
        text = fold(doc.full_text)
        problems = []
        missing = missing_elements(text, rule.params["elements"])
        if missing:
            problems.append(f"未载明：{'、'.join(missing)}")
        if "equation" in rule.params:
            holds, shown = _equation(text, rule.params["numbers"], rule.params["equation"])
            if holds is False:
                problems.append(f"数据勾稽关系不成立：{shown}")
            elif holds is None:
                problems.append(shown)
        if problems and doc.unreadable:
            findings.append(finding(rule, ctx, "untestable", doc.url, documents=[doc], evidence_url=doc.url,
                                    message=f"附件无法读取（{doc.unreadable[0]['reason']}），无法检查内容"))
        elif problems:
            findings.append(finding(rule, ctx, "fail", doc.url, message="；".join(problems), found="；".join(problems),
                                    documents=[doc], evidence_url=doc.url, missing=missing))
    if findings:
        return findings
    if not docs:
        return none_in_scope(rule, ctx)
    return [finding(rule, ctx, "pass", site(ctx), message=f"已检查{len(docs)}条信息，内容要素齐全", checked=len(docs))]


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, 28))


@kind("recent_item", "The newest selected document exists, is at most params.max_months old, and "
      "names params.elements if given.", params=("item", "max_months"), check=lambda p: regex_map(p, "elements"))
def recent_item(rule: Rule, ctx: BureauContext) -> list[Finding]:
    item = rule.params["item"]
    dated = [(d, _date(d.published) or _date(d.list_date)) for d in _selected(rule, ctx)]
    dated = [(d, day) for d, day in dated if day]
    if not dated:
        if not ctx.crawl_complete:
            return [finding(rule, ctx, "untestable", item, message=f"部分栏目未能完整抓取，无法确认是否发布{item}")]
        return [finding(rule, ctx, "fail", item, message=f"全站未发现{item}", found="未发现")]
    doc, day = max(dated, key=lambda pair: pair[1])
    limit = _months_before(ctx.audit_date, int(rule.params["max_months"]))
    problems = []
    if day < limit:
        problems.append(f"最近一次发布于{day.isoformat()}，已超过{rule.params['max_months']}个月未更新")
    missing = missing_elements(fold(doc.full_text), rule.params.get("elements") or {})
    if missing and not doc.unreadable:
        problems.append(f"未载明：{'、'.join(missing)}")
    elif missing:
        return [finding(rule, ctx, "untestable", item, documents=[doc], evidence_url=doc.url,
                        message=f"附件无法读取（{doc.unreadable[0]['reason']}），无法检查内容")]
    if problems:
        return [finding(rule, ctx, "fail", item, message="；".join(problems), found=day.isoformat(),
                        documents=[doc], evidence_url=doc.url)]
    return [finding(rule, ctx, "pass", item, message=f"最近一次发布于{day.isoformat()}", found=day.isoformat(),
                    documents=[doc], evidence_url=doc.url)]


@kind("report_vs_site", "Figures an annual report states (params.claims: label and what to count on the "
      "site) agree with the documents found, within params.tolerance.", params=("claims", "tolerance"),
      match=("title",))
def report_vs_site(rule: Rule, ctx: BureauContext) -> list[Finding]:
    year = ctx.audit_date.year - 1
    title = re.compile(rule.match["title"])
    reports = [d for d in ctx.documents
               if (m := title.search(d.display_title)) and m.groupdict().get("year") == str(year)]
    if not reports:
        return [finding(rule, ctx, "na", site(ctx), message=f"未发现{year}年度报告（见RPT-1）")]
    report = reports[0]
    if not ctx.crawl_complete:
        return [finding(rule, ctx, "untestable", report.url, documents=[report], evidence_url=report.url,
                        message="部分栏目未能完整抓取，无法核对年报数据")]
    text = fold(report.full_text)
    tolerance = float(rule.params["tolerance"])
    gaps, checked, unknown = [], [], []
    for claim in rule.params["claims"]:
        stated = number_after(text, claim["label"])
        if stated is None:
            unknown.append(claim["name"])
            continue
        column = re.compile(claim["column"]) if claim.get("column") else None
        found = sum(1 for d in ctx.documents
                    if (day := _date(d.published)) and day.year == year
                    and (column is None or any(column.search(c) for c in d.columns)))
        checked.append({"name": claim["name"], "stated": stated, "found": found})
        if abs(stated - found) > tolerance * max(stated, found, 1):
            gaps.append(f"{claim['name']}：年报称{stated}，网站实际发现{found}")
    if gaps:
        return [finding(rule, ctx, "fail", report.url, message="；".join(gaps), found="；".join(gaps),
                        documents=[report], evidence_url=report.url, figures=checked)]
    if unknown and not checked:
        return [finding(rule, ctx, "untestable", report.url, documents=[report], evidence_url=report.url,
                        message=f"年报中未能读出：{'、'.join(unknown)}")]
    return [finding(rule, ctx, "pass", report.url, documents=[report], evidence_url=report.url,
                    message="；".join(f"{c['name']}：年报{c['stated']}，网站{c['found']}" for c in checked), figures=checked)]

