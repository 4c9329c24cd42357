"""Rule kinds: the few generic evaluators every catalogue rule is data over.

Each kind is a pure function ``(rule, context) → findings`` registered with the parameters and
match patterns it needs. Per-document kinds give one ``fail`` per offending document and one
``pass`` for the bureau when nothing offends; whatever the crawl could not establish is
``untestable``, never ``fail``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from auditor.blocking import failure
from auditor.extract.labels import FIELD_NAMES
from auditor.normalize import (
    DOCNO_NONE,
    org_code_valid,
    parse_doc_no,
    parse_index_no,
    usci_valid,
)
from auditor.rules_engine.catalogue import Rule
from auditor.rules_engine.context import BureauContext, Document
from auditor.rules_engine.findings import Finding
from auditor.workdays import CalendarGap, working_days_between

Evaluator = Callable[[Rule, BureauContext], list[Finding]]


Checker = Callable[[dict[str, Any]], list[str]]  # params → problems ("params.x: ...")


@dataclass(frozen=True)
class Kind:
    name: str
    evaluate: Evaluator
    description: str
    required_params: tuple[str, ...] = ()
    required_match: tuple[str, ...] = ()
    check: Checker | None = None  # validates the params' shape when the catalogue is loaded


KINDS: dict[str, Kind] = {}


def kind(name: str, description: str, params: tuple[str, ...] = (), match: tuple[str, ...] = (),
         check: Checker | None = None):
    def register(fn: Evaluator) -> Evaluator:
        KINDS[name] = Kind(name, fn, description, params, match, check)
        return fn
    return register


def regex_map(params: dict[str, Any], key: str) -> list[str]:
    """Problems with ``params[key]`` as a mapping of name → regular expression (absent is fine)."""
    value = params.get(key)
    if value is None:
        return []
    if not isinstance(value, dict):
        return [f"params.{key}: must be a mapping of name: regular expression"]
    problems = []
    for name, pattern in value.items():
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problems.append(f"params.{key}.{name}: not a valid regular expression: {exc}")
    return problems


def spec_keys(params: dict[str, Any], key: str, required: tuple[str, ...], units: bool = True) -> list[str]:
    """Problems with ``params[key]`` as a mapping holding ``required`` keys (and a known unit)."""
    value = params.get(key)
    if value is None:
        return []
    if not isinstance(value, dict):
        return [f"params.{key}: must be a mapping with {', '.join(required)}"]
    problems = [f"params.{key}.{k}: required key is missing" for k in required if k not in value]
    if units and value.get("unit") not in ("days", "working_days"):
        problems.append(f"params.{key}.unit: must be days or working_days")
    if "label" in value:
        problems += regex_map({key: {"label": value["label"]}}, key)
    return problems


def finding(rule: Rule, ctx: BureauContext, status: str, subject: str, *, message: str = "",
            found: str = "", documents: list[Document] | None = None, evidence_url: str | None = None,
            **details: Any) -> Finding:
    return Finding(
        bureau=ctx.bureau["id"], rule=rule.id, status=status, severity=rule.severity,
        rule_title=rule.title, subject=subject, message=message, expected=rule.expected, found=found,
        documents=[d.ref() for d in documents or []], evidence=ctx.evidence(evidence_url),
        basis=rule.basis, advice=rule.advice, area=rule.area, veto=rule.veto,
        details={**details, "provisional": list(rule.provisional)} if rule.provisional else details)


def site(ctx: BureauContext) -> str:
    return ctx.bureau["start_urls"][0]


def none_in_scope(rule: Rule, ctx: BureauContext, message: str = "本站未发现适用的信息") -> list[Finding]:
    """No document the rule applies to: ``na`` — unless document pages went unread, which may
    hide some: then ``untestable``."""
    if ctx.unread_documents:
        return [finding(rule, ctx, "untestable", site(ctx), message=f"{ctx.unread_documents}个信息页面未能读取，无法检查")]
    return [finding(rule, ctx, "na", site(ctx), message=message)]


def _passed(rule: Rule, ctx: BureauContext, checked: int, message: str) -> list[Finding]:
    """No document failed: ``pass`` (saying how many document pages went unread), or see
    ``none_in_scope`` when none was checked."""
    if checked == 0:
        return none_in_scope(rule, ctx, message)
    return [finding(rule, ctx, "pass", site(ctx), message=f"已检查{checked}条信息，未发现问题{unread_note(ctx)}",
                    checked=checked)]


def unread_note(ctx: BureauContext) -> str:
    """What a pass must admit: how many document pages went unread."""
    return f"（另有{ctx.unread_documents}个信息页面未能读取）" if ctx.unread_documents else ""


@lru_cache(maxsize=1 << 14)
def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# ---------------------------------------------------------------------------- site level
@kind("site_reachable", "The start page answers (after retries).")
def site_reachable(rule: Rule, ctx: BureauContext) -> list[Finding]:
    start = ctx.start or {}
    if ctx.reachable:
        return [finding(rule, ctx, "pass", site(ctx), message=f"首页可访问（HTTP {start['status']}）")]
    what = f"HTTP {start['status']}" if start.get("status") else (start.get("error") or "未能连接")
    attempts = start.get("attempts") or 1
    return [finding(rule, ctx, "fail", site(ctx), message=f"首页无法访问：{what}，共尝试{attempts}次",
                    found=f"{what}（尝试{attempts}次）", attempts=attempts)]


@kind("blank_columns", "Columns whose lists are complete and empty; fail at the threshold.", params=("threshold",))
def blank_columns(rule: Rule, ctx: BureauContext) -> list[Finding]:
    threshold = int(rule.params["threshold"])
    blank = [c for c in ctx.columns if c.complete and c.items == 0]
    unknown = [c for c in ctx.columns if not c.complete]
    names = "、".join(c.name for c in blank)
    columns = [{"name": c.name, "url": c.url} for c in blank]
    if len(blank) >= threshold:
        return [finding(rule, ctx, "fail", site(ctx), message=f"发现{len(blank)}个空白栏目（限值{threshold}）：{names}",
                        found=f"{len(blank)}个空白栏目：{names}", blank_columns=columns, count=len(blank))]
    if len(blank) + len(unknown) >= threshold:
        return [finding(rule, ctx, "untestable", site(ctx),
                        message=f"{len(unknown)}个栏目未能完整抓取，无法确定空白栏目是否达到{threshold}个",
                        blank_columns=columns)]
    return [finding(rule, ctx, "pass", site(ctx), message=f"空白栏目{len(blank)}个（限值{threshold}）" + (f"：{names}" if names else ""),
                    blank_columns=columns, count=len(blank))]


@kind("broken_links", "Internal links and attachments that answer an error; links the tool could not "
      "read (timeouts, anti-bot challenges, robots.txt, 429/503) are not counted as broken.", params=("max_broken",))
def broken_links(rule: Rule, ctx: BureauContext) -> list[Finding]:
    broken, unchecked = [], []
    checked = 0
    documents = {d.url for d in ctx.documents}  # detail pages read fine (not in ctx.pages)
    for link in ctx.links:
        page = ctx.pages.get(link["to_url"])
        if page is None:
            checked += link["to_url"] in documents
            continue
        outcome = failure(page)
        entry = {"from": link["from_url"], "to": link["to_url"], "text": link["text"],
                 "status": page.get("status"), "error": page.get("error")}
        if outcome is None or outcome[0] == "broken":
            checked += 1
            if outcome:
                broken.append(entry)
        else:
            unchecked.append({**entry, "why": outcome[1]})
    limit = int(rule.params["max_broken"])
    if len(broken) > limit:
        rate = len(broken) / max(checked, 1)
        sources = sorted({b["from"] for b in broken})
        docs = {d.url: d for d in ctx.documents}
        return [finding(rule, ctx, "fail", site(ctx),
                        message=f"{len(broken)}个站内链接或附件失效（共检查{checked}个，失效率{rate:.1%}）",
                        found=f"{len(broken)}/{checked} 失效", documents=[docs[s] for s in sources if s in docs],
                        evidence_url=sources[0], broken=broken, checked=checked, unchecked=unchecked)]
    if len(broken) + len(unchecked) > limit:
        return [finding(rule, ctx, "untestable", site(ctx),
                        message=f"{len(unchecked)}个站内链接或附件未能检查（{unchecked[0]['why']}等），无法确定是否失效",
                        broken=broken, checked=checked, unchecked=unchecked)]
    return [finding(rule, ctx, "pass", site(ctx), message=f"共检查{checked}个站内链接和附件，未发现失效", checked=checked)]


# ---------------------------------------------------------------------------- presence in a period
@kind("periodic_item", "A yearly item (titles matching match.title, whose group 'year' is params.year: "
      "'last' or 'this') is listed by its deadline: params.within_days after the bureau's 批复 date "
      "(registry approvals: {params.approval}_{year}) where given, else params.deadline (or "
      "deadline_department and deadline_government), MM-DD of the audit year.", params=("item",), match=("title",))
def periodic_item(rule: Rule, ctx: BureauContext) -> list[Finding]:
    year = ctx.audit_date.year - (1 if rule.params.get("year", "last") == "last" else 0)
    key = "deadline" if "deadline" in rule.params else (
        "deadline_government" if ctx.bureau["kind"] == "government" else "deadline_department")
    month, day = (int(x) for x in str(rule.params[key]).split("-"))
    deadline = dt.date(ctx.audit_date.year, month, day)
    # a 批复 date from the registry beats the fixed deadline: "within N days of approval"
    approved = (ctx.bureau.get("approvals") or {}).get(f"{rule.params.get('approval')}_{year}")
    if approved and "within_days" in rule.params:
        deadline = _date(approved) + dt.timedelta(days=int(rule.params["within_days"]))
    subject = str(rule.params["item"]).format(year=year)
    if ctx.audit_date <= deadline:
        return [finding(rule, ctx, "na", subject, message=f"检查日未过法定期限（{deadline.isoformat()}）")]
    pattern = re.compile(rule.match["title"])
    docs = {d.url: d for d in ctx.documents}
    candidates: list[tuple[dt.date, Document]] = []
    for entry in ctx.entries:
        match = pattern.search(entry.title or "")
        if match and match.groupdict().get("year") == str(year):
            doc = docs.get(entry.url) or Document(entry.url, entry.title, None, None, entry.date, None,
                                                  None, None, None, [entry.column], entry.title, entry.date)
            published = _date(doc.published) or _date(entry.date)
            if published:
                candidates.append((published, doc))
    if candidates:
        published, doc = min(candidates, key=lambda c: c[0])
        if published <= deadline:
            return [finding(rule, ctx, "pass", subject, message=f"已于{published.isoformat()}公布",
                            found=published.isoformat(), documents=[doc], evidence_url=doc.url)]
        late = (published - deadline).days
        return [finding(rule, ctx, "fail", subject,
                        message=f"{subject}于{published.isoformat()}公布，晚于法定期限（{deadline.isoformat()}）{late}天",
                        found=f"{FIELD_NAMES['published']}{published.isoformat()}（逾期{late}天）", documents=[doc],
                        evidence_url=doc.url, deadline=deadline.isoformat(), days_late=late)]
    if not ctx.crawl_complete:
        return [finding(rule, ctx, "untestable", subject, message=f"部分栏目未能完整抓取，无法确认{subject}是否缺失")]
    column = re.compile(rule.match["column"]) if "column" in rule.match else None
    report_columns = [c for c in ctx.columns if column and column.search(c.name)]
    where = "、".join(f"“{c.name}”栏目" for c in report_columns) or "全部栏目"
    return [finding(rule, ctx, "fail", subject, message=f"在{where}中未发现{subject}",
                    found="未发现", evidence_url=report_columns[0].url if report_columns else None,
                    deadline=deadline.isoformat())]


# ---------------------------------------------------------------------------- per-document fields
def _index_ok(value: str, doc: Document, ctx: BureauContext) -> str | None:
    pattern = ctx.bureau.get("index_pattern")
    if pattern and re.fullmatch(pattern, value):
        return None
    return None if parse_index_no(value).format else "不符合本单位配置格式或任何全国通行索引号格式"


def _doc_no_problem(value: str, doc: Document, ctx: BureauContext) -> str | None:
    return "；".join(parse_doc_no(value).defects) or None


def _check_digit(value: str, doc: Document, ctx: BureauContext) -> str | None:
    prefix = parse_index_no(value).prefix or ""
    if len(prefix) == 18 and not usci_valid(prefix):
        return f"所含统一社会信用代码{prefix}校验位错误（GB 32100-2015）"
    if len(prefix) == 9 and not org_code_valid(prefix):
        return f"所含组织机构代码{prefix}校验位错误（GB 11714）"
    return None


def _expected_prefix(prefix: str, ctx: BureauContext) -> str | None:
    code = ctx.bureau.get("credit_code") or ""
    if len(prefix) == 18 and code:
        return code
    if len(prefix) == 9 and code:
        return code[8:17]
    return ctx.common_index_prefix


def _prefix_problem(value: str, doc: Document, ctx: BureauContext) -> str | None:
    prefix = parse_index_no(value).prefix
    expected = _expected_prefix(prefix, ctx) if prefix else None
    if prefix and expected and prefix != expected:
        return f"索引号前缀{prefix}与本单位代码{expected}不一致"
    return None


def _index_date(value: str, doc: Document, ctx: BureauContext) -> str | None:
    parsed, published = parse_index_no(value), _date(doc.published)
    if not parsed.year or not published:
        return None
    if parsed.year != published.year or (parsed.month and parsed.month != published.month):
        shown = f"{parsed.year}年" + (f"{parsed.month}月" if parsed.month else "")
        return f"索引号中的{shown}与发布日期{published.isoformat()}不符"
    return None


def _doc_no_year(value: str, doc: Document, ctx: BureauContext) -> str | None:
    year, written = parse_doc_no(value).year, _date(doc.written)
    if not year or not written or year == written.year:
        return None
    if (written.month == 1 and year == written.year - 1) or (written.month == 12 and year == written.year + 1):
        return None  # numbered in one year, dated in the next: allowed around New Year
    return f"文号年份{year}与成文日期{written.isoformat()}不符"


def _publisher(value: str, doc: Document, ctx: BureauContext) -> str | None:
    name = ctx.bureau["name"]
    return None if "".join(value.split()) == name else f"“{value}”不是本单位登记的全称“{name}”"


VALIDATORS: dict[str, Callable[[str, Document, BureauContext], str | None]] = {
    "index_no": _index_ok, "doc_no": _doc_no_problem, "check_digit": _check_digit,
    "index_prefix": _prefix_problem, "index_date": _index_date, "doc_no_year": _doc_no_year,
    "publisher": _publisher,
}


def _field_format_check(params: dict[str, Any]) -> list[str]:
    problems = []
    if params.get("validator") not in VALIDATORS:
        problems.append(f"params.validator: unknown validator {params.get('validator')!r} (known: {', '.join(VALIDATORS)})")
    if params.get("field") not in FIELD_NAMES:
        problems.append(f"params.field: unknown field {params.get('field')!r} (known: {', '.join(FIELD_NAMES)})")
    return problems


@kind("field_format", "A metadata field, where present, is well formed (validators: "
      + ", ".join(VALIDATORS) + ").", params=("field", "validator"), check=_field_format_check)
def field_format(rule: Rule, ctx: BureauContext) -> list[Finding]:
    name, validate = rule.params["field"], VALIDATORS[rule.params["validator"]]
    findings, checked = [], 0
    for doc in ctx.documents:
        value = getattr(doc, name)
        if not value or value in DOCNO_NONE:
            continue
        checked += 1
        problem = validate(value, doc, ctx)
        if problem:
            findings.append(finding(rule, ctx, "fail", doc.url, message=f"“{value}”：{problem}",
                                    found=value, documents=[doc], evidence_url=doc.url, value=value))
    return findings or _passed(rule, ctx, checked, f"本站信息未标注{FIELD_NAMES[name]}")


def _selected(rule: Rule, ctx: BureauContext) -> list[Document]:
    """The documents a rule's ``match`` selects by column and/or title (all when it has neither).
    Rules often share a match (a chain's rules): each selection is made once per bureau."""
    key = tuple(rule.match.get(k) for k in ("column", "title", "exclude_title"))
    if key not in ctx.selections:
        ctx.selections[key] = _select(rule, ctx)
    return ctx.selections[key]


def _select(rule: Rule, ctx: BureauContext) -> list[Document]:
    column = re.compile(rule.match["column"]) if "column" in rule.match else None
    title = re.compile(rule.match["title"]) if "title" in rule.match else None
    exclude = re.compile(rule.match["exclude_title"]) if "exclude_title" in rule.match else None
    candidates = ctx.documents
    if column:  # the pattern is tried on the few column names, not on every document
        positions = sorted({i for name, found in ctx.by_column.items() if column.search(name) for i in found})
        candidates = [ctx.documents[i] for i in positions]
    return [doc for doc in candidates
            if not (title and not title.search(doc.display_title)) and not (exclude and exclude.search(doc.display_title))]


@kind("required_fields", "Every selected document shows the fields (a list, or 'profile': the CMS "
      "profile's required fields); one finding per site listing the documents that do not.",
      params=("fields",),
      check=lambda p: [] if p.get("fields") == "profile" or (isinstance(p.get("fields"), list) and set(p["fields"]) <= FIELD_NAMES.keys())
      else [f"params.fields: must be 'profile' or a list of {', '.join(FIELD_NAMES)}"])
def required_fields(rule: Rule, ctx: BureauContext) -> list[Finding]:
    from auditor.profiles import load_profiles

    wanted = rule.params["fields"]
    by_value = rule.params.get("presence", "value_or_label") == "value"
    profiles = load_profiles(ctx.profiles_dir)
    lacking: list[tuple[Document, list[str]]] = []
    docs = _selected(rule, ctx)
    for doc in docs:
        fields = (list(profiles[doc.profile].required_fields) if wanted == "profile" and doc.profile in profiles
                  else [] if wanted == "profile" else list(wanted))
        missing = [f for f in fields if not getattr(doc, f) and (by_value or not doc.shows(f))]
        if missing:
            lacking.append((doc, missing))
    if not docs:
        return none_in_scope(rule, ctx)
    if not lacking:
        return [finding(rule, ctx, "pass", site(ctx), message=f"已检查{len(docs)}条信息，均标注齐全{unread_note(ctx)}", checked=len(docs))]
    names = sorted({FIELD_NAMES[f] for _, missing in lacking for f in missing})
    return [finding(rule, ctx, "fail", site(ctx),
                    message=f"{len(lacking)}条信息（共检查{len(docs)}条）未标注{'、'.join(names)}",
                    found=f"{len(lacking)}/{len(docs)}条缺少", documents=[d for d, _ in lacking[:50]],
                    evidence_url=lacking[0][0].url, count=len(lacking), checked=len(docs),
                    missing=[{"url": d.url, "fields": [FIELD_NAMES[f] for f in m]} for d, m in lacking])]


@kind("unique_field", "A metadata field is unique within the bureau (params.distinct_by: title — only "
      "different titles count as a clash).", params=("field",))
def unique_field(rule: Rule, ctx: BureauContext) -> list[Finding]:
    name = rule.params["field"]
    by_title = rule.params.get("distinct_by") == "title"  # e.g. one 文号 on two different titles
    groups: dict[str, list[Document]] = {}
    for doc in ctx.documents:
        value = getattr(doc, name)
        if value and value not in DOCNO_NONE:
            groups.setdefault(value, []).append(doc)
    findings = []
    for value, docs in groups.items():
        distinct = {d.display_title if by_title else (d.display_title, d.published) for d in docs}
        if len(docs) < 2 or len(distinct) < 2:
            continue  # one document reachable under two URLs is not a duplicate
        for doc in docs:
            others = [d for d in docs if d is not doc]
            findings.append(finding(rule, ctx, "fail", doc.url,
                                    message=f"“{value}”同时用于{len(docs)}条信息", found=value,
                                    documents=[doc, *others], evidence_url=doc.url, value=value))
    checked = sum(len(v) for v in groups.values())
    return findings or _passed(rule, ctx, checked, f"本站信息未标注{FIELD_NAMES[name]}")


@kind("date_order", "Two dates of a document are in order, and neither is after the audit date.",
      params=("earlier", "later"))
def date_order(rule: Rule, ctx: BureauContext) -> list[Finding]:
    first, second = rule.params["earlier"], rule.params["later"]
    name_1, name_2 = FIELD_NAMES[first], FIELD_NAMES[second]
    findings, checked = [], 0
    for doc in ctx.documents:
        earlier, later = _date(getattr(doc, first)), _date(getattr(doc, second))
        if later is None:
            continue
        checked += 1
        problem = None
        if earlier and later < earlier:
            problem = f"{name_2}{later.isoformat()}早于{name_1}{earlier.isoformat()}"
        elif later > ctx.audit_date:
            problem = f"{name_2}{later.isoformat()}晚于检查日{ctx.audit_date.isoformat()}"
        if problem:
            findings.append(finding(rule, ctx, "fail", doc.url, message=problem,
                                    found=f"{name_1}{earlier.isoformat() if earlier else '—'} / {name_2}{later.isoformat()}",
                                    documents=[doc], evidence_url=doc.url))
    return findings or _passed(rule, ctx, checked, f"本站信息未标注{name_2}")


@kind("deadline", "The time between two dates of a document is within a limit.",
      params=("start", "end", "limit", "unit"))
def deadline(rule: Rule, ctx: BureauContext) -> list[Finding]:
    limit, unit = int(rule.params["limit"]), rule.params["unit"]
    name_1, name_2 = FIELD_NAMES[rule.params["start"]], FIELD_NAMES[rule.params["end"]]
    findings, checked = [], 0
    for doc in ctx.documents:
        start, end = _date(getattr(doc, rule.params["start"])), _date(getattr(doc, rule.params["end"]))
        if not start or not end or end < start:
            continue
        checked += 1
        try:
            used = working_days_between(start, end) if unit == "working_days" else (end - start).days
        except CalendarGap as gap:
            findings.append(finding(rule, ctx, "untestable", doc.url, message=str(gap),
                                    documents=[doc], evidence_url=doc.url))
            continue
        label = "个工作日" if unit == "working_days" else "天"
        if used > limit:
            findings.append(finding(
                rule, ctx, "fail", doc.url,
                message=f"{name_1}{start.isoformat()}至{name_2}{end.isoformat()}共{used}{label}，超过{limit}{label}",
                found=f"{used}{label}", documents=[doc], evidence_url=doc.url, days=used, limit=limit))
    return findings or _passed(rule, ctx, checked, f"本站信息未同时标注{name_1}与{name_2}")


# ---------------------------------------------------------------------------- linkage
def _counterparts(rule: Rule, ctx: BureauContext) -> set[str]:
    key = ("counterparts", rule.match["counterpart_column"], rule.match["counterpart_title"])
    if key not in ctx.selections:
        column, title = re.compile(rule.match["counterpart_column"]), re.compile(rule.match["counterpart_title"])
        ctx.selections[key] = [d for d in ctx.documents
                               if any(column.search(c) for c in d.columns) or title.search(d.display_title)]
    return {d.url for d in ctx.selections[key]}


@kind("counterpart_delay", "A matched document's linked counterpart (a 解读, linked either way) is "
      "published within params.limit working days of it.", params=("limit",),
      match=("column", "exclude_title", "counterpart_column", "counterpart_title"))
def counterpart_delay(rule: Rule, ctx: BureauContext) -> list[Finding]:
    limit = int(rule.params["limit"])
    docs = {d.url: d for d in ctx.documents}
    counterparts, outgoing, incoming = _counterparts(rule, ctx), ctx.outgoing, ctx.incoming
    findings, checked = [], 0
    for doc in _selected(rule, ctx):
        linked = (outgoing.get(doc.url, set()) | incoming.get(doc.url, set())) & counterparts
        start = _date(doc.published)
        dated = [(d, _date(d.published)) for u in sorted(linked) if (d := docs.get(u))]
        dated = [(d, day) for d, day in dated if day]
        if not start or not dated:
            continue
        checked += 1
        other, day = min(dated, key=lambda pair: pair[1])
        try:
            used = working_days_between(start, day) if day > start else 0
        except CalendarGap as gap:
            findings.append(finding(rule, ctx, "untestable", doc.url, message=str(gap), documents=[doc, other]))
            continue
        if used > limit:
            findings.append(finding(rule, ctx, "fail", doc.url, documents=[doc, other], evidence_url=other.url,
                                    message=f"文件发布于{start.isoformat()}，解读发布于{day.isoformat()}，相隔{used}个工作日，超过{limit}个工作日",
                                    found=f"{used}个工作日", days=used, limit=limit))
    return findings or _passed(rule, ctx, checked, "本站未发现已关联解读的政策文件")

@kind("linked_counterpart", "Each matched document and its counterpart (a 解读) link to each other.",
      match=("column", "exclude_title", "counterpart_column", "counterpart_title"))
def linked_counterpart(rule: Rule, ctx: BureauContext) -> list[Finding]:
    column = re.compile(rule.match["column"])
    exclude = re.compile(rule.match["exclude_title"])
    docs = {d.url: d for d in ctx.documents}
    counterparts, outgoing, incoming = _counterparts(rule, ctx), ctx.outgoing, ctx.incoming
    unread = {page["url"] for page in ctx.unchecked}
    findings, checked = [], 0
    listed = {e.url for e in ctx.entries if column.search(e.column) and not exclude.search(e.title)}
    for url in sorted(listed):
        doc = docs.get(url)
        if doc is None:
            page = ctx.pages.get(url) or {}
            findings.append(finding(rule, ctx, "untestable", url, message=f"文件页面未能打开（{page.get('status') or page.get('error') or '未抓取'}）"))
            continue
        checked += 1
        to = outgoing.get(url, set()) & counterparts
        back = incoming.get(url, set()) & counterparts
        if to & back:
            continue
        if hidden := sorted(outgoing.get(url, set()) & unread):  # a page it links to may be its 解读
            findings.append(finding(rule, ctx, "untestable", url, message=f"文件页链接的{len(hidden)}个页面未能读取，"
                                    "无法确认是否为其解读", documents=[doc], unread=hidden))
            continue
        if to or back:
            one_way = "文件页链接了解读，但解读页未链接回文件" if to else "解读页链接了文件，但文件页未链接解读"
            linked = [docs[u] for u in sorted(to | back) if u in docs]
            findings.append(finding(rule, ctx, "fail", url, message=f"政策文件与解读为单向关联：{one_way}",
                                    found="单向关联", documents=[doc, *linked], evidence_url=url))
        else:
            findings.append(finding(rule, ctx, "fail", url, message="未发现该政策文件的解读（文件页与解读栏目均无关联）",
                                    found="无解读", documents=[doc], evidence_url=url))
    return findings or _passed(rule, ctx, checked, "本站未发现政策文件或规范性文件")


# the other kinds register themselves on import
import auditor.rules_engine.chains  # noqa: E402, F401
import auditor.rules_engine.columns  # noqa: E402, F401
import auditor.rules_engine.content  # noqa: E402, F401
