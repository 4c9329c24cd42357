"""The full catalogue's rules on hand-made contexts: for each, a case that passes and one that
fails (and the not-a-verdict statuses where they matter). The demo's end-to-end test does the
same through a real crawl."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.rules_engine.context import Column, Document, ListEntry
from auditor.rules_engine.engine import evaluate_bureau
from auditor.rules_engine.text_facts import date_after, number_after, period_after
from tests.test_rules import CATALOGUE, SITE, context, doc, results

NAME = "某县自然资源和规划局"
CODE = "11341823MB835337XD"  # a valid USCI (check digit D)
NR = {"name": NAME, "kind": "natural_resources", "credit_code": CODE}


def in_column(column: str, n: int, title: str, **fields) -> Document:
    return doc(n, title=title, columns=[column], **fields)


def statuses(ctx, rule_id: str) -> list[str]:
    return [status for status, _ in results(ctx, rule_id)]


# ---------------------------------------------------------------- metadata
@pytest.mark.parametrize("rule, good, bad", [
    ("META-IDX-3", f"{CODE}/202603-00001", "11341823MB835337XA/202603-00001"),
    ("META-IDX-4", f"{CODE}/202603-00001", "11341800MB2914172N/202603-00001"),
    ("META-IDX-5", f"{CODE}/202603-00001", f"{CODE}/202604-00001"),
])
def test_index_number_rules(rule, good, bad):
    assert statuses(context([doc(1, index_no=good)], bureau=NR), rule) == ["pass"]
    assert statuses(context([doc(1, index_no=bad)], bureau=NR), rule) == ["fail"]


def test_index_prefix_without_registered_code_uses_the_common_one():
    docs = [doc(n, index_no=f"XC00101-1700-2026-{n:05d}") for n in range(1, 4)]
    docs.append(doc(9, index_no="XC00202-1800-2026-00009"))
    assert results(context(docs), "META-IDX-4") == [("fail", docs[-1].url)]


def test_required_fields_and_index_presence():
    shown = doc(1, index_no=f"{CODE}/202603-00001", raw={"索引号": f"{CODE}/202603-00001", "文号": ""}, profile="empirecms")
    assert statuses(context([shown]), "META-IDX-1") == ["pass"]
    assert statuses(context([doc(2, raw={"索引号": ""})]), "META-IDX-1") == ["fail"]
    anhui = dict(profile="anhui_openness", index_no="x", category="c", publisher="p", subject="s", title="t")
    full = doc(3, raw={"文号": ""}, **anhui)  # an empty 文号 shown on the page is "present"
    assert statuses(context([full]), "META-REQ-1") == ["pass"]
    lacking = doc(4, raw={}, **{**anhui, "subject": None})
    finding = next(f for f in evaluate_bureau(CATALOGUE, context([full, lacking])) if f.rule == "META-REQ-1")
    assert finding.status == "fail" and "主题分类" in finding.message and "文号" in finding.message


def test_validity_on_norm_documents_only():
    norm = in_column("规范性文件", 1, "关于印发某办法的通知", validity="有效")
    assert statuses(context([norm]), "META-VALID-1") == ["pass"]
    assert statuses(context([in_column("规范性文件", 2, "关于印发某规定的通知")]), "META-VALID-1") == ["fail"]
    assert statuses(context([doc(3)]), "META-VALID-1") == ["na"]


def test_doc_no_year_and_reuse():
    assert statuses(context([doc(1, doc_no="某发〔2026〕3号", written="2026-03-01")]), "META-DOCNO-2") == ["pass"]
    assert statuses(context([doc(1, doc_no="某发〔2025〕3号", written="2026-01-05")]), "META-DOCNO-2") == ["pass"]
    assert statuses(context([doc(1, doc_no="某发〔2024〕3号", written="2026-03-01")]), "META-DOCNO-2") == ["fail"]
    same = [doc(1, doc_no="某发〔2026〕3号", title="甲"), doc(2, doc_no="某发〔2026〕3号", title="甲")]
    assert statuses(context(same), "META-DOCNO-3") == ["pass"]  # one document under two URLs
    clash = [doc(1, doc_no="某发〔2026〕3号", title="甲"), doc(2, doc_no="某发〔2026〕3号", title="乙")]
    assert statuses(context(clash), "META-DOCNO-3") == ["fail", "fail"]


def test_publisher_full_name():
    assert statuses(context([doc(1, publisher=NAME)], bureau=NR), "META-PUB-1") == ["pass"]
    assert statuses(context([doc(1, publisher="某县自然资源局")], bureau=NR), "META-PUB-1") == ["fail"]


# ---------------------------------------------------------------- chains
def land(n, title, published, text):
    return in_column("土地征收", n, title, published=published, text=text)


def test_land_pre_notice_present_and_long_enough():
    ok = land(1, "某县2026年第1批次征收土地预公告", "2026-03-02", "公告期：2026年3月2日至2026年3月17日。")
    assert statuses(context([ok], bureau=NR), "LAND-1") == ["pass"]
    short = land(1, "某县2026年第1批次征收土地预公告", "2026-03-02", "公告期：2026年3月2日至2026年3月11日。")
    assert statuses(context([short], bureau=NR), "LAND-1") == ["fail"]  # 8 working days
    missing = land(2, "某县2026年第1批次征地补偿安置公告", "2026-04-01", "")
    assert results(context([missing], bureau=NR), "LAND-1") == [("fail", "2026年第1批次")]


def test_land_compensation_notice_elements_and_period():
    text = "公告期：2026年4月1日至2026年5月5日。办理补偿登记的方式和期限：现场登记。异议反馈渠道：书面提出。"
    ok = land(1, "某县2026年第1批次征地补偿安置公告", "2026-04-01", text)
    assert statuses(context([ok], bureau=NR), "LAND-2") == ["pass"]
    no_channel = land(1, "某县2026年第1批次征地补偿安置公告", "2026-04-01", text.split("异议")[0])
    assert statuses(context([no_channel], bureau=NR), "LAND-2") == ["fail"]
    scanned = Document(**{**no_channel.__dict__, "attachments": [{"url": "a.pdf", "text": None, "reason": "附件无文字层"}]})
    assert statuses(context([scanned], bureau=NR), "LAND-2") == ["untestable"]


def test_land_notice_and_approval_delays_in_working_days():
    text = "批准机关：省政府；批准文号：皖政地〔2026〕1号；批准时间：2026年9月25日；批准用途：建设。"
    on_time = land(1, "某县2026年第1批次征收土地公告", "2026-10-22", text)  # 15 WD across National Day
    late = land(1, "某县2026年第1批次征收土地公告", "2026-10-23", text)  # (and its make-up Saturday)
    assert statuses(context([on_time], bureau=NR), "LAND-3") == ["pass"]
    assert statuses(context([late], bureau=NR), "LAND-3") == ["fail"]
    approval = land(2, "某县2026年第1批次用地批复", "2026-10-15", "批准时间：2026年9月25日。")
    assert statuses(context([approval], bureau=NR), "LAND-4") == ["pass"]
    approval = land(2, "某县2026年第1批次用地批复", "2026-10-16", "批准时间：2026年9月25日。")
    assert statuses(context([approval], bureau=NR), "LAND-4") == ["fail"]


def test_land_price_recency():
    price = in_column("土地征收", 1, "关于公布征地区片综合地价的通知", published="2024-05-01")
    assert statuses(context([price], bureau=NR), "LAND-5") == ["pass"]
    price = in_column("土地征收", 1, "关于公布征地区片综合地价的通知", published="2023-05-01")
    assert statuses(context([price], bureau=NR), "LAND-5") == ["fail"]


def supply(n, title, published, text=""):
    return in_column("国有建设用地供应", n, title, published=published, text=text)


def test_supply_lead_time_and_result_delay():
    notice = supply(1, "某县国有建设用地使用权挂牌出让公告（2026G001号宗地）", "2026-03-02",
                    "挂牌时间：2026年3月22日至2026年4月1日。")
    assert statuses(context([notice], bureau=NR), "SUP-2") == ["pass"]
    early = supply(1, "某县国有建设用地使用权挂牌出让公告（2026G001号宗地）", "2026-03-10",
                   "挂牌时间：2026年3月22日至2026年4月1日。")
    assert statuses(context([early], bureau=NR), "SUP-2") == ["fail"]
    result = supply(2, "某县国有建设用地使用权出让结果公示（2026G001号宗地）", "2026-04-16")  # 10 WD (清明)
    assert statuses(context([notice, result], bureau=NR), "SUP-3") == ["pass"]
    result = supply(2, "某县国有建设用地使用权出让结果公示（2026G001号宗地）", "2026-04-17")  # 11 WD
    assert statuses(context([notice, result], bureau=NR), "SUP-3") == ["fail"]
    assert results(context([notice], bureau=NR), "SUP-3") == [("fail", notice.url)]  # never published


def test_supply_plan_this_year():
    plan = supply(1, "某县2026年度国有建设用地供应计划", "2026-03-01")
    assert statuses(context([plan], entries=[ListEntry(plan.url, plan.title, "2026-03-01", "国有建设用地供应")],
                            bureau=NR), "SUP-1") == ["pass"]
    assert statuses(context([], bureau=NR), "SUP-1") == ["fail"]


def test_mining_result_within_five_working_days():
    notice = in_column("矿业权出让", 1, "某县采矿权挂牌出让公告（2026年第1批次）", published="2026-03-02",
                       text="挂牌时间：2026年4月1日至2026年4月10日。")
    result = in_column("矿业权出让", 2, "某县采矿权出让结果公示（2026年第1批次）", published="2026-04-17")
    assert statuses(context([notice, result], bureau=NR), "MIN-1") == ["pass"]
    late = in_column("矿业权出让", 2, "某县采矿权出让结果公示（2026年第1批次）", published="2026-04-20")
    assert statuses(context([notice, late], bureau=NR), "MIN-1") == ["fail"]


def test_plan_period_and_follow_up():
    before = in_column("国土空间规划", 1, "某地块详细规划批前公示", published="2026-03-01",
                       text="公示期：2026年3月1日至2026年3月30日。")
    after = in_column("国土空间规划", 2, "某地块详细规划批后公布", published="2026-05-01")
    assert statuses(context([before, after], bureau=NR), "PLAN-1") == ["pass"]
    short = in_column("国土空间规划", 1, "某地块详细规划批前公示", published="2026-03-01",
                      text="公示期：2026年3月1日至2026年3月29日。")  # 29 days
    assert statuses(context([short, after], bureau=NR), "PLAN-1") == ["fail"]
    assert statuses(context([before], bureau=NR), "PLAN-1") == ["fail"]  # no 批后公布 180 days on
    assert statuses(context([before], bureau=NR, audit_date=dt.date(2026, 6, 1)), "PLAN-1") == ["pass"]


def test_decision_consultation():
    asked = in_column("重大决策预公开", 1, "关于《某办法（征求意见稿）》公开征求意见的公告", published="2026-03-01",
                      text="征求意见期：2026年3月1日至2026年3月31日。")
    adopted = in_column("重大决策预公开", 2, "《某办法》意见采纳情况的说明", published="2026-04-20")
    assert statuses(context([asked, adopted]), "DEC-1") == ["pass"]
    assert statuses(context([asked]), "DEC-1") == ["fail"]
    assert statuses(context([]), "DEC-1") == ["na"]


# ---------------------------------------------------------------- finance, reports, policy, guide
def test_budget_and_accounts_deadlines():
    budget = in_column("财政预决算", 1, "某局2026年部门预算", published="2026-03-01")
    accounts = in_column("财政预决算", 2, "某局2025年部门决算", published="2026-08-20")
    entries = [ListEntry(d.url, d.title, d.published, "财政预决算") for d in (budget, accounts)]
    ctx = context([budget, accounts], entries=entries)
    assert (statuses(ctx, "FIN-1"), statuses(ctx, "FIN-2")) == (["pass"], ["pass"])
    late = in_column("财政预决算", 2, "某局2025年部门决算", published="2026-10-20")
    ctx = context([late], entries=[ListEntry(late.url, late.title, late.published, "财政预决算")])
    assert (statuses(ctx, "FIN-1"), statuses(ctx, "FIN-2")) == (["fail"], ["fail"])


def test_budget_deadline_from_the_approval_date():
    budget = in_column("财政预决算", 1, "某局2026年部门预算", published="2026-03-01")
    entries = [ListEntry(budget.url, budget.title, budget.published, "财政预决算")]
    approved = {"approvals": {"budget_2026": "2026-02-01"}}  # 20 days → 2026-02-21: published late
    assert statuses(context([budget], entries=entries, bureau=approved), "FIN-1") == ["fail"]
    approved = {"approvals": {"budget_2026": "2026-02-15"}}
    assert statuses(context([budget], entries=entries, bureau=approved), "FIN-1") == ["pass"]


SANGONG = "因公出国(境)费1万元，公务用车购置费0万元，公务用车运行费5万元，公务接待费2万元。与上年相比减少1万元，主要是压减支出。"


def test_sangong_items_read_from_the_attachment():
    in_pdf = doc(1, title="某局2026年“三公”经费预算情况说明", text="详见附件。",
                 attachments=[{"url": "a.pdf", "text": SANGONG, "reason": ""}])
    assert statuses(context([in_pdf]), "FIN-3") == ["pass"]
    merged = doc(1, title="某局2026年“三公”经费预算情况说明", text=SANGONG.replace("公务用车运行费", "车辆费"))
    assert statuses(context([merged]), "FIN-3") == ["fail"]


REPORT = ("一、总体情况 本年主动公开政府信息3条。二、主动公开政府信息情况 行政规范性文件本年制发1件。"
          "三、收到和处理政府信息公开申请情况 本年新收政府信息公开申请数量 10 上年结转政府信息公开申请数量 2 "
          "(七)总计 11 结转下年度继续办理 1 四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 "
          "六、其他需要报告的事项")


def test_annual_report_format_and_arithmetic():
    title = "某局2025年政府信息公开工作年度报告"
    assert statuses(context([doc(1, title=title, text=REPORT)]), "RPT-2") == ["pass"]
    assert statuses(context([doc(1, title=title, text=REPORT.replace("总计 11", "总计 12"))]), "RPT-2") == ["fail"]
    assert statuses(context([doc(1, title=title, text=REPORT.split("六、")[0])]), "RPT-2") == ["fail"]


def test_annual_report_figures_against_the_site():
    report = doc(9, title="某局2025年政府信息公开工作年度报告", text=REPORT, published="2026-01-20")
    site = [doc(1, published="2025-03-01"), in_column("规范性文件", 2, "规定", published="2025-05-01"),
            doc(3, published="2025-07-01"), doc(4, published="2026-02-01")]
    assert statuses(context([report, *site]), "RPT-3") == ["pass"]
    assert statuses(context([report, *site[:1]]), "RPT-3") == ["fail"]  # 1 found vs 3 stated


def test_interpretation_delay_and_contacts():
    policy = in_column("政策文件", 1, "关于某事的通知", published="2026-09-28")
    on_time = in_column("政策解读", 2, "《关于某事的通知》政策解读", published="2026-10-08",
                        text="解读机关：某局；解读人：张三；联系电话：0563-1")  # 3 WD, across National Day
    links = [{"from_url": policy.url, "to_url": on_time.url, "text": "", "kind": "content"}]
    assert statuses(context([policy, on_time], links=links), "INT-2") == ["pass"]
    assert statuses(context([policy, on_time], links=links), "INT-3") == ["pass"]
    late = Document(**{**on_time.__dict__, "published": "2026-10-09", "text": "一、背景。"})
    assert statuses(context([policy, late], links=links), "INT-2") == ["fail"]
    assert statuses(context([policy, late], links=links), "INT-3") == ["fail"]


def test_norm_list_and_guide_recency():
    listing = doc(1, title="关于公布现行有效行政规范性文件目录的通知", published="2026-01-10")
    assert statuses(context([listing]), "NORM-1") == ["pass"]
    assert statuses(context([doc(1, title=listing.title, published="2025-10-10")]), "NORM-1") == ["fail"]
    guide = doc(2, title="某局政府信息公开指南", published="2026-06-01", text="申请人可通过网上提交或信函申请。")
    assert statuses(context([guide]), "GUIDE-1") == ["pass"]
    assert statuses(context([Document(**{**guide.__dict__, "text": "本机关依法公开。"})]), "GUIDE-1") == ["fail"]
    assert statuses(context([]), "GUIDE-1") == ["fail"]


# ---------------------------------------------------------------- website inspection
def cols(*specs):
    return [Column(f"{SITE}c{n}/", name, items, True, newest=dt.date.fromisoformat(newest) if newest else None,
                   undated=undated) for n, (name, items, newest, undated) in enumerate(specs)]


def test_stale_columns_threshold():
    stale = [("工作动态", 3, "2026-11-01", 0), ("部门动态", 3, "2026-10-01", 0), ("图片新闻", 2, "2026-11-02", 0),
             ("通知公告", 9, "2026-05-01", 0), ("政策文件", 9, None, 3)]
    assert statuses(context(columns=cols(*stale)), "WEB-UPD-1") == ["fail"]
    assert statuses(context(columns=cols(*stale[:4])), "WEB-UPD-1") == ["pass"]
    assert statuses(context(columns=cols(*stale)), "WEB-UPD-4") == ["pass"]  # 5 < 10
    more = stale + [(f"人事信息{n}", 1, "2025-06-01", 0) for n in range(5)]
    assert statuses(context(columns=cols(*more)), "WEB-UPD-4") == ["fail"]


def test_undated_items():
    assert statuses(context(columns=cols(("通知公告", 9, "2026-11-01", 0))), "WEB-UPD-3") == ["pass"]
    assert statuses(context(columns=cols(("通知公告", 9, "2026-11-01", 2))), "WEB-UPD-3") == ["fail"]


def test_unanswered_messages():
    answered = in_column("咨询留言", 1, "关于某事的咨询", published="2026-06-01", text="留言时间：2026-06-01 回复时间：2026-06-10")
    pending = in_column("咨询留言", 2, "关于某事的咨询", published="2026-06-01", text="留言时间：2026-06-01 办理状态：未回复")
    recent = in_column("咨询留言", 3, "关于某事的咨询", published="2026-10-20", text="留言时间：2026-10-20")
    assert statuses(context([answered, recent]), "WEB-INT-1") == ["pass"]
    assert statuses(context([answered, pending, recent]), "WEB-INT-1") == ["fail"]
    assert statuses(context([]), "WEB-INT-1") == ["na"]


# ---------------------------------------------------------------- text facts
def test_text_facts():
    text = "公告期：2026年3月2日至2026年4月1日。批准时间：2026-05-06；本年新收政府信息公开申请数量 12"
    assert period_after(text, "公告期") == (dt.date(2026, 3, 2), dt.date(2026, 4, 1))
    assert date_after(text, "批准时间") == dt.date(2026, 5, 6)
    assert number_after(text, "本年新收政府信息公开申请数量") == 12
    assert period_after("公告期：另行通知。2026年3月2日", "公告期") is None
