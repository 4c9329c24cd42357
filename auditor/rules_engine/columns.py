"""Column-level rule kinds (国办秘函〔2019〕19号 栏目不更新 and 互动回应差): stale columns by
type, items listed without a date, and messages left unanswered."""

from __future__ import annotations

import datetime as dt
import re

from auditor.normalize import parse_date
from auditor.rules_engine.catalogue import Rule
from auditor.rules_engine.context import BureauContext
from auditor.rules_engine.findings import Finding
from auditor.rules_engine.kinds import _date, finding, kind, site
from auditor.rules_engine.text_facts import date_after


@kind("stale_columns", "Columns of a cadence type (params.types: name, column pattern, max_days) whose "
      "newest item is older than allowed, or undated; fail when at least params.threshold.",
      params=("types", "threshold"))
def stale_columns(rule: Rule, ctx: BureauContext) -> list[Finding]:
    types = [(t["name"], re.compile(t["column"]), int(t["max_days"])) for t in rule.params["types"]]
    threshold = int(rule.params["threshold"])
    stale, checked, unknown = [], 0, 0
    for column in ctx.columns:
        kind_of = next(((name, days) for name, pattern, days in types if pattern.search(column.name)), None)
        if kind_of is None or column.items == 0:
            continue  # untyped, or blank (blank columns are WEB-UPD-2's)
        if not column.complete:
            unknown += 1
            continue
        checked += 1
        limit = ctx.audit_date - dt.timedelta(days=kind_of[1])
        if column.newest is None or column.newest < limit:
            shown = column.newest.isoformat() if column.newest else "无日期"
            stale.append({"name": column.name, "url": column.url, "type": kind_of[0], "newest": shown,
                          "max_days": kind_of[1]})
    names = "、".join(f"{c['name']}（最新{c['newest']}，{c['type']}限{c['max_days']}天）" for c in stale)
    if len(stale) >= threshold:
        return [finding(rule, ctx, "fail", site(ctx), message=f"{len(stale)}个栏目未按要求更新（限值{threshold}）：{names}",
                        found=f"{len(stale)}个栏目未更新", evidence_url=stale[0]["url"], stale_columns=stale,
                        count=len(stale))]
    if len(stale) + unknown >= threshold:
        return [finding(rule, ctx, "untestable", site(ctx),
                        message=f"{unknown}个栏目未能完整抓取，无法确定未更新栏目是否达到{threshold}个", stale_columns=stale)]
    if checked == 0:
        return [finding(rule, ctx, "na", site(ctx), message="本站未发现需按期更新的栏目")]
    return [finding(rule, ctx, "pass", site(ctx), message=f"检查{checked}个栏目，未按要求更新{len(stale)}个（限值{threshold}）"
                    + (f"：{names}" if names else ""), stale_columns=stale, count=len(stale))]


@kind("undated_items", "Columns that list items without a date (counted as not updated).")
def undated_items(rule: Rule, ctx: BureauContext) -> list[Finding]:
    findings = [finding(rule, ctx, "fail", c.url, message=f"“{c.name}”栏目有{c.undated}条信息未标注发布日期（共{c.items}条）",
                        found=f"{c.undated}/{c.items}条无日期", evidence_url=c.url, count=c.undated)
                for c in ctx.columns if c.undated]
    listed = sum(c.items for c in ctx.columns)
    return findings or [finding(rule, ctx, "pass", site(ctx), message=f"{listed}条列表信息均标注了日期", checked=listed)]


@kind("unanswered_messages", "Messages in an interaction column (match.column) asked within "
      "params.window_days and answered late or not at all after params.max_days.",
      params=("max_days", "window_days", "asked", "answered"), match=("column",))
def unanswered_messages(rule: Rule, ctx: BureauContext) -> list[Finding]:
    column = re.compile(rule.match["column"])
    asked_labels, answered_labels = rule.params["asked"], rule.params["answered"]
    asked_re, answered_re = "|".join(asked_labels), "|".join(answered_labels)
    max_days, window = int(rule.params["max_days"]), int(rule.params["window_days"])
    messages = [d for d in ctx.documents if any(column.search(c) for c in d.columns)]
    if not messages:
        return [finding(rule, ctx, "na", site(ctx), message="本站未发现政务咨询类留言栏目")]
    findings, checked = [], 0
    for doc in messages:
        # a label/value pair where the page shows one, else the line in its text
        asked = (next((parse_date(doc.labels[k]) for k in asked_labels if doc.labels.get(k)), None)
                 or date_after(doc.text, asked_re) or _date(doc.published))
        answered = (next((parse_date(doc.labels[k]) for k in answered_labels if doc.labels.get(k)), None)
                    or date_after(doc.text, answered_re))
        if asked is None or asked < ctx.audit_date - dt.timedelta(days=window):
            continue
        checked += 1
        waited = ((answered or ctx.audit_date) - asked).days
        if waited > max_days:
            state = f"于{answered.isoformat()}答复，间隔{waited}天" if answered else f"至检查日已{waited}天未答复"
            findings.append(finding(rule, ctx, "fail", doc.url, message=f"{asked.isoformat()}的留言{state}（限{max_days}天）",
                                    found=state, documents=[doc], evidence_url=doc.url, days=waited))
    return findings or [finding(rule, ctx, "pass", site(ctx), message=f"近{window}天内{checked}条留言均在{max_days}天内答复",
                                checked=checked)]
