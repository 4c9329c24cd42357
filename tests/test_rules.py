"""Each rule kind on hand-made contexts: a passing and a failing case, and the statuses that are
not verdicts (na, untestable)."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.rules_engine.catalogue import load_catalogue
from auditor.rules_engine.context import BureauContext, Column, Document, ListEntry
from auditor.rules_engine.engine import evaluate_bureau, outcome

SITE = "http://127.0.0.2:8001/"
CATALOGUE = load_catalogue()


def doc(n: int, **fields) -> Document:
    values = dict(url=f"{SITE}show/{n}.html", title=f"文件{n}", index_no=None, doc_no=None,
                  published="2026-03-10", written=None, publisher="某局", validity=None, fetched_at="2026-11-29T10:00:00+08:00")
    values.update(fields)
    return Document(**values)


def context(documents=(), *, columns=None, entries=(), links=(), pages=None, start_status=200, bureau=None,
            audit_date=dt.date(2026, 11, 29)) -> BureauContext:
    record = {"id": "b1", "name": "某局", "level": "county", "kind": "finance", "start_urls": [SITE],
              "waivers": [], "index_pattern": None, **(bureau or {})}
    pages = dict(pages or {})
    pages.setdefault(SITE, {"url": SITE, "status": start_status, "error": None, "fetched_at": "t", "attempts": 3})
    return BureauContext(bureau=record, audit_date=audit_date, start=pages[SITE], documents=list(documents),
                         columns=list(columns if columns is not None else [Column(SITE + "c", "通知公告", 1, True)]),
                         entries=list(entries), pages=pages, links=list(links))


def results(ctx: BureauContext, rule_id: str) -> list[tuple[str, str]]:
    return [(f.status, f.subject) for f in evaluate_bureau(CATALOGUE, ctx) if f.rule == rule_id]


def test_site_reachable():
    assert results(context(), "WEB-DOWN-1") == [("pass", SITE)]
    down = context(start_status=503)
    assert results(down, "WEB-DOWN-1") == [("fail", SITE)]
    others = {f.rule: f.status for f in evaluate_bureau(CATALOGUE, down) if f.rule != "WEB-DOWN-1"}
    not_for_this_kind = {r.id for r in CATALOGUE.rules if not r.applies(down.bureau["level"], down.bureau["kind"])}
    assert {rule for rule, status in others.items() if status == "na"} == not_for_this_kind
    assert {status for rule, status in others.items() if rule not in not_for_this_kind} == {"untestable"}


def _report(title, date):
    return ListEntry(SITE + "r.html", title, date, "政府信息公开年度报告")


def test_annual_report_on_time_late_missing_and_not_due():
    on_time = context(entries=[_report("某局2025年政府信息公开工作年度报告", "2026-01-20")])
    assert results(on_time, "RPT-1") == [("pass", "2025年度政府信息公开工作年度报告")]
    late = context(entries=[_report("某局2025年度政府信息公开工作年度报告", "2026-02-02")])
    (f,) = [f for f in evaluate_bureau(CATALOGUE, late) if f.rule == "RPT-1"]
    assert (f.status, f.details["days_late"]) == ("fail", 2)
    assert f.message == "2025年度政府信息公开工作年度报告于2026-02-02公布，晚于法定期限（2026-01-31）2天"
    wrong_year = context(entries=[_report("某局2024年政府信息公开工作年度报告", "2025-01-20")])
    assert results(wrong_year, "RPT-1") == [("fail", "2025年度政府信息公开工作年度报告")]
    government = context(entries=[_report("某县2025年政府信息公开工作年度报告", "2026-03-20")],
                         bureau={"kind": "government"})
    assert results(government, "RPT-1")[0][0] == "pass"  # 3月31日 for a government's own report
    assert results(context(audit_date=dt.date(2026, 1, 15)), "RPT-1")[0][0] == "na"


def test_annual_report_missing_but_crawl_incomplete_is_untestable():
    ctx = context(columns=[Column(SITE + "c", "通知公告", 3, True), Column(SITE + "d", "年度报告", 0, False)])
    assert results(ctx, "RPT-1") == [("untestable", "2025年度政府信息公开工作年度报告")]


def test_index_format_and_configured_pattern():
    good, bad = doc(1, index_no="11341800MB2914172N/202603-00001"), doc(2, index_no="XC-2026-1")
    assert results(context([good]), "META-IDX-2") == [("pass", SITE)]
    assert results(context([good, bad]), "META-IDX-2") == [("fail", bad.url)]
    assert results(context([bad], bureau={"index_pattern": r"XC-\d{4}-\d+"}), "META-IDX-2") == [("pass", SITE)]
    assert results(context([doc(3)]), "META-IDX-2") == [("na", SITE)]
    (na,) = [f for f in evaluate_bureau(CATALOGUE, context([doc(3)])) if f.rule == "META-IDX-2"]
    assert na.message == "本站信息未标注索引号"


def test_index_unique():
    a, b = doc(1, index_no="X/2026-00001", title="甲"), doc(2, index_no="X/2026-00001", title="乙")
    c = doc(3, index_no="X/2026-00002")
    assert results(context([a, c]), "META-IDX-6") == [("pass", SITE)]
    assert sorted(results(context([a, b, c]), "META-IDX-6")) == [("fail", a.url), ("fail", b.url)]
    same = doc(4, index_no="X/2026-00001", title="甲")  # the same document under a second URL
    assert results(context([a, same]), "META-IDX-6") == [("pass", SITE)]


def test_doc_no_format():
    docs = [doc(1, doc_no="宣财发〔2025〕8号"), doc(2, doc_no="无"), doc(3, doc_no="宣财发〔2025〕第8号")]
    assert results(context(docs[:2]), "META-DOCNO-1") == [("pass", SITE)]
    assert results(context(docs), "META-DOCNO-1") == [("fail", docs[2].url)]


def test_date_order():
    ok = doc(1, written="2026-03-01", published="2026-03-10")
    early = doc(2, written="2026-03-12", published="2026-03-10")
    future = doc(3, published="2026-12-01")
    assert results(context([ok]), "META-DATE-1") == [("pass", SITE)]
    assert sorted(results(context([ok, early, future]), "META-DATE-1")) == [("fail", early.url), ("fail", future.url)]


def test_twenty_working_days_with_holidays():
    trap = doc(1, written="2026-09-21", published="2026-10-21")  # 22 weekdays, 17 working days
    late = doc(2, written="2026-09-25", published="2026-10-30")  # 21 working days
    assert results(context([trap]), "META-DATE-2") == [("pass", SITE)]
    (f,) = [f for f in evaluate_bureau(CATALOGUE, context([trap, late])) if f.rule == "META-DATE-2"]
    assert (f.status, f.subject, f.details["days"]) == ("fail", late.url, 21)


def test_uncovered_calendar_year_is_untestable():
    ctx = context([doc(1, written="2026-12-20", published="2027-01-25")], audit_date=dt.date(2027, 2, 1))
    (f,) = [f for f in evaluate_bureau(CATALOGUE, ctx) if f.rule == "META-DATE-2"]
    assert f.status == "untestable" and "2027" in f.message


def _policy_site(link_to: bool, link_back: bool):
    policy, interp = doc(1, title="关于印发某办法的通知"), doc(2, title="《某办法》政策解读")
    entries = [ListEntry(policy.url, policy.title, policy.published, "政策文件"),
               ListEntry(interp.url, interp.title, interp.published, "政策解读")]
    policy.columns, interp.columns = ["政策文件"], ["政策解读"]
    links = ([{"from_url": policy.url, "to_url": interp.url, "text": "", "kind": "content"}] if link_to else []) + \
            ([{"from_url": interp.url, "to_url": policy.url, "text": "", "kind": "content"}] if link_back else [])
    return context([policy, interp], entries=entries, links=links), policy


@pytest.mark.parametrize("to, back, status, found", [
    (True, True, "pass", None), (True, False, "fail", "单向关联"), (False, True, "fail", "单向关联"),
    (False, False, "fail", "无解读"),
])
def test_policy_interpretation_linkage(to, back, status, found):
    ctx, policy = _policy_site(to, back)
    (f,) = [f for f in evaluate_bureau(CATALOGUE, ctx) if f.rule == "INT-1"]
    assert f.status == status
    if found:
        assert (f.subject, f.found) == (policy.url, found)


def test_policy_page_not_fetched_is_untestable():
    ctx, policy = _policy_site(True, True)
    ctx.documents = [d for d in ctx.documents if d.url != policy.url]
    assert results(ctx, "INT-1") == [("untestable", policy.url)]


def test_interpretation_page_unread_is_untestable_not_missing():
    """The policy links a page that timed out: it may be the 解读 — never a 无解读 gap."""
    ctx, policy = _policy_site(True, True)
    interp = next(d for d in ctx.documents if d.url != policy.url)
    ctx.documents = [policy]
    ctx.links = [link for link in ctx.links if link["from_url"] == policy.url]
    ctx.pages[interp.url] = {"url": interp.url, "kind": "link", "status": None, "error": "DownloadTimeoutError: took longer"}
    (f,) = [f for f in evaluate_bureau(CATALOGUE, ctx) if f.rule == "INT-1"]
    assert (f.status, f.subject, f.details["unread"]) == ("untestable", policy.url, [interp.url])


def test_blank_columns_threshold_and_incomplete():
    blank = [Column(f"{SITE}c{i}", f"栏目{i}", 0, True) for i in range(5)]
    assert results(context(columns=blank[:4]), "WEB-UPD-2") == [("pass", SITE)]
    assert results(context(columns=blank), "WEB-UPD-2") == [("fail", SITE)]
    unknown = blank[:4] + [Column(SITE + "x", "未完", 3, False)]
    assert results(context(columns=unknown), "WEB-UPD-2") == [("untestable", SITE)]


def test_broken_links():
    page = doc(1)
    links = [{"from_url": page.url, "to_url": SITE + "a.pdf", "text": "附件", "kind": "content"}]
    ok = {SITE + "a.pdf": {"url": SITE + "a.pdf", "status": 200, "error": None, "fetched_at": "t"}}
    gone = {SITE + "a.pdf": {"url": SITE + "a.pdf", "status": 404, "error": None, "fetched_at": "t"}}
    assert results(context([page], links=links, pages=ok), "WEB-LNK-1") == [("pass", SITE)]
    (f,) = [f for f in evaluate_bureau(CATALOGUE, context([page], links=links, pages=gone)) if f.rule == "WEB-LNK-1"]
    assert f.status == "fail" and f.details["broken"][0]["status"] == 404 and f.documents[0]["url"] == page.url


def test_waivers_and_expiry():
    waiver = {"rule": "INT-1", "reason": "本单位不制发政策文件", "until": "2027-12-31"}
    ctx, _ = _policy_site(False, False)
    ctx.bureau["waivers"] = [waiver]
    (f,) = [f for f in evaluate_bureau(CATALOGUE, ctx) if f.rule == "INT-1"]
    assert f.status == "na" and "本单位不制发政策文件" in f.message
    ctx.bureau["waivers"] = [{**waiver, "until": "2026-06-30"}]  # expired before the audit date
    assert results(ctx, "INT-1")[0][0] == "fail"


def test_outcome_veto():
    findings = evaluate_bureau(CATALOGUE, context([doc(1, written="2026-03-12", published="2026-03-10")]))
    verdict, deciding = outcome(findings)
    assert verdict == "不合格" and [f.rule for f in deciding] == ["META-DATE-1"]
    assert outcome(evaluate_bureau(CATALOGUE, context([doc(1)])))[0] == "合格"
