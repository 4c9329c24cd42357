"""Documents whose text matters to the rules: chains of land, supply, mining, plan and decision
notices with their periods and dates, budgets and 三公 accounts (in PDF attachments), annual
reports with their tables, 解读 with their contacts, the 公开指南, norm lists and messages.

Every function draws clean documents (they pass every rule); ``province._plant_defects`` then
breaks chosen ones. Dates are chosen so that every period, lead time and delay holds with a margin.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from auditor.workdays import add_working_days, is_workday

if TYPE_CHECKING:
    from auditor.simulator.province import Column, Document, _Builder


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def land_batches(b: _Builder, column: Column, count: int) -> None:
    """征地批次: 预公告 (≥10 WD) → 补偿安置公告 (≥30 d, elements) → 用地批复 (≤10 WD) → 征收土地公告 (≤15 WD)."""
    place = b.bureau.name[:3]
    for n in range(1, count + 1):
        start = workday(dt.date(2024, 3, 1) + dt.timedelta(days=b.rng.randrange(0, 700)))
        key = f"{start.year}年第{n}批次"
        pre_end = add_working_days(start, 12)
        column.documents.append(b.document(column, f"{place}{key}征收土地预公告", start, body=[
            f"拟征收{place}{key}集体土地，征收范围和目的详见附图，将开展土地现状调查。",
            f"公告期：{cn(start)}至{cn(pre_end)}。公告期间不得抢栽抢建。"]))
        comp = workday(pre_end + dt.timedelta(days=7))
        column.documents.append(b.document(column, f"{place}{key}征地补偿安置公告", comp, body=[
            "征地补偿安置方案已拟定，被征地农村集体经济组织及其成员请在公告期内办理补偿登记。",
            f"公告期：{cn(comp)}至{cn(comp + dt.timedelta(days=34))}。",
            "办理补偿登记的方式和期限：持权属证明到乡镇人民政府现场登记，公告期满截止。",
            "异议反馈渠道：对方案有异议的，可在公告期内向县自然资源和规划局书面提出。"]))
        approved = workday(comp + dt.timedelta(days=50))
        column.documents.append(b.document(column, f"{place}{key}用地批复", add_working_days(approved, 5), body=[
            f"安徽省人民政府皖政地〔{approved.year}〕{100 + n}号文件已批准该批次用地，批准时间：{cn(approved)}。"]))
        column.documents.append(b.document(column, f"{place}{key}征收土地公告", add_working_days(approved, 9), body=[
            f"批准机关：安徽省人民政府；批准文号：皖政地〔{approved.year}〕{100 + n}号；批准时间：{cn(approved)}；批准用途：城镇建设用地。",
            "征收范围和具体工作安排详见附图；对征收决定不服的，可依法申请行政复议或提起行政诉讼。"]))
    published = workday(b.audit_date - dt.timedelta(days=b.rng.randrange(200, 500)))
    column.documents.append(b.document(column, f"关于公布实施{place}征地区片综合地价标准的通知", published, body=[
        "根据省人民政府公布的征地区片综合地价，现将本地区片价标准予以公布。"]))


def parcels(b: _Builder, column: Column, count: int) -> None:
    """宗地: 出让公告 (≥20 d before 挂牌) → 出让结果 (≤10 WD after 挂牌 ends); plus yearly 供应计划."""
    place = b.bureau.name[:3]
    for n in range(1, count + 1):
        posted = workday(dt.date(2024, 2, 1) + dt.timedelta(days=b.rng.randrange(0, 900)))
        key = f"{posted.year}G{n:03d}"
        opens, closes = posted + dt.timedelta(days=24), posted + dt.timedelta(days=34)
        notice = b.document(column, f"{place}国有建设用地使用权挂牌出让公告（{key}号宗地）", posted, body=[
            f"经{place}人民政府批准，决定以挂牌方式出让{key}号宗地国有建设用地使用权。",
            f"挂牌时间：{cn(opens)}至{cn(closes)}。"], attachment=True)
        column.documents.append(notice)
        column.documents.append(b.document(column, f"{place}国有建设用地使用权出让结果公示（{key}号宗地）",
                                           add_working_days(closes, 6), body=[f"{key}号宗地已于{cn(closes)}成交。"]))
    for year in (2024, 2025, 2026):
        day = workday(dt.date(year, 2, 10) + dt.timedelta(days=b.rng.randrange(0, 30)))
        column.documents.append(b.document(column, f"{place}{year}年度国有建设用地供应计划", day, body=[
            f"{year}年度计划供应国有建设用地{b.rng.randrange(80, 400)}公顷。"]))


def mining(b: _Builder, column: Column, count: int) -> None:
    """矿业权: 出让公告 (挂牌期) → 结果公示 (≤5 WD after it ends)."""
    place = b.bureau.name[:3]
    for n in range(1, count + 1):
        posted = workday(dt.date(2024, 3, 1) + dt.timedelta(days=b.rng.randrange(0, 800)))
        key = f"{posted.year}年第{n}批次"
        closes = posted + dt.timedelta(days=40)
        column.documents.append(b.document(column, f"{place}采矿权挂牌出让公告（{key}）", posted, body=[
            f"挂牌时间：{cn(posted + dt.timedelta(days=30))}至{cn(closes)}。"]))
        column.documents.append(b.document(column, f"{place}采矿权出让结果公示（{key}）", add_working_days(closes, 3),
                                           body=[f"公示期：{cn(add_working_days(closes, 3))}起10个工作日。"]))


def plans(b: _Builder, column: Column, count: int, areas: list[str]) -> None:
    """规划: 批前公示 (≥30 d) → 批后公布. The newest is recent (the column is a 规划 column)."""
    place = b.bureau.name[:3]
    for n in range(count):
        posted = workday(dt.date(2024, 2, 1) + dt.timedelta(days=b.rng.randrange(0, 600)))
        if n == 0:
            posted = workday(b.audit_date - dt.timedelta(days=b.rng.randrange(60, 90)))
        name = f"{place}{areas[n % len(areas)]}{n + 1}号地块"
        ends = posted + dt.timedelta(days=b.rng.randrange(31, 40))
        column.documents.append(b.document(column, f"{name}详细规划批前公示", posted, body=[
            f"公示期：{cn(posted)}至{cn(ends)}。公示期间可通过信函或电子邮件提出意见。"]))
        column.documents.append(b.document(column, f"{name}详细规划批后公布", workday(ends + dt.timedelta(days=20)),
                                           body=["该规划已经批准，现予公布。"]))


def decisions(b: _Builder, column: Column, count: int, topics: list[str]) -> None:
    """重大决策预公开: 征求意见 (≥30 d) → 意见采纳情况."""
    for n in range(count):
        posted = workday(dt.date(2024, 3, 1) + dt.timedelta(days=b.rng.randrange(0, 700)))
        name = f"{b.bureau.name[:3]}{topics[n % len(topics)]}管理办法"
        ends = posted + dt.timedelta(days=b.rng.randrange(30, 36))
        column.documents.append(b.document(column, f"关于《{name}（征求意见稿）》公开征求意见的公告", posted, body=[
            f"征求意见期：{cn(posted)}至{cn(ends)}。"]))
        column.documents.append(b.document(column, f"《{name}》意见采纳情况的说明", workday(ends + dt.timedelta(days=15)),
                                           body=["共收到意见建议12条，采纳8条，未采纳的已说明理由。"]))


SANGONG = ["因公出国(境)费{a}万元，公务用车购置费{b}万元，公务用车运行费{c}万元，公务接待费{d}万元。",
           "与上年相比减少{e}万元，主要是严格落实过紧日子要求，压减公务接待和车辆运行支出。"]


def budgets(b: _Builder, column: Column) -> None:
    """部门预算 (this year and before, Feb–Mar), 部门决算 (last year and before, Aug) and 三公 accounts in PDFs."""
    name = b.bureau.name
    for year in (2024, 2025, 2026):
        day = workday(dt.date(year, 2, 20) + dt.timedelta(days=b.rng.randrange(0, 20)))
        column.documents.append(b.document(column, f"{name}{year}年部门预算", day, body=[
            f"{year}年部门预算收入{b.rng.randrange(800, 5000)}万元，机关运行经费安排说明见附件。"]))
        sangong = b.document(column, f"{name}{year}年“三公”经费预算情况说明", day, body=["详见附件。"])
        sangong.attachment = f"sg{sangong.id}.pdf"
        sangong.attachment_text = [line.format(a=b.rng.randrange(0, 9), b=0, c=b.rng.randrange(3, 12),
                                               d=b.rng.randrange(1, 6), e=b.rng.randrange(1, 4)) for line in SANGONG]
        column.documents.append(sangong)
    for year in (2023, 2024, 2025):
        day = workday(dt.date(year + 1, 8, 10) + dt.timedelta(days=b.rng.randrange(0, 20)))
        column.documents.append(b.document(column, f"{name}{year}年部门决算", day, body=[
            f"{year}年度收入支出决算总表等9张报表及情况说明见正文。"]))


def interpretation_body(b: _Builder) -> list[str]:
    return ["一、出台背景和依据。二、主要内容。三、适用范围和执行时间。",
            f"解读机关：{b.bureau.name}；解读人：办公室负责人；联系电话：0563-{b.rng.randrange(2000000, 2999999)}。"]


def guide(b: _Builder, column: Column) -> None:
    for n, days in enumerate((b.rng.randrange(380, 600), b.rng.randrange(20, 200))):
        title = f"{b.bureau.name}政府信息公开指南" + ("（修订）" if n else "")
        column.documents.append(b.document(column, title, workday(b.audit_date - dt.timedelta(days=days)), body=[
            "一、主动公开：本机关通过政府网站公开政府信息。",
            "二、依申请公开：申请人可通过网上提交、信函申请或当面提交等方式申请，受理机构为本机关办公室。"]))


def norm_list(b: _Builder, column: Column, min_days: int = 30) -> Document:
    day = workday(b.audit_date - dt.timedelta(days=b.rng.randrange(min_days, min_days + 270)))
    doc = b.document(column, f"关于公布{b.bureau.name}现行有效行政规范性文件目录的通知", day, body=[
        "经清理，现将现行有效、废止和失效的规范性文件目录予以公布。"])
    column.documents.append(doc)
    return doc


def messages(b: _Builder, column: Column, topics: list[str]) -> None:
    """咨询留言, each answered within a few weeks (the list date is the asking date)."""
    for n in range(6):
        asked = workday(b.audit_date - dt.timedelta(days=b.rng.randrange(20, 700)))
        doc = b.document(column, f"关于{topics[n % len(topics)]}的咨询", asked)
        answered = add_working_days(asked, b.rng.randrange(2, 15))
        doc.body = [f"留言时间：{asked.isoformat()}", f"回复时间：{answered.isoformat()}", "回复内容：您好，您反映的问题已转相关科室办理。"]
        column.documents.append(doc)


def report_body(year: int, published_count: int, norm_count: int, rng) -> list[str]:
    """An annual report in the 国办公开办函〔2021〕30号 format, its figures true and adding up."""
    new, carried = rng.randrange(5, 40), rng.randrange(0, 4)
    carried_over = rng.randrange(0, 3)
    return [
        "一、总体情况", f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        f"本年主动公开政府信息{published_count}条。",
        "二、主动公开政府信息情况", f"行政规范性文件本年制发{norm_count}件，本年废止0件。",
        "三、收到和处理政府信息公开申请情况",
        f"一、本年新收政府信息公开申请数量 {new}", f"二、上年结转政府信息公开申请数量 {carried}",
        f"(七)总计 {new + carried - carried_over}", f"四、结转下年度继续办理 {carried_over}",
        "四、政府信息公开行政复议、行政诉讼情况", "本年无行政复议、行政诉讼。",
        "五、存在的主要问题及改进情况", "信息发布的及时性有待提高。",
        "六、其他需要报告的事项", "本年未收取信息处理费。",
    ]
